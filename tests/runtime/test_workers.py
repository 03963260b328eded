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
