"""Job functions the worker-pool and runner tests send to spawned workers (importable by name)."""

from __future__ import annotations

import ctypes
import os
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
