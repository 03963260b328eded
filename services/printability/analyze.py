"""The printability analyzer: one loaded mesh in, the Meshy-compatible `printability` block out.

The `printability` keys follow shared/design/printability-metrics.md exactly so Meshy clients keep
working and two correct implementations agree; everything we report beyond Meshy (bodies, bounding
box, surface area, winding, overhangs, printer fit) goes under the separate `extra` key.

`measure` is the same analysis keeping what it built on the way (the welded mesh, its edge table, the
face areas): repair starts from exactly that instead of welding and sorting a million faces again.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.background import Background
from printforge_services.printability.mesh_io import LoadedMesh
from printforge_services.printability.printers import lookup_printer

#: Faces whose normal points more than this far below the horizontal need support.
OVERHANG_ANGLE_DEG = 45.0


@dataclass
class Measurement:
    """The printability block plus the intermediate results it was computed from (None when empty)."""

    block: dict
    vertices: np.ndarray | None = None  # (k, 3) welded vertices, numbered by first appearance
    faces: np.ndarray | None = None  # (m, 3) the input faces on the welded vertices
    edges: topology.EdgeTable | None = None
    doubled_areas: np.ndarray | None = None  # (m,) |(b - a) x (c - a)| per face
    diagonal: float = 0.0  # bounding-box diagonal of the vertices the faces use
    volume_mm3: float = 0.0  # the signed volume before conversion to the report's cubic metres
    used: np.ndarray | None = None  # (k,) bool: vertices some face uses; None when all are


def analyze(
    mesh: LoadedMesh,
    printer: str | None = None,
    build_volume_mm: tuple[float, float, float] | None = None,
) -> dict:
    """Printability block of `mesh`; `printer` (a name in printers.py) or `build_volume_mm` adds a fit check.

    A mesh without triangles gives {"_version": "v1", "status": "unknown", "evaluated_at": ...} only.
    Raises printers.UnknownPrinterError for an unknown printer name.
    """
    return measure(mesh, printer, build_volume_mm).block


def measure(
    mesh: LoadedMesh,
    printer: str | None = None,
    build_volume_mm: tuple[float, float, float] | None = None,
) -> Measurement:
    """`analyze`, keeping the welded mesh, edge table and face areas for the caller."""
    fit_volume = _build_volume(printer, build_volume_mm)
    if not mesh.has_triangles:
        return Measurement({"_version": "v1", "status": "unknown", "evaluated_at": now_ms()})

    corners = mesh.soup  # a binary STL is measured from its float32 records, never widened whole
    soup = corners is not None
    points = corners if soup else mesh.vertices
    # The per-face geometry needs only coordinates: it runs on a second core during the weld.
    geometry_task = Background(_FaceGeometry, points, None if soup else mesh.faces)
    unique, inverse = topology.weld(points)
    welded = inverse.reshape(-1, 3) if soup else inverse[mesh.faces]
    collapsed = topology.collapsed_faces(welded)
    edges = topology.edge_table(welded, len(unique), collapsed)
    used = None  # every vertex of a soup belongs to a face
    if not soup:
        used = np.zeros(len(unique), dtype=bool)
        used[welded.ravel()] = True
    geometry: _FaceGeometry = geometry_task.result()
    lo, hi = geometry.lo, geometry.hi
    diagonal = float(np.linalg.norm(hi - lo))
    degenerate = int(np.count_nonzero(collapsed | topology.flat_faces(geometry.doubled_areas, diagonal)))
    boundary = edges.boundary
    metrics = {
        "is_watertight": len(boundary) == 0,
        "volume": geometry.volume * 1e-9,  # vertices are millimetres
        "non_manifold_edges": edges.non_manifold_count,
        "degenerate_faces": degenerate,
        "holes": topology.boundary_loops(boundary),
    }
    size = hi - lo
    extra = {
        "bodies": topology.count_components(len(unique), edges.edges, used),
        "bounding_box_mm": {"min": lo.tolist(), "max": hi.tolist(), "size": size.tolist()},
        "surface_area_mm2": geometry.area,
        "inconsistent_winding_edges": int(np.count_nonzero(edges.inconsistent)),
        "overhang_area_mm2": geometry.overhang,
        "fits_printer": _fit(printer, fit_volume, size),
    }
    return Measurement(
        report(metrics, extra), unique, welded, edges, geometry.doubled_areas, diagonal, geometry.volume, used
    )


def report(metrics: dict, extra: dict) -> dict:
    """The printability block around `metrics` and `extra`: status and issue counts per the contract."""
    errors = sum((not metrics["is_watertight"], metrics["volume"] <= 0, metrics["non_manifold_edges"] > 0))
    warnings = sum((metrics["degenerate_faces"] > 0, metrics["holes"] > 0))
    return {
        "_version": "v1",
        "status": "error" if errors else "warning" if warnings else "healthy",
        "issue_count": errors + warnings,
        "error_count": errors,
        "warning_count": warnings,
        "metrics": metrics,
        "evaluated_at": now_ms(),
        "extra": extra,
    }


class _FaceGeometry:
    """Per-face cross products reduced block by block to what the report needs.

    One pass over the faces gives the doubled areas (degenerate test, surface area), the signed
    volume (a . ((b - a) x (c - a)) / 6, the divergence theorem), the bounding box of the corners
    (the vertices the faces use) and the overhang area; a block's corners are a view for a triangle
    soup and a small gather otherwise, so no (m, 3, 3) array is ever materialised.

    Overhang: a face's unit normal points more than OVERHANG_ANGLE_DEG below the horizontal when
    n_z < -sin(angle); faces with all three corners on the lowest z (highest corner z == z_min) rest
    on the build plate and need no support. z_min is known only after the pass, so the pass keeps
    the area and highest z of the downward faces.
    """

    def __init__(self, points: np.ndarray, faces: np.ndarray | None):
        """`points` are (n, 3) vertices indexed by `faces`, or with faces None (m, 3, 3) soup corners."""
        soup = points if faces is None else None
        m = len(points) if faces is None else len(faces)
        limit = -math.sin(math.radians(OVERHANG_ANGLE_DEG))
        self.doubled_areas = np.empty(m, dtype=np.float64)
        lo, hi = [math.inf] * 3, [-math.inf] * 3
        down_area: list[np.ndarray] = []
        down_top: list[np.ndarray] = []
        volume = area = 0.0
        for rows in topology.blocks(m):
            # float64 blocks: a float32 soup's cross products would lose the small faces' areas
            corners = np.asarray(soup[rows], dtype=np.float64) if soup is not None else points[faces[rows]]
            for axis in range(3):
                lo[axis] = min(lo[axis], float(corners[:, :, axis].min()))
                hi[axis] = max(hi[axis], float(corners[:, :, axis].max()))
            cx, cy, cz = topology.cross_columns(corners)
            norm = np.sqrt(cx * cx + cy * cy + cz * cz)
            self.doubled_areas[rows] = norm
            area += float(norm.sum())
            with np.errstate(invalid="ignore"):
                down = np.flatnonzero(cz < limit * norm)
            down_area.append(norm[down])
            down_top.append(corners[down, :, 2].max(axis=1))
            a = corners[:, 0]
            cx *= a[:, 0]  # element-wise, not `@`: a strided BLAS dot spins up threads for nothing
            cy *= a[:, 1]
            cx += cy
            cx += a[:, 2] * cz
            volume += float(cx.sum())
        self.lo = np.array(lo) + 0.0  # -0.0 -> 0.0, as the weld reports it
        self.hi = np.array(hi) + 0.0
        self.volume = volume / 6.0
        self.area = area / 2.0
        tops = np.concatenate(down_top) if down_top else np.zeros(0)
        areas = np.concatenate(down_area) if down_area else np.zeros(0)
        self.overhang = float(areas[tops != self.lo[2]].sum()) / 2.0


def now_ms() -> int:
    return int(time.time() * 1000)


def _build_volume(
    printer: str | None, build_volume_mm: tuple[float, float, float] | None
) -> tuple[float, float, float] | None:
    if build_volume_mm is not None:
        if len(build_volume_mm) != 3 or not all(v > 0 for v in build_volume_mm):
            raise ValueError(f"build volume must be three positive millimetre sizes, got {build_volume_mm!r}")
        return tuple(float(v) for v in build_volume_mm)  # type: ignore[return-value]
    if printer is not None:
        return lookup_printer(printer).build_volume_mm
    return None


def _fit(printer: str | None, volume: tuple[float, float, float] | None, size: np.ndarray) -> dict | None:
    """Fits as oriented in the file, allowing a 90 degree turn on the bed (swap X and Y)."""
    if volume is None:
        return None
    x, y, z = volume
    sx, sy, sz = (float(s) for s in size)
    fits = sz <= z and ((sx <= x and sy <= y) or (sx <= y and sy <= x))
    name = lookup_printer(printer).name if printer is not None else None
    return {"printer": name, "build_volume_mm": list(volume), "fits": fits}
