"""Where the cores went during a load run: each mesh service's CPU share, read from /proc (Linux).

On a 2-core machine the gateway, auth, printability and the load generator share the same cores,
so a latency figure means little without knowing who was busy: this module samples each service's
CPU ticks (the service process and everything it spawned, e.g. worker pools) and the machine's
busy ticks before and after a run. Shares are in % of one core (200 % is the whole 2-core machine);
"other" is what nothing of the benchmark explains (another job on the machine).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    text = (PROC / str(pid) / "stat").read_text()
    return text.rsplit(")", 1)[1].split()  # the command name may hold spaces and parentheses


def _children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _service_name(pid: int) -> str | None:
    """`NAME` for a `... serve NAME` process (not the `sh -c` honcho wraps it in), else None."""
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().decode().split("\0")
    except OSError:
        return None
    argv = [a for a in argv if a]
    return argv[-1] if len(argv) >= 3 and argv[-2] == "serve" else None


def _subtree(tree: dict[int, list[int]], pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, ()))
    return found


def service_processes(root_pid: int) -> dict[str, list[int]]:
    """Each service under `root_pid` (a `printforge up`) with all the processes it spawned."""
    tree = _children_by_parent()
    services: dict[str, list[int]] = {}
    for pid in _subtree(tree, root_pid):
        name = _service_name(pid)
        if name is not None:
            services[name] = _subtree(tree, pid)
    return services


def _ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue  # a worker that exited meanwhile
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) ticks of every core since boot."""
    values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class CpuSample:
    at: float
    ticks: dict[str, int]
    machine_busy: int
    machine_all: int


def sample(services: dict[str, list[int]]) -> CpuSample:
    busy, all_ticks = _machine_ticks()
    return CpuSample(time.monotonic(), {n: _ticks(p) for n, p in services.items()}, busy, all_ticks)


@dataclass(frozen=True)
class CpuShares:
    """% of one core per process (the load generator included) and the machine's busy % over all cores."""

    per_process: dict[str, float]
    machine_busy: float
    cores: int

    def line(self) -> str:
        parts = [f"{name} {share:.0f}%" for name, share in self.per_process.items()]
        other = self.machine_busy * self.cores - sum(self.per_process.values())
        return (
            f"{', '.join(parts)}, other {max(0.0, other):.0f}% "
            f"(machine busy {self.machine_busy * self.cores:.0f}% of {100 * self.cores}%)"
        )


def shares(before: CpuSample, after: CpuSample, extra_cpu_s: dict[str, float]) -> CpuShares:
    """Shares between two samples; `extra_cpu_s` adds processes measured otherwise (the load generator)."""
    wall = after.at - before.at
    per_process = {n: 100 * (after.ticks[n] - before.ticks[n]) / TICKS_PER_S / wall for n in after.ticks}
    per_process.update({n: 100 * s / wall for n, s in extra_cpu_s.items()})
    machine = (after.machine_busy - before.machine_busy) / max(1, after.machine_all - before.machine_all)
    return CpuShares(per_process, 100 * machine, os.cpu_count() or 1)


def wait_until_idle(
    services: dict[str, list[int]], *, below: float = 5.0, window_s: float = 1.0, timeout_s: float = 60.0
) -> bool:
    """Wait until `services` together use less than `below` % of one core over `window_s`.

    A fresh mesh keeps working after /healthz is green (the generator warms its CAD workers):
    loading it then would measure start-up, not the request path. False when it never settles.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = sample(services)
        time.sleep(window_s)
        if sum(shares(before, sample(services), {}).per_process.values()) < below:
            return True
    return False
