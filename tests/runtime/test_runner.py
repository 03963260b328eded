"""TaskRunner end to end on a real store and a real worker pool."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from printforge.runtime.db import engine_for, migrate
from printforge.runtime.tasks.model import FAILED, SUCCEEDED, TERMINAL
from printforge.runtime.tasks.runner import TaskContext, TaskRunner
from printforge.runtime.tasks.store import TaskStore, task_migrations
from printforge.runtime.tasks.watch import TaskNotFound, TaskNotifier, watch_task
from printforge.runtime.tasks.workers import WorkerPool
from tests.runtime import jobs_for_tests as jobs


async def _double(ctx: TaskContext) -> dict[str, Any]:
    return {"value": await ctx.run_in_worker(jobs.double, ctx.task.input["x"])}


async def _segfault(ctx: TaskContext) -> dict[str, Any]:
    await ctx.run_in_worker(jobs.segfault)
    return {}


async def _refuse(ctx: TaskContext) -> dict[str, Any]:
    await ctx.run_in_worker(jobs.refuse, "the file is not a mesh")
    return {}


async def _kill_once(ctx: TaskContext) -> dict[str, Any]:
    return {"value": await ctx.run_in_worker(jobs.kill_self_once, ctx.task.input["marker"])}


async def _always_killed(ctx: TaskContext) -> dict[str, Any]:
    await ctx.run_in_worker(jobs.kill_self)
    return {}


async def _slow(ctx: TaskContext) -> dict[str, Any]:
    await ctx.run_in_worker(jobs.sleep, ctx.task.input["seconds"])
    return {"slept": ctx.task.input["seconds"]}


async def _hog(ctx: TaskContext) -> dict[str, Any]:
    return {"held": await ctx.run_in_worker(jobs.grow_memory, ctx.task.input["bytes"])}


HANDLERS = {
    "double": _double,
    "segv": _segfault,
    "refuse": _refuse,
    "kill-once": _kill_once,
    "always-killed": _always_killed,
    "slow": _slow,
    "hog": _hog,
}
POOL_MEMORY_MB = 1024


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2, memory_mb=POOL_MEMORY_MB)
    yield pool
    pool.close()


@pytest.fixture
async def runtime(database_url: str, pool: WorkerPool):
    engine = engine_for(database_url)
    migrate(engine, "svc", task_migrations("svc"))
    store = TaskStore(engine, "svc")
    notifier = TaskNotifier()
    runner = TaskRunner(
        store, pool, HANDLERS, notifier, concurrency=2, lease_s=5, max_attempts=3, timeout_s=60, poll_s=0.2
    )
    await runner.start()
    yield store, notifier, runner
    await runner.stop()


async def _final(store: TaskStore, notifier: TaskNotifier, task_id: str, owner: str = "alice") -> list:
    snapshots = []
    async with asyncio.timeout(90):
        async for task in watch_task(store, notifier, task_id, owner):
            snapshots.append(task)
    return snapshots


async def test_success_streams_progress_to_a_terminal_state(runtime) -> None:
    store, notifier, runner = runtime
    task = store.create("alice", "double", {"x": 21})
    runner.wake()
    snapshots = await _final(store, notifier, task.id)
    assert snapshots[-1].status == SUCCEEDED and snapshots[-1].result == {"value": 42}
    assert [s.status for s in snapshots].count(SUCCEEDED) == 1
    assert all(s.status not in TERMINAL for s in snapshots[:-1])
    progresses = [s.progress for s in snapshots]
    assert progresses == sorted(progresses) and progresses[-1] == 100


async def test_segfault_fails_the_task_with_a_message_and_the_runner_goes_on(runtime) -> None:
    store, notifier, runner = runtime
    bad = store.create("alice", "segv", {})
    good = store.create("alice", "double", {"x": 1})
    runner.wake()
    assert (await _final(store, notifier, bad.id))[-1].status == FAILED
    assert "SIGSEGV" in store.get(bad.id).error
    assert (await _final(store, notifier, good.id))[-1].status == SUCCEEDED


async def test_task_failure_message_reaches_the_task(runtime) -> None:
    store, notifier, runner = runtime
    task = store.create("alice", "refuse", {})
    runner.wake()
    final = (await _final(store, notifier, task.id))[-1]
    assert final.status == FAILED and final.error == "the file is not a mesh"


async def test_worker_killed_mid_task_reruns_and_ends_exactly_once(runtime, tmp_path: Path) -> None:
    store, notifier, runner = runtime
    task = store.create("alice", "kill-once", {"marker": str(tmp_path / "marker")})
    runner.wake()
    final = (await _final(store, notifier, task.id))[-1]
    assert final.status == SUCCEEDED and final.result == {"value": "survived"}
    assert final.attempts == 2


async def test_task_whose_worker_always_dies_fails_after_max_attempts(runtime) -> None:
    store, notifier, runner = runtime
    task = store.create("alice", "always-killed", {})
    runner.wake()
    final = (await _final(store, notifier, task.id))[-1]
    assert final.status == FAILED and "gave up after 3 attempts" in final.error


async def test_watch_unknown_or_foreign_task(runtime) -> None:
    store, notifier, _ = runtime
    task = store.create("alice", "double", {"x": 1})
    with pytest.raises(TaskNotFound):
        async for _ in watch_task(store, notifier, task.id, "bob"):
            pass


async def test_memory_limit_fails_the_task_and_the_runner_goes_on(runtime) -> None:
    store, notifier, runner = runtime
    hog = store.create("alice", "hog", {"bytes": 3 * POOL_MEMORY_MB * 1024 * 1024})
    runner.wake()
    final = (await _final(store, notifier, hog.id))[-1]
    assert final.status == FAILED, final
    assert f"{POOL_MEMORY_MB} MB memory limit" in final.error
    assert final.attempts == 1, "running out of memory is the input's fault: it is not retried"
    good = store.create("alice", "double", {"x": 4})
    runner.wake()
    final = (await _final(store, notifier, good.id))[-1]
    assert final.status == SUCCEEDED and final.result == {"value": 8}


class _RunnerWithoutRenewal(TaskRunner):
    """What a runner would do if it never renewed its lease: the control of the test below."""

    async def _renew_until_done(self, task, handler) -> None:  # type: ignore[no-untyped-def]
        await asyncio.Event().wait()  # never renews, never reports the lease lost; cancelled at the end


@contextlib.asynccontextmanager
async def _two_runners(
    database_url: str, pool: WorkerPool, runner_class: type[TaskRunner]
) -> AsyncIterator[tuple[TaskStore, TaskNotifier, list[TaskRunner]]]:
    """Two runners, as two replicas would run, on one store with a 1 s lease."""
    engine = engine_for(database_url)
    migrate(engine, "svc", task_migrations("svc"))
    store = TaskStore(engine, "svc")
    notifier = TaskNotifier()
    runners = [
        runner_class(
            store,
            pool,
            HANDLERS,
            notifier,
            concurrency=1,
            lease_s=1,
            max_attempts=3,
            timeout_s=60,
            poll_s=0.2,
        )
        for _ in range(2)
    ]
    for runner in runners:
        await runner.start()
    try:
        yield store, notifier, runners
    finally:
        for runner in runners:
            await runner.stop()


async def test_lease_renewal_keeps_a_long_task_with_its_runner(database_url: str, pool: WorkerPool) -> None:
    """A 3 s job under a 1 s lease: renewals keep the idle second runner from taking it."""
    async with _two_runners(database_url, pool, TaskRunner) as (store, notifier, runners):
        task = store.create("alice", "slow", {"seconds": 3})
        for runner in runners:
            runner.wake()
        final = (await _final(store, notifier, task.id))[-1]
    assert final.status == SUCCEEDED and final.result == {"slept": 3}
    assert final.attempts == 1


async def test_without_renewal_the_second_runner_takes_the_task(database_url: str, pool: WorkerPool) -> None:
    """The control: with renewal off, the same setup loses the task to the other runner."""
    async with _two_runners(database_url, pool, _RunnerWithoutRenewal) as (store, _, runners):
        task = store.create("alice", "slow", {"seconds": 3})
        for runner in runners:
            runner.wake()
        async with asyncio.timeout(30):
            while store.get(task.id).attempts < 2:  # type: ignore[union-attr]
                await asyncio.sleep(0.1)
