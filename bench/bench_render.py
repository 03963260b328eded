"""Warm render latency of a starter: build + STEP/STL/GLB/3MF + printability analysis.

The API promises starters render synchronously, so a warm worker must stay well under a
second; target p50 <= 300 ms for phone_stand. The peer is CadQuery's own export path
(cq.exporters STEP/STL/3MF + exportGLTF) on the same solid with the same analysis,
measured in the same run, so the ratio is meaningful on any machine.

Usage: .venv/bin/python bench/bench_render.py [--runs 20] [--starter phone_stand]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cadquery as cq
from cadquery.occ_impl.exporters.assembly import exportGLTF

from printforge_services.generator.catalog import get_template
from printforge_services.generator.render import render
from printforge_services.generator.solids import single_solid
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import load_mesh

FORMATS = ("step", "stl", "glb", "3mf")


def ours(starter: str) -> None:
    result = render("starter", starter, {}, formats=FORMATS)
    analyze(load_mesh(result.files["stl"], "part.stl"))


def cadquery_native(starter: str, workdir: Path) -> None:
    template = get_template("starter", starter)
    solid = single_solid(template.build(template.resolve({})))
    for name, kind in (("part.step", "STEP"), ("part.stl", "STL"), ("part.3mf", "3MF")):
        cq.exporters.export(solid, str(workdir / name), kind, tolerance=0.05, angularTolerance=0.3)
    assembly = cq.Assembly(solid, name="part")
    exportGLTF(assembly, str(workdir / "part.glb"), binary=True, tolerance=0.05, angularTolerance=0.3)
    analyze(load_mesh((workdir / "part.stl").read_bytes(), "part.stl"))


def p50_ms(fn: Callable[[], None], runs: int) -> float:
    fn()  # warm: imports, OCCT first-use initialisation
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--starter", default="phone_stand")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        peer = p50_ms(lambda: cadquery_native(args.starter, Path(tmp)), args.runs)
    mine = p50_ms(lambda: ours(args.starter), args.runs)
    print(f"{args.starter}: warm render + {'/'.join(FORMATS)} + analysis, p50 of {args.runs} runs")
    print(f"  printforge render     {mine:8.1f} ms   (target <= 300 ms: {'OK' if mine <= 300 else 'MISSED'})")
    print(f"  cadquery exporters    {peer:8.1f} ms")
    print(f"  ratio ours / cadquery {mine / peer:8.2f}")


if __name__ == "__main__":
    main()
