"""WatchTask: stream task snapshots until a terminal state.

Changes made in this process wake watchers at once through the in-process notifier;
changes made by another replica are picked up by a short poll of the row.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

from printforge.runtime.tasks.model import Task
from printforge.runtime.tasks.store import TaskStore


class TaskNotifier:
    """Wakes in-process watchers of a task when its row changes."""

    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)

    def subscribe(self, task_id: str) -> asyncio.Event:
        event = asyncio.Event()
        self._events[task_id].add(event)
        return event

    def unsubscribe(self, task_id: str, event: asyncio.Event) -> None:
        events = self._events.get(task_id)
        if events is not None:
            events.discard(event)
            if not events:
                del self._events[task_id]

    def notify(self, task_id: str) -> None:
        for event in self._events.get(task_id, ()):
            event.set()


class TaskNotFound(LookupError):
    pass


async def watch_task(
    store: TaskStore, notifier: TaskNotifier, task_id: str, owner: str, *, poll_s: float = 0.5
) -> AsyncIterator[Task]:
    """Yield the task now and after every change of status or progress; stop when terminal.

    Raises TaskNotFound when the task does not exist for this owner at the start; a task
    deleted while watched ends the stream.
    """
    last: tuple[str, int] | None = None
    while True:
        event = notifier.subscribe(task_id)
        try:
            task = await asyncio.to_thread(store.get, task_id, owner=owner)
            if task is None:
                if last is None:
                    raise TaskNotFound(task_id)
                return
            key = (task.status, task.progress)
            if key != last:
                last = key
                yield task
            if task.terminal:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), poll_s)
        finally:
            notifier.unsubscribe(task_id, event)
