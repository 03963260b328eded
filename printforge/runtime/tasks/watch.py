"""WatchTask: stream task snapshots until a terminal state.

Changes made in this process wake watchers at once through the in-process notifier.
Changes made by another replica wake them through PostgreSQL LISTEN/NOTIFY when a
listener feeds this notifier (see pg_listen); a poll of the row stays as the safety net,
short (0.5 s) when nothing else tells us about other replicas (SQLite, or the LISTEN
connection is down) and longer (2 s) while LISTEN is active.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

from printforge.runtime.tasks.model import Task
from printforge.runtime.tasks.store import TaskStore

POLL_S = 0.5
"""Poll interval of a watcher when changes by other replicas arrive only through the poll."""
LISTEN_POLL_S = 2.0
"""Poll interval while a LISTEN connection delivers other replicas' changes (a safety net only)."""


class TaskNotifier:
    """Wakes in-process watchers of a task when its row changes.

    Not thread-safe: call it on the event loop that runs the watchers (from another
    thread, go through `loop.call_soon_threadsafe`).
    """

    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._listening = False

    @property
    def poll_s(self) -> float:
        """How often watchers re-read their row when nothing wakes them."""
        return LISTEN_POLL_S if self._listening else POLL_S

    def set_listening(self, active: bool) -> None:
        """A cross-replica listener connected (True) or lost its connection (False).

        Either way every watcher re-reads its row now: after a reconnect, notifications
        sent while we were away are lost; after a loss, watchers must go back to the
        short poll instead of sleeping out the long one.
        """
        self._listening = active
        self.notify_all()

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

    def notify_all(self) -> None:
        for events in self._events.values():
            for event in events:
                event.set()


class TaskNotFound(LookupError):
    pass


async def watch_task(
    store: TaskStore,
    notifier: TaskNotifier,
    task_id: str,
    owner: str,
    *,
    poll_s: float | None = None,
) -> AsyncIterator[Task]:
    """Yield the task now and after every change of status or progress; stop when terminal.

    Raises TaskNotFound when the task does not exist for this owner at the start; a task
    deleted while watched ends the stream. `poll_s` overrides the notifier's poll interval.
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
                await asyncio.wait_for(event.wait(), notifier.poll_s if poll_s is None else poll_s)
        finally:
            notifier.unsubscribe(task_id, event)
