"""Benchmark `printforge analyze` against pymeshlab, open3d and trimesh on a 1.3M-triangle binary STL.

Why whole processes: a user runs `printforge analyze FILE` once per file, so interpreter start-up and
imports count as much as the analysis itself. Each tool runs in a fresh subprocess doing the equivalent
of our metrics (load + watertight/manifold checks + volume), timed wall-clock, median of several runs;
CPU time (user + sys) and peak RSS come from wait4's rusage of that very child, so a machine shared
with other jobs still gives a fair CPU ratio. Ratios are against peers measured in this run; every
run's wall time is printed too, since page faults on these VMs cost from 0.1 to 0.8 s per run
depending on what ran before (see `measure_each`).

The test mesh is built in a child process too: Linux carries a process's peak RSS across exec, so a
child started from a parent that had built a 1.3M-face mesh with trimesh would report the parent's
peak (about 600 MiB) instead of its own.

Usage: .venv/bin/python bench/bench_analyze.py [--runs 3] [--peers pymeshlab open3d trimesh]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bytecode import compile_checkout

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PEERS: dict[str, str] = {
    "pymeshlab": (
        "import sys, pymeshlab\n"
        "ms = pymeshlab.MeshSet(); ms.load_new_mesh(sys.argv[1])\n"
        "print(ms.get_topological_measures())\n"
    ),
    "open3d": (
        "import sys, open3d as o3d\n"
        "m = o3d.io.read_triangle_mesh(sys.argv[1])\n"
        "print(m.is_watertight(), m.is_edge_manifold(), m.is_vertex_manifold(),\n"
        "      len(m.get_non_manifold_edges()), m.is_orientable())\n"
    ),
    "trimesh": ("import sys, trimesh\nm = trimesh.load(sys.argv[1])\nprint(m.is_watertight, m.volume)\n"),
}


def build_mesh_in_child(path: Path) -> int:
    """`build_mesh` in a separate process, keeping this one (whose peak RSS children inherit) small."""
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "from bench_analyze import build_mesh; print(build_mesh(Path(sys.argv[2])))"
    )
    done = subprocess.run(
        [PYTHON, "-c", code, str(Path(__file__).resolve().parent), str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def build_mesh(path: Path) -> int:
    """Icosphere with 4**8 * 20 = 1,310,720 faces, 200 removed so there are holes to find."""
    import numpy as np
    import trimesh

    sphere = trimesh.creation.icosphere(subdivisions=8, radius=50.0)
    keep = np.ones(len(sphere.faces), dtype=bool)
    keep[np.linspace(0, len(keep) - 1, 200).astype(int)] = False
    mesh = trimesh.Trimesh(sphere.vertices, sphere.faces[keep], process=False)
    mesh.export(path, file_type="stl")
    return len(mesh.faces)


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    rss_mib: int
    walls: tuple[float, ...] = ()  # every run's wall time, for a reader judging a noisy machine


def run(cmd: list[str]) -> Sample:
    """Wall and CPU seconds and peak RSS of one child process, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}): {err[-500:]}")
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024)


def summarize(samples: list[Sample]) -> Sample:
    """Median wall and CPU time, the largest peak RSS, and the wall time of each run."""
    return Sample(
        statistics.median(s.wall_s for s in samples),
        statistics.median(s.cpu_s for s in samples),
        max(s.rss_mib for s in samples),
        tuple(s.wall_s for s in samples),
    )


def measure_each(commands: dict[str, list[str]], runs: int) -> dict[str, Sample | str]:
    """Run each command once untimed, then `runs` times in a row; a failing one gives its error message.

    In a row, not interleaved: on these VMs the cost of a process's page faults depends on what ran
    just before it (after a peer frees 700 MB, the next process's faults cost 0.2-0.3 s more), so
    each tool is measured after its own previous run, as a user running it repeatedly sees it.
    """
    results: dict[str, Sample | str] = {}
    for name, cmd in commands.items():
        try:
            run(cmd)  # warm-up, not counted: page cache, and a predecessor of the same tool
            results[name] = summarize([run(cmd) for _ in range(runs)])
        except RuntimeError as exc:
            results[name] = str(exc)
    return results


def line(name: str, sample: Sample, ours: Sample | None = None) -> str:
    runs = " ".join(f"{w:.2f}" for w in sample.walls)
    text = (
        f"{name:26s} wall {sample.wall_s:7.3f} s  cpu {sample.cpu_s:7.3f} s  peak RSS {sample.rss_mib:5d} MiB"
        f"  (runs {runs})"
    )
    if ours is not None:
        wall_ratio = sample.wall_s / ours.wall_s
        cpu_ratio = sample.cpu_s / ours.cpu_s
        text += f"  printforge faster: {wall_ratio:5.1f}x wall, {cpu_ratio:5.1f}x cpu"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", nargs="*", choices=sorted(PEERS), default=list(PEERS), help="peers to run")
    args = parser.parse_args()
    printforge = [str(Path(PYTHON).with_name("printforge"))]
    if not Path(printforge[0]).exists():
        printforge = [PYTHON, "-m", "printforge_cli.main"]
    compile_checkout()
    with tempfile.TemporaryDirectory() as tmp:
        stl = Path(tmp) / "sphere_1m3.stl"
        faces = build_mesh_in_child(stl)
        size_mb = stl.stat().st_size / 1e6
        print(f"mesh: {faces} triangles, binary STL {size_mb:.1f} MB, median of {args.runs} runs")
        commands = {"printforge": [*printforge, "analyze", str(stl), "--json"]}
        commands.update({name: [PYTHON, "-c", PEERS[name], str(stl)] for name in args.peers})
        results = measure_each(commands, args.runs)
        ours = results.pop("printforge")
        if isinstance(ours, str):
            raise SystemExit(f"printforge analyze failed: {ours}")
        print(line("printforge analyze --json", ours))
        for name, peer in results.items():
            print(f"{name:26s} unavailable: {peer}" if isinstance(peer, str) else line(name, peer, ours))
        verdict = "OK" if ours.rss_mib < 1024 else "OVER"
        print(f"memory target < 1024 MiB: {verdict} ({ours.rss_mib} MiB)")


if __name__ == "__main__":
    main()
