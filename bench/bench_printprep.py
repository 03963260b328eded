"""Benchmark print-prep's checks on the 1.31M-triangle mesh of bench_analyze, and the slicer on small parts.

Each check is timed in this process on the welded mesh (loading and welding are bench_analyze's
subject): preparing normals and the BVH, thin walls (one ray per face), supports for the current
orientation (one ray per overhanging face) and the auto-orient search. Two checks have a peer that does
the same thing: trimesh's own ray queries (`mesh.ray.intersects_first`, rtree-backed, what
`trimesh.proximity.thickness(method="ray")` uses), run in this same process on the same mesh. An
inward ray costs trimesh about half a second here (its rtree query returns every triangle whose box
the long ray crosses), so it casts a fixed seeded sample of the same rays (`--peer-rays`,
`--peer-support-rays`) and its full-check time is extrapolated from its per-ray time plus its index
build; the lines say so.
The auto-orient search has no peer (no library here searches orientations for least support).

The slicer (PrusaSlicer's CLI, a separate process per run) is timed apart on small parts, since its
time depends on the part's printed volume, not on its triangle count.

Usage: .venv/bin/python bench/bench_printprep.py [--runs 3] [--peer-rays 20] [--peer-support-rays 2000]
       [--slicer prusa-slicer]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_analyze import build_mesh_in_child

from printforge_services.printability.analyze import measure
from printforge_services.printability.mesh_io import load_mesh, read_file
from printforge_services.printability.printprep.mesh import PrepMesh
from printforge_services.printability.printprep.orientation import best_orientation
from printforge_services.printability.printprep.slicer import estimate_print
from printforge_services.printability.printprep.supports import estimate_supports
from printforge_services.printability.printprep.thin_walls import thin_walls

DOWN = np.array([0.0, 0.0, -1.0])


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall seconds of `runs` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def welded_mesh(stl: Path) -> tuple[np.ndarray, np.ndarray]:
    measured = measure(load_mesh(read_file(stl), stl.name))
    assert measured.vertices is not None and measured.faces is not None
    return measured.vertices, measured.faces


def peer_per_ray(part: Any, origins: np.ndarray, directions: np.ndarray) -> float:
    """trimesh's seconds per ray for the first hits of these rays."""
    start = time.perf_counter()
    part.ray.intersects_first(origins, directions)
    return (time.perf_counter() - start) / len(origins)


def ours_line(name: str, seconds: float, rays: int, extra: str = "") -> str:
    rate = f"{rays / seconds / 1e6:6.2f} M rays/s" if rays else " " * 15
    return f"{name:34s} {seconds:8.3f} s  {rate}  {extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-rays", type=int, default=20, help="rays trimesh casts for thin walls")
    parser.add_argument("--peer-support-rays", type=int, default=2000, help="rays trimesh casts for supports")
    parser.add_argument("--slicer", default="prusa-slicer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stl = Path(tmp) / "sphere_1m3.stl"
        build_mesh_in_child(stl)
        vertices, faces = welded_mesh(stl)
    print(f"mesh: {len(faces)} triangles, {len(vertices)} vertices; median of {args.runs} runs")

    import open3d  # noqa: F401  (its ~1 s import is paid once per worker, not per check)

    def prepare() -> PrepMesh:
        prepared = PrepMesh(vertices, faces)
        # Embree builds its BVH on the first query: one ray here, so no check is charged for it.
        prepared.scene.cast(np.zeros((1, 3)), DOWN)
        return prepared

    prepare_s, mesh = timed(prepare, args.runs)
    valid = int(mesh.valid.sum())
    thin_s, thin = timed(lambda: thin_walls(mesh, 0.4), args.runs)
    support_s, support = timed(lambda: estimate_supports(mesh, DOWN), args.runs)
    orient_s, orient = timed(lambda: best_orientation(mesh), args.runs)
    print(ours_line("prepare (normals, Embree BVH)", prepare_s, 0))
    print(ours_line("thin walls (0.4 mm)", thin_s, valid, f"{thin['thin_faces']} thin faces"))
    print(
        ours_line(
            "supports, current orientation",
            support_s,
            support.overhang_faces,
            f"{support.overhang_area_mm2:.1f} mm^2 overhang, {support.support_volume_mm3:.1f} mm^3 support",
        )
    )
    print(ours_line("auto-orient search", orient_s, 0, f"{orient['candidates']} candidates, no peer"))

    import trimesh

    part = trimesh.Trimesh(vertices, faces, process=False)
    start = time.perf_counter()
    _ = part.triangles_tree  # trimesh's rtree index, built on first ray query
    index_s = time.perf_counter() - start
    rng = np.random.default_rng(0)
    rows = rng.choice(np.flatnonzero(mesh.valid), args.peer_rays, replace=False)
    inward = -mesh.normals[rows]
    thin_ray_s = peer_per_ray(part, mesh.centroids[rows] + inward * 1e-6 * mesh.diagonal, inward)
    overhang = np.flatnonzero(mesh.valid & (mesh.normals @ DOWN > np.sin(np.radians(45))))
    down_rows = rng.choice(overhang, min(args.peer_support_rays, len(overhang)), replace=False)
    origins = mesh.centroids[down_rows] + DOWN * 1e-6 * mesh.diagonal
    support_ray_s = peer_per_ray(part, origins, np.broadcast_to(DOWN, origins.shape))
    peer_thin = index_s + thin_ray_s * valid
    peer_support = index_s + support_ray_s * support.overhang_faces
    print(f"trimesh {trimesh.__version__} rtree index build          {index_s:8.3f} s")
    for name, per_ray, rays, full, ours in (
        ("thin walls", thin_ray_s, len(rows), peer_thin, prepare_s + thin_s),
        ("supports", support_ray_s, len(down_rows), peer_support, prepare_s + support_s),
    ):
        print(
            f"trimesh {name:26s} {per_ray * 1e3:10.3f} ms/ray ({rays} rays); full check "
            f"extrapolated {full:9.0f} s; printforge (incl. BVH) {ours:.2f} s: {full / ours:,.0f}x faster"
        )

    print("slicer (PrusaSlicer CLI, separate process, real G-code):")
    import trimesh.creation

    cube = trimesh.creation.box((20, 20, 20))
    tee = trimesh.boolean.union(
        [
            trimesh.creation.box((10, 10, 20)).apply_translation((0, 0, 10)),
            trimesh.creation.box((30, 10, 5)).apply_translation((0, 0, 22.5)),
        ],
        engine="manifold",
    )
    for label, shape in (("20 mm cube", cube), ("T-shape 30x10x25 (supports)", tee)):
        for printer in ("Prusa MK3S+", "Creality Ender-3 V2"):
            seconds, estimate = timed(
                lambda s=shape, p=printer: estimate_print(s.vertices, s.faces, p, "PLA", args.slicer, 120),
                args.runs,
            )
            if estimate["reason"] is not None:
                print(f"  {label:28s} {printer:20s} unavailable: {estimate['reason']}")
                continue
            print(
                f"  {label:28s} {printer:20s} {seconds:6.2f} s to slice; estimate {estimate['print_time']}, "
                f"{estimate['filament_mm']:.0f} mm, {estimate['filament_g']:.2f} g"
            )


if __name__ == "__main__":
    main()
