"""TaskRunner: claims tasks under a renewed lease and runs each kind's handler.

A handler is an async function in the service process: it does I/O itself (fetching the
input, writing blobs) and sends CPU work to the WorkerPool. Failure modes map to task
states: TaskFailure and worker crashes fail the task with their message; a worker killed
from outside gives the task back to the queue; a task claimed more than max_attempts times
(its runners kept dying) fails with a message saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from printforge.runtime.tasks.model import Task
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.tasks.watch import TaskNotifier
from printforge.runtime.tasks.workers import WorkerError, WorkerPool

log = logging.getLogger(__name__)


class TaskFailure(Exception):
    """A task cannot succeed; the message is shown to the user as the task's error."""


@dataclass
class TaskContext:
    task: Task
    pool: WorkerPool
    timeout_s: float
    report: Callable[[int], None]

    async def run_in_worker(
        self, fn: Callable[..., Any], *args: Any, progress_span: tuple[int, int] = (10, 90)
    ) -> Any:
        """Run fn in a worker; its report_progress(0-100) is mapped into progress_span of the task."""
        lo, hi = progress_span

        def on_progress(percent: int) -> None:
            self.report(lo + (hi - lo) * max(0, min(100, percent)) // 100)

        return await self.pool.run(fn, *args, timeout_s=self.timeout_s, on_progress=on_progress)


Handler = Callable[[TaskContext], Awaitable[dict[str, Any]]]


class TaskRunner:
    def __init__(
        self,
        store: TaskStore,
        pool: WorkerPool,
        handlers: Mapping[str, Handler],
        notifier: TaskNotifier,
        *,
        concurrency: int,
        lease_s: float,
        max_attempts: int,
        timeout_s: float,
        poll_s: float = 1.0,
    ) -> None:
        self.store = store
        self.pool = pool
        self.handlers = dict(handlers)
        self.notifier = notifier
        self.concurrency = concurrency
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._slots: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._slots = [
            asyncio.create_task(self._slot_loop(), name=f"task-slot-{i}") for i in range(self.concurrency)
        ]

    async def stop(self) -> None:
        """Stop claiming and abandon running tasks: their leases expire and another runner re-runs them."""
        for slot in self._slots:
            slot.cancel()
        for slot in self._slots:
            with contextlib.suppress(asyncio.CancelledError):
                await slot
        self._slots = []

    def wake(self) -> None:
        """A task was just created: look for work now instead of at the next poll."""
        self._wake.set()

    async def _slot_loop(self) -> None:
        while True:
            try:
                task = await asyncio.to_thread(self.store.claim, self.worker_id, self.lease_s, self.handlers)
            except Exception:
                log.exception("claiming a task failed")
                task = None
            if task is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_s)
                continue
            self.notifier.notify(task.id)
            await self._run_one(task)

    async def _finish(self, method: Callable[..., bool], task: Task, *args: Any) -> None:
        if not await asyncio.to_thread(method, task.id, self.worker_id, *args):
            log.warning(
                "task no longer ours (lease lost or task deleted); outcome discarded", extra={"task": task.id}
            )
        self.notifier.notify(task.id)

    async def _run_one(self, task: Task) -> None:
        if task.attempts > self.max_attempts:
            await self._finish(
                self.store.fail,
                task,
                f"gave up after {self.max_attempts} attempts: "
                "the worker processing this task stopped each time",
            )
            return
        last_write = 0.0

        def report(percent: int) -> None:
            nonlocal last_write
            now = time.monotonic()
            if now - last_write < 0.2:
                return
            last_write = now
            asyncio.get_running_loop().create_task(self._write_progress(task, percent))

        ctx = TaskContext(task=task, pool=self.pool, timeout_s=self.timeout_s, report=report)
        handler = asyncio.create_task(self.handlers[task.kind](ctx))
        renewer = asyncio.create_task(self._renew_until_done(task, handler))
        try:
            result = await handler
        except asyncio.CancelledError:
            if renewer.done() and not renewer.cancelled():
                return  # lease lost: another runner owns the task now
            raise
        except TaskFailure as exc:
            await self._finish(self.store.fail, task, str(exc))
        except WorkerError as exc:
            if exc.retryable:
                await self._finish(self.store.release, task)
                self.wake()
            else:
                await self._finish(self.store.fail, task, str(exc))
        except Exception as exc:
            log.exception("task handler failed", extra={"task": task.id, "kind": task.kind})
            await self._finish(self.store.fail, task, f"internal error: {exc.__class__.__name__}: {exc}")
        else:
            await self._finish(self.store.succeed, task, result)
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    async def _write_progress(self, task: Task, percent: int) -> None:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.store.set_progress, task.id, self.worker_id, percent)
            self.notifier.notify(task.id)

    async def _renew_until_done(self, task: Task, handler: asyncio.Task[Any]) -> None:
        while not handler.done():
            await asyncio.sleep(self.lease_s / 3)
            try:
                ours = await asyncio.to_thread(self.store.renew, task.id, self.worker_id, self.lease_s)
            except Exception:
                log.exception("renewing a lease failed")
                continue
            if not ours:
                handler.cancel()
                return
