"""Cross-replica wake-ups for WatchTask: one PostgreSQL LISTEN connection per process.

TaskStore sends `NOTIFY <service>_tasks, '<task id>'` with every change of a task row on
PostgreSQL. This module holds a dedicated connection that LISTENs on that channel and
hands each task id to the process's TaskNotifier, so a watcher served by one replica
wakes as soon as another replica's runner writes progress or a result, instead of at its
next poll.

It is an asyncio task on the service's own event loop (psycopg's AsyncConnection), so the
notifier is only ever called from the loop its watchers run on; no thread, no locking.
The connection is the only thing here that can fail: when it drops, the listener tells the
notifier (watchers go back to the short poll) and reconnects with backoff; once LISTEN is
active again every watcher re-reads its row, because notifications sent in the gap are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import psycopg
from psycopg import sql

from printforge.runtime.db import is_postgres
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.tasks.watch import TaskNotifier

log = logging.getLogger(__name__)

# Give up on an unreachable server after 10 s, and detect a silently dead peer (a node or a
# network path gone) in about a minute, not hours: an idle LISTEN connection sends nothing.
_CONNECT_OPTIONS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


class TaskChangeListener:
    """LISTENs on one channel and wakes the notifier's watchers of each task id it receives."""

    def __init__(
        self,
        dsn: str,
        channel: str,
        notifier: TaskNotifier,
        *,
        retry_s: float = 0.5,
        max_retry_s: float = 10.0,
    ) -> None:
        self.dsn = dsn
        self.channel = channel
        self.notifier = notifier
        self.retry_s = retry_s
        self.max_retry_s = max_retry_s
        self.sessions = 0
        """How many times LISTEN became active (1 after start, +1 per reconnect)."""
        self._conn: psycopg.AsyncConnection | None = None
        self._changed = asyncio.Event()  # set, then replaced, at every connect and disconnect
        self._task: asyncio.Task[None] | None = None

    @property
    def backend_pid(self) -> int | None:
        """PID of the server process behind the LISTEN connection, None while disconnected."""
        return self._conn.info.backend_pid if self._conn is not None else None

    async def start(self) -> None:
        """Start listening in the background; does not wait for the connection (see wait_listening)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"listen-{self.channel}")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def wait_listening(self, sessions: int = 1) -> None:
        """Return once LISTEN is active in at least the `sessions`-th connection."""
        while self._conn is None or self.sessions < sessions:
            await self._changed.wait()

    def _set_connection(self, conn: psycopg.AsyncConnection | None) -> None:
        if conn is self._conn:
            return
        self._conn = conn
        if conn is not None:
            self.sessions += 1
        self._changed.set()
        self._changed = asyncio.Event()
        self.notifier.set_listening(conn is not None)

    async def _run(self) -> None:
        delay = self.retry_s
        try:
            while True:
                try:
                    await self._listen_once()
                except Exception as exc:
                    log.warning(
                        "task LISTEN connection failed or was lost; retrying",
                        extra={"channel": self.channel, "error": f"{exc.__class__.__name__}: {exc}"},
                    )
                if self._conn is not None:
                    self._set_connection(None)
                    delay = self.retry_s  # it had worked: retry soon
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_retry_s)
        finally:
            self._set_connection(None)

    async def _listen_once(self) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self.dsn,
            autocommit=True,
            application_name=f"printforge-listen-{self.channel}",
            **_CONNECT_OPTIONS,
        )
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self._set_connection(conn)
            async for note in conn.notifies():
                self.notifier.notify(note.payload)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()


def listener_for(store: TaskStore, notifier: TaskNotifier) -> TaskChangeListener | None:
    """The listener of a store's task changes, or None on SQLite (one process: nothing to hear)."""
    if not is_postgres(store.engine):
        return None
    dsn = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return TaskChangeListener(dsn, store.channel, notifier)
