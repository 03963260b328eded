"""Benchmark: `printforge repair` against pymeshlab and pymeshfix on a 1.3M-triangle broken STL.

Why whole processes: a user runs one command on one file, so interpreter start-up, imports, parsing
and writing all count. The input is a trimesh icosphere (subdivisions=8, 1,310,720 triangles) with 200
random faces removed, written as binary STL; each tool reads it, repairs it and writes a binary STL.
Prints the median of RUNS wall-clock times per tool, the ratios, and whether each output analyzes
healthy with our analyzer. Target: ours >= 3x faster than the pymeshlab pipeline.

Usage: .venv/bin/python bench/bench_repair.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def make_input(path: Path) -> int:
    import numpy as np
    import trimesh

    sphere = trimesh.creation.icosphere(subdivisions=8, radius=50.0)
    rng = np.random.default_rng(0)
    keep = np.ones(len(sphere.faces), dtype=bool)
    keep[rng.choice(len(sphere.faces), size=200, replace=False)] = False
    broken = trimesh.Trimesh(sphere.vertices, sphere.faces[keep], process=False)
    path.write_bytes(broken.export(file_type="stl"))
    return int(keep.sum())


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - start


def status(path: Path) -> str:
    from services.printability.analyze import analyze
    from services.printability.mesh_io import load_mesh

    return analyze(load_mesh(path.read_bytes(), path.name))["status"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.stl"
        faces = make_input(src)
        print(
            f"input: {faces} triangles, {src.stat().st_size / 1e6:.1f} MB binary STL, median of {args.runs}"
        )
        tools = {
            "printforge": lambda out: [
                PYTHON,
                "-m",
                "printforge.cli.main",
                "repair",
                str(src),
                "-o",
                str(out),
            ],
            "pymeshlab": lambda out: [PYTHON, "-c", PYMESHLAB, str(src), str(out)],
            "pymeshfix": lambda out: [PYTHON, "-c", PYMESHFIX, str(src), str(out)],
        }
        medians: dict[str, float] = {}
        for name, command in tools.items():
            out = Path(tmp) / f"out-{name}.stl"
            times = [timed(command(out)) for _ in range(args.runs)]
            medians[name] = statistics.median(times)
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"{name:11s} median {medians[name]:6.2f} s  (runs: {runs})  output: {status(out)}")
        ours = medians["printforge"]
        for peer in ("pymeshlab", "pymeshfix"):
            print(f"printforge is {medians[peer] / ours:.2f}x faster than {peer}")
        print(f"target >= 3x vs pymeshlab: {'met' if medians['pymeshlab'] / ours >= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
