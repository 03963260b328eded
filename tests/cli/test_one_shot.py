"""one_shot: the allocator keeps freed arrays for reuse, and BLAS is asked for one thread."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from printforge_cli import one_shot

# Allocates and frees a 24 MiB buffer, then prints how many MiB of it the process still holds.
_HELD_AFTER_FREE = """
import sys
from printforge_cli.one_shot import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
def rss_kib():
    return int(open("/proc/self/statm").read().split()[1]) * 4
before = rss_kib()
buffer = bytearray(24 << 20)  # zero-filled, so every page is touched
del buffer
print((rss_kib() - before) // 1024)
"""


def _held_mib(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _HELD_AFTER_FREE, mode], capture_output=True, text=True, check=True, timeout=60
    )
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt and /proc are glibc/Linux")
def test_freed_memory_stays_in_the_process_for_reuse() -> None:
    assert _held_mib("default") < 4, "glibc's default returns a freed 24 MiB block to the kernel"
    assert _held_mib("keep") >= 20


def test_blas_gets_one_thread_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setitem(sys.modules, "numpy", None)  # as if loaded: too late to change anything
    monkeypatch.setattr(one_shot, "keep_freed_memory", lambda: True)
    one_shot.prepare_one_shot_process()
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    monkeypatch.delitem(sys.modules, "numpy")
    one_shot.prepare_one_shot_process()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    one_shot.prepare_one_shot_process()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"
