"""Job functions the worker-pool and runner tests send to spawned workers (importable by name)."""

from __future__ import annotations

import ctypes
import os
import sys
import time
from pathlib import Path

from printforge.runtime.tasks.runner import TaskFailure
from printforge.runtime.tasks.workers import report_progress


def double(x: int) -> int:
    for p in (25, 50, 75):
        report_progress(p)
        time.sleep(0.05)
    return 2 * x


def segfault() -> None:
    ctypes.string_at(0)


def allocate(n_bytes: int) -> int:
    return len(bytearray(n_bytes))


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def kill_self() -> None:
    os.kill(os.getpid(), 9)


def kill_self_once(marker: str) -> str:
    """SIGKILLs its worker the first time (no marker yet), succeeds the next time."""
    path = Path(marker)
    if not path.exists():
        path.write_text("killed once")
        os.kill(os.getpid(), 9)
    return "survived"


def refuse(message: str) -> None:
    raise TaskFailure(message)


def worker_pid() -> int:
    """Which worker process ran the job (recycling gives a new one)."""
    return os.getpid()


def is_imported(name: str) -> bool:
    """Whether module `name` was imported before this job (it does not import it itself)."""
    return name in sys.modules


def fail_holding(n_bytes: int) -> None:
    """A job that fails with a large array still referenced by its frame."""
    held = bytearray(n_bytes)
    raise TaskFailure(f"refused after holding {len(held)} bytes")


def grow_memory(n_bytes: int, chunk_bytes: int = 16 * 1024 * 1024) -> int:
    """A runaway job: its heap grows chunk by chunk, as a bad input's would, until n_bytes."""
    chunks = []
    held = 0
    while held < n_bytes:
        chunks.append(bytearray(chunk_bytes))
        held += chunk_bytes
    return held
