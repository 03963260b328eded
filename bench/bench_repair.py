"""Benchmark: `printforge repair` against pymeshlab and pymeshfix on two broken binary STLs.

Why whole processes: a user runs one command on one file, so interpreter start-up, imports, parsing
and writing all count. Two cases, each tool reading the file, repairing it and writing a binary STL:
- `holed sphere`: a trimesh icosphere (subdivisions=8, 1,310,720 triangles) with 200 random faces
  removed. Target: ours >= 3x faster than the pymeshlab pipeline.
- `soup`: a 100,000-triangle torus as a triangle soup, every triangle unwelded (as binary STL
  stores it), half of them flipped at random and a tenth removed
  (`tests.printability.repair_fixtures.torus_soup`). pymeshlab also re-orients the faces
  coherently here, which the soup needs. Target: ours <= 3 s.
Prints the median of RUNS wall-clock and CPU (user + sys, from wait4) times per tool, its peak RSS,
the ratios, and whether each output analyzes healthy with our analyzer.

The input is built, and the outputs are checked, in child processes: Linux carries a process's peak
RSS across exec, so children of a parent that held a 1.3M-face mesh would report the parent's peak.

Usage: .venv/bin/python bench/bench_repair.py [--runs 3] [--case soup]
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

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

PYMESHLAB = """
import sys, pymeshlab
ms = pymeshlab.MeshSet()
ms.load_new_mesh(sys.argv[1])
ms.meshing_remove_duplicate_vertices()
ms.meshing_remove_duplicate_faces()
ms.meshing_remove_null_faces()
ms.meshing_repair_non_manifold_edges()
if sys.argv[3:] == ["orient"]:
    ms.meshing_re_orient_faces_coherently()
ms.meshing_close_holes(maxholesize=1000)
ms.save_current_mesh(sys.argv[2], binary=True)
"""

PYMESHFIX = """
import sys, numpy as np, pymeshfix, trimesh
mesh = trimesh.load(sys.argv[1], force="mesh")
fix = pymeshfix.MeshFix(np.asarray(mesh.vertices), np.asarray(mesh.faces))
fix.repair()
trimesh.Trimesh(fix.points, fix.faces, process=False).export(sys.argv[2])
"""


def make_sphere(path: Path) -> int:
    import numpy as np
    import trimesh

    sphere = trimesh.creation.icosphere(subdivisions=8, radius=50.0)
    rng = np.random.default_rng(0)
    keep = np.ones(len(sphere.faces), dtype=bool)
    keep[rng.choice(len(sphere.faces), size=200, replace=False)] = False
    broken = trimesh.Trimesh(sphere.vertices, sphere.faces[keep], process=False)
    path.write_bytes(broken.export(file_type="stl"))
    return int(keep.sum())


def in_child(function: str, *args: str) -> str:
    """Call this module's `function(*args)` in a fresh interpreter and return what it printed."""
    code = f"import sys; sys.path[:0] = sys.argv[1:3]; import bench_repair as b; b.{function}(*sys.argv[3:])"
    done = subprocess.run(
        [PYTHON, "-c", code, str(Path(__file__).resolve().parent), str(REPO), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    return done.stdout.strip().splitlines()[-1]


def make_soup(path: Path) -> int:
    from printforge_services.printability.mesh_export import export_mesh
    from tests.printability.repair_fixtures import torus_soup

    vertices, faces = torus_soup()
    path.write_bytes(export_mesh(vertices, faces, "stl", unit="mm"))
    return len(faces)


@dataclass(frozen=True)
class Case:
    make: str  # name of this module's function that writes the input and returns its triangles
    peer_args: tuple[str, ...]  # extra arguments of the pymeshlab script
    target: str  # what the case must show, printed with its verdict


CASES = {
    "holed sphere": Case("make_sphere", (), ">= 3x vs pymeshlab"),
    "soup": Case("make_soup", ("orient",), "<= 3 s"),
}


def print_input(make: str, path: str) -> None:
    print(globals()[make](Path(path)))


def print_status(path: str) -> None:
    from printforge_services.printability.analyze import analyze
    from printforge_services.printability.mesh_io import load_mesh

    print(analyze(load_mesh(Path(path).read_bytes(), Path(path).name))["status"])


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    rss_mib: int


def timed(cmd: list[str]) -> Sample:
    """Wall and CPU seconds and peak RSS of one child process, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({code}): {err[-500:]}")
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", choices=sorted(CASES), action="append", help="run only this case")
    args = parser.parse_args()
    compile_checkout()
    for name in args.case or list(CASES):
        with tempfile.TemporaryDirectory() as tmp:
            run_case(name, CASES[name], Path(tmp), args.runs)


def run_case(name: str, case: Case, tmp: Path, runs: int) -> None:
    src = tmp / "in.stl"
    faces = int(in_child("print_input", case.make, str(src)))
    print(f"{name}: {faces} triangles, {src.stat().st_size / 1e6:.1f} MB binary STL, median of {runs}")
    tools = {
        "printforge": lambda out: [PYTHON, "-m", "printforge_cli.main", "repair", str(src), "-o", str(out)],
        "pymeshlab": lambda out: [PYTHON, "-c", PYMESHLAB, str(src), str(out), *case.peer_args],
        "pymeshfix": lambda out: [PYTHON, "-c", PYMESHFIX, str(src), str(out)],
    }
    medians: dict[str, float] = {}
    for tool, command in tools.items():
        out = tmp / f"out-{tool}.stl"
        samples = [timed(command(out)) for _ in range(runs)]
        medians[tool] = statistics.median(s.wall_s for s in samples)
        cpu = statistics.median(s.cpu_s for s in samples)
        rss = max(s.rss_mib for s in samples)
        times = ", ".join(f"{s.wall_s:.2f}" for s in samples)
        print(
            f"  {tool:11s} median {medians[tool]:6.2f} s  cpu {cpu:6.2f} s  peak RSS {rss:5d} MiB  "
            f"(runs: {times})  output: {in_child('print_status', str(out))}"
        )
    ours = medians["printforge"]
    for peer in ("pymeshlab", "pymeshfix"):
        print(f"  printforge is {medians[peer] / ours:.2f}x faster than {peer}")
    met = medians["pymeshlab"] / ours >= 3 if case.target.startswith(">=") else ours <= 3.0
    print(f"  target {case.target}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
