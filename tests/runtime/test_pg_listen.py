"""TaskChangeListener against the real PostgreSQL: two replicas (store + notifier + listener
each, on engines of their own) share one database; what one writes wakes the other's watchers.

Watchers here poll every 60 s, far beyond the bounds below, so a watch that finishes was woken by
a notification: these tests fail if the NOTIFY or the LISTEN side is missing or broken.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from printforge.runtime.db import engine_for, migrate
from printforge.runtime.tasks.model import FAILED, IN_PROGRESS, PENDING, Task
from printforge.runtime.tasks.pg_listen import TaskChangeListener, listener_for
from printforge.runtime.tasks.store import TaskStore, task_migrations
from printforge.runtime.tasks.watch import LISTEN_POLL_S, TaskNotifier, watch_task

pytestmark = pytest.mark.postgres

NO_POLL_S = 60.0
"""Watchers' poll interval: longer than any wait below, so only a notification can wake them."""
WAIT_S = 20.0
"""Bound on every wait: a failure shows up as a timeout instead of a hung test."""


class RecordingNotifier(TaskNotifier):
    """A real notifier that also queues every task id it is told about."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: asyncio.Queue[str] = asyncio.Queue()

    def notify(self, task_id: str) -> None:
        self.heard.put_nowait(task_id)
        super().notify(task_id)


@dataclass
class Replica:
    store: TaskStore
    notifier: RecordingNotifier
    listener: TaskChangeListener


@pytest.fixture
def engines(postgres_url: str) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """Two engines on one database, as two service processes would have."""
    first = engine_for(postgres_url)
    migrate(first, "svc", task_migrations("svc"))
    second = sa.create_engine(postgres_url)
    yield first, second
    second.dispose()


@pytest.fixture
async def replicas(engines: tuple[sa.Engine, sa.Engine]) -> AsyncIterator[tuple[Replica, Replica]]:
    pair = []
    for engine in engines:
        store = TaskStore(engine, "svc")
        notifier = RecordingNotifier()
        listener = listener_for(store, notifier)
        assert listener is not None
        pair.append(Replica(store, notifier, listener))
    for replica in pair:
        await replica.listener.start()
        await asyncio.wait_for(replica.listener.wait_listening(), WAIT_S)
    yield pair[0], pair[1]
    for replica in pair:
        await replica.listener.stop()


async def _snapshots(replica: Replica, task_id: str, into: asyncio.Queue[Task | None]) -> None:
    async for task in watch_task(replica.store, replica.notifier, task_id, "alice", poll_s=NO_POLL_S):
        await into.put(task)
    await into.put(None)  # the stream ended


async def _next(queue: asyncio.Queue[Task | None]) -> Task | None:
    return await asyncio.wait_for(queue.get(), WAIT_S)


async def _heard(notifier: RecordingNotifier, task_id: str) -> None:
    while await asyncio.wait_for(notifier.heard.get(), WAIT_S) != task_id:
        pass


def test_sqlite_has_no_listener(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = TaskStore(engine_for(f"sqlite:///{tmp_path / 'one.db'}"), "svc")
    assert listener_for(store, TaskNotifier()) is None


async def test_create_on_one_replica_is_heard_on_the_other(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    task = await asyncio.to_thread(a.store.create, "alice", "k", {})
    await _heard(b.notifier, task.id)
    assert b.notifier.poll_s == LISTEN_POLL_S


async def test_every_write_on_one_replica_wakes_a_watcher_on_the_other(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    task = await asyncio.to_thread(a.store.create, "alice", "k", {})
    queue: asyncio.Queue[Task | None] = asyncio.Queue()
    watcher = asyncio.create_task(_snapshots(b, task.id, queue))
    try:
        assert (await _next(queue)).status == PENDING  # type: ignore[union-attr]

        steps = [
            (lambda: a.store.claim("w1", 30, ["k"]), (IN_PROGRESS, 0)),
            (lambda: a.store.set_progress(task.id, "w1", 40), (IN_PROGRESS, 40)),
            (lambda: a.store.release(task.id, "w1"), (PENDING, 40)),
            (lambda: a.store.claim("w2", 30, ["k"]), (IN_PROGRESS, 40)),
            (lambda: a.store.fail(task.id, "w2", "boom"), (FAILED, 40)),
        ]
        for write, expected in steps:
            assert await asyncio.to_thread(write)
            seen = await _next(queue)
            assert seen is not None and (seen.status, seen.progress) == expected
        assert await _next(queue) is None  # terminal: the stream ended
    finally:
        watcher.cancel()


async def test_delete_on_one_replica_ends_a_watch_on_the_other(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    task = await asyncio.to_thread(a.store.create, "alice", "k", {})
    queue: asyncio.Queue[Task | None] = asyncio.Queue()
    watcher = asyncio.create_task(_snapshots(b, task.id, queue))
    try:
        assert (await _next(queue)).status == PENDING  # type: ignore[union-attr]
        assert await asyncio.to_thread(a.store.delete, task.id, owner="alice") is not None
        assert await _next(queue) is None
    finally:
        watcher.cancel()


async def test_success_on_one_replica_ends_a_watch_on_the_other(replicas: tuple[Replica, Replica]) -> None:
    a, b = replicas
    task = await asyncio.to_thread(a.store.create, "alice", "k", {})
    statuses: list[str] = []

    async def watch() -> None:
        async for snapshot in watch_task(b.store, b.notifier, task.id, "alice", poll_s=NO_POLL_S):
            statuses.append(snapshot.status)
            if snapshot.status == PENDING:
                assert await asyncio.to_thread(a.store.claim, "w1", 30, ["k"])
                assert await asyncio.to_thread(a.store.succeed, task.id, "w1", {"ok": True})

    await asyncio.wait_for(watch(), WAIT_S)
    assert statuses[0] == PENDING and statuses[-1] == "SUCCEEDED"


async def test_listener_reconnects_after_its_connection_is_terminated(
    replicas: tuple[Replica, Replica], engines: tuple[sa.Engine, sa.Engine]
) -> None:
    a, b = replicas
    killed = b.listener.backend_pid
    assert killed is not None
    task = await asyncio.to_thread(a.store.create, "alice", "k", {})
    queue: asyncio.Queue[Task | None] = asyncio.Queue()
    watcher = asyncio.create_task(_snapshots(b, task.id, queue))
    try:
        assert (await _next(queue)).status == PENDING  # type: ignore[union-attr]
        with engines[0].connect() as conn:
            assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": killed}).scalar()
        # A change made while the connection is going away: its NOTIFY is lost, yet the watcher
        # must see it (it re-reads its row when the listener loses or regains its connection).
        assert await asyncio.to_thread(a.store.claim, "w1", 30, ["k"])
        seen = await _next(queue)
        assert seen is not None and seen.status == IN_PROGRESS

        await asyncio.wait_for(b.listener.wait_listening(sessions=2), WAIT_S)
        assert b.listener.backend_pid not in (None, killed)
        assert b.notifier.poll_s == LISTEN_POLL_S
        # And the new connection delivers notifications again.
        assert await asyncio.to_thread(a.store.set_progress, task.id, "w1", 70)
        seen = await _next(queue)
        assert seen is not None and (seen.status, seen.progress) == (IN_PROGRESS, 70)
    finally:
        watcher.cancel()
