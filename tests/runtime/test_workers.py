"""WorkerPool: real spawned processes, real crashes, real limits."""

from __future__ import annotations

import pytest

from printforge.runtime.tasks.workers import WorkerError, WorkerPool
from tests.runtime import jobs_for_tests as jobs


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2, memory_mb=1024)
    yield pool
    pool.close()


async def test_runs_a_job_and_reports_progress(pool: WorkerPool) -> None:
    seen: list[int] = []
    assert await pool.run(jobs.double, 21, timeout_s=60, on_progress=seen.append) == 42
    assert seen == [25, 50, 75]


async def test_segfault_fails_the_job_not_the_pool(pool: WorkerPool) -> None:
    with pytest.raises(WorkerError, match="SIGSEGV") as info:
        await pool.run(jobs.segfault, timeout_s=60)
    assert not info.value.retryable
    assert await pool.run(jobs.double, 1, timeout_s=60) == 2


async def test_memory_limit(pool: WorkerPool) -> None:
    with pytest.raises(WorkerError, match="1024 MB memory limit"):
        await pool.run(jobs.allocate, 3 * 1024**3, timeout_s=60)
    assert await pool.run(jobs.allocate, 1024, timeout_s=60) == 1024


async def test_time_limit(pool: WorkerPool) -> None:
    with pytest.raises(WorkerError, match="longer than the 1 s limit"):
        await pool.run(jobs.sleep, 30, timeout_s=1)


async def test_sigkill_is_retryable(pool: WorkerPool) -> None:
    with pytest.raises(WorkerError, match="SIGKILL") as info:
        await pool.run(jobs.kill_self, timeout_s=60)
    assert info.value.retryable


async def test_job_exceptions_propagate(pool: WorkerPool) -> None:
    from printforge.runtime.tasks.runner import TaskFailure

    with pytest.raises(TaskFailure, match="bad input"):
        await pool.run(jobs.refuse, "bad input", timeout_s=60)


#: A stdlib module nothing in a worker imports unless told to: the warm-up marker.
WARM_MODULE = "wave"


@pytest.fixture(scope="module")
def recycling_pool():
    """One worker, recycled after two jobs, warming WARM_MODULE at each start."""
    pool = WorkerPool(1, memory_mb=1024, max_jobs_per_worker=2, warm_modules=(WARM_MODULE,))
    yield pool
    pool.close()


async def test_worker_is_replaced_after_max_jobs(recycling_pool: WorkerPool) -> None:
    pids = [await recycling_pool.run(jobs.worker_pid, timeout_s=60) for _ in range(5)]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4], pids
    assert len(set(pids)) == 3


async def test_warm_modules_are_imported_at_worker_start(
    pool: WorkerPool, recycling_pool: WorkerPool
) -> None:
    assert not await pool.run(jobs.is_imported, WARM_MODULE, timeout_s=60)  # no warm-up: not there
    # every worker the recycling pool starts has it before its first job (three workers over 5 jobs)
    seen = [await recycling_pool.run(jobs.is_imported, WARM_MODULE, timeout_s=60) for _ in range(5)]
    assert seen == [True] * 5


@pytest.mark.parametrize(
    ("failing_job", "args", "error"),
    [
        (jobs.grow_memory, (3 << 30,), "512 MB memory limit"),  # ran out of memory
        (jobs.fail_holding, (384 << 20,), "refused after holding"),  # failed holding a large array
    ],
)
async def test_a_failed_job_leaves_its_worker_empty_for_the_next(failing_job, args, error: str) -> None:
    """A failed job's traceback kept its frames, and their memory, until the worker's next job: after
    running out of memory, the same worker could not start a thread or allocate anything."""
    single = WorkerPool(1, memory_mb=512)  # one worker: the next job runs where the failed one did
    try:
        pid = await single.run(jobs.worker_pid, timeout_s=60)
        with pytest.raises(Exception, match=error):
            await single.run(failing_job, *args, timeout_s=60)
        assert await single.run(jobs.allocate, 384 << 20, timeout_s=60) == 384 << 20
        assert await single.run(jobs.double, 3, timeout_s=60) == 6  # its progress starts a thread
        assert await single.run(jobs.worker_pid, timeout_s=60) == pid
    finally:
        single.close()


async def test_argument_too_large_for_the_worker_fails_the_job_not_the_pool() -> None:
    """A worker that dies unpickling its job (before pebble knows it took it) used to break the pool
    for good ("Unexpected error within the Pool" on every later job)."""
    small = WorkerPool(1, memory_mb=512)
    try:
        assert await small.run(len, b"x", timeout_s=60) == 1
        with pytest.raises(WorkerError, match=r"512 MB memory limit.*restarted") as info:
            await small.run(len, bytes(640 << 20), timeout_s=60)
        assert info.value.retryable  # jobs that shared the broken pool are not at fault
        assert await small.run(jobs.double, 2, timeout_s=60) == 4
    finally:
        small.close()
