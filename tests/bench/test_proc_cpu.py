"""bench/proc_cpu.py: a service is found under its launcher with what it spawned, and its share
is the CPU those processes used (a child spinning on a core makes its service busy)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from bench import proc_cpu

# A "service" whose child spins until killed; the shell in front is what honcho puts there.
SERVICE = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'while True: pass'])"


def test_a_service_and_its_children_are_found_and_their_cpu_counted() -> None:
    launcher = subprocess.Popen(["sh", "-c", f'exec "{sys.executable}" -c "{SERVICE}" serve spinner'])
    found: dict[str, list[int]] = {}
    try:
        deadline = time.monotonic() + 10
        while len((found := proc_cpu.service_processes(launcher.pid)).get("spinner", [])) < 2:
            assert time.monotonic() < deadline, found
            time.sleep(0.05)
        assert set(found) == {"spinner"}
        before = proc_cpu.sample(found)
        time.sleep(1.0)
        shares = proc_cpu.shares(before, proc_cpu.sample(found), {"load generator": 0.1})
        assert shares.per_process["spinner"] > 10  # % of one core: the child spins on one
        assert 5 <= shares.per_process["load generator"] <= 15  # 0.1 s over about a second
        assert "spinner" in shares.line() and "machine busy" in shares.line()
    finally:
        for pid in reversed(found.get("spinner", [])):  # the spinner first, then its parent
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        launcher.kill()
        launcher.wait(timeout=10)
