"""A pool of spawned worker processes that run CPU work with a time and a memory limit.

pebble's ProcessPool does what concurrent.futures cannot: a per-call timeout that kills the
worker, a pool that survives a worker dying (segfault, SIGKILL) and replaces it, and
recycling workers after N jobs (CadQuery leaks memory). Workers are started with `spawn`
(never fork a process that holds gRPC state) and set RLIMIT_AS at start-up, so a runaway
file raises MemoryError (or crashes its worker) instead of taking the service down.
Progress from inside a job travels back over one multiprocessing queue handed to each
worker when it starts.

pebble does not survive one case: a worker that dies before it acknowledges a job (its memory
limit is too small to unpickle a large input) breaks the whole pebble pool for good. `WorkerPool`
then fails the jobs it had with a retryable WorkerError and carries on with a fresh pebble pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import queue
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pebble import ProcessExpired, ProcessPool

log = logging.getLogger(__name__)

_progress_queue: Any = None
_current_job: str | None = None


class WorkerError(Exception):
    """A job could not complete in its worker; the message says why, for the task's error."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


def _init_worker(memory_mb: int, progress_queue: Any, warm_modules: tuple[str, ...]) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Import heavy modules once per worker so jobs do not pay for them (CadQuery takes ~1 s).
    for name in warm_modules:
        __import__(name)


def report_progress(percent: int) -> None:
    """Called from inside a job to report 0-100; a no-op outside a worker."""
    if _progress_queue is not None and _current_job is not None:
        _progress_queue.put((_current_job, int(percent)))


def _run_job(job_id: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    global _current_job
    _current_job = job_id
    try:
        return fn(*args)
    except BaseException as exc:
        _release_frames(exc)
        raise
    finally:
        _current_job = None


def _release_frames(exc: BaseException | None) -> None:
    """Clear the local variables of the finished frames in `exc`'s traceback and in its chain.

    pebble's worker keeps a job's error until its next job replaces it, and the traceback keeps the
    job's frames and so everything they allocated: a job that ran out of memory left its worker
    full, and the worker's next job failed at once (not even a thread could start). The parent
    receives only the error and its formatted traceback, which keep their text and line numbers.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def _describe_exit(exitcode: int | None) -> tuple[str, bool]:
    """Why a worker died, and whether another attempt could succeed."""
    if exitcode is not None and exitcode < 0:
        sig = signal.Signals(-exitcode)
        if sig == signal.SIGKILL:
            # Killed from outside (operator, OOM killer): the input is not known to be at fault.
            return "the worker process was killed (SIGKILL)", True
        return f"the worker process crashed ({sig.name}) while processing the input", False
    return f"the worker process exited unexpectedly (exit code {exitcode})", False


class WorkerPool:
    def __init__(
        self,
        processes: int,
        *,
        memory_mb: int,
        max_jobs_per_worker: int = 0,
        warm_modules: tuple[str, ...] = (),
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._queue = ctx.Queue()
        self._memory_mb = memory_mb

        def new_pool() -> ProcessPool:
            return ProcessPool(
                max_workers=processes,
                max_tasks=max_jobs_per_worker,
                initializer=_init_worker,
                initargs=(memory_mb, self._queue, warm_modules),
                context=ctx,
            )

        self._new_pool = new_pool
        self._pool = new_pool()
        self._listeners: dict[str, Callable[[int], None]] = {}
        self._lock = threading.Lock()
        self._counter = 0
        self._closed = False
        self._reader = threading.Thread(target=self._read_progress, name="worker-progress", daemon=True)
        self._reader.start()

    def _read_progress(self) -> None:
        while not self._closed:
            try:
                job_id, percent = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            except (EOFError, OSError):
                return
            listener = self._listeners.get(job_id)
            if listener is not None:
                listener(percent)

    async def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        timeout_s: float,
        on_progress: Callable[[int], None] | None = None,
    ) -> Any:
        """Run fn(*args) in a worker; raises WorkerError on timeout, crash or memory exhaustion.

        fn must be importable (a module-level function) and its arguments picklable.
        Exceptions raised by fn itself propagate unchanged.
        """
        loop = asyncio.get_running_loop()
        with self._lock:
            self._counter += 1
            job_id = str(self._counter)
        if on_progress is not None:
            self._listeners[job_id] = lambda p: loop.call_soon_threadsafe(on_progress, p)
        pool, future = self._schedule(_run_job, (job_id, fn, args), timeout_s)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as exc:
            self._replace(pool)
            raise WorkerError(
                "a worker process died before it could start the job (the input may not fit in the "
                f"{self._memory_mb} MB memory limit); the worker pool was restarted",
                retryable=True,  # every job the pool held fails this way, not only the culprit
            ) from exc
        except FutureTimeout as exc:
            raise WorkerError(f"processing took longer than the {timeout_s:g} s limit") from exc
        except ProcessExpired as exc:
            message, retryable = _describe_exit(exc.exitcode)
            raise WorkerError(message, retryable=retryable) from exc
        except MemoryError as exc:
            raise WorkerError(f"processing needed more than the {self._memory_mb} MB memory limit") from exc
        except asyncio.CancelledError:
            future.cancel()
            raise
        finally:
            self._listeners.pop(job_id, None)

    def _schedule(
        self, fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float
    ) -> tuple[ProcessPool, Future[Any]]:
        pool = self._pool
        try:
            return pool, pool.schedule(fn, args=args, timeout=timeout_s)
        except RuntimeError:  # pebble: "Unexpected error within the Pool" once it is broken
            if self._closed:
                raise
            pool = self._replace(pool)
            return pool, pool.schedule(fn, args=args, timeout=timeout_s)

    def _replace(self, broken: ProcessPool) -> ProcessPool:
        """Swap a fresh pebble pool in for `broken` (once, however many jobs saw it break)."""
        with self._lock:
            if self._pool is not broken or self._closed:
                return self._pool
            log.warning("a worker died before acknowledging its job; restarting the worker pool")
            self._pool = self._new_pool()
        broken.stop()
        with contextlib.suppress(Exception):
            broken.join(timeout=5)
        return self._pool

    def close(self) -> None:
        self._closed = True
        self._pool.stop()
        with contextlib.suppress(Exception):
            self._pool.join(timeout=5)
