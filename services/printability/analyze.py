"""The printability analyzer: one loaded mesh in, the Meshy-compatible `printability` block out.

The `printability` keys follow shared/design/printability-metrics.md exactly so Meshy clients keep
working and two correct implementations agree; everything we report beyond Meshy (bodies, bounding
box, surface area, winding, overhangs, printer fit) goes under the separate `extra` key.
"""

from __future__ import annotations

import math
import time

import numpy as np

from services.printability import topology
from services.printability.mesh_io import LoadedMesh
from services.printability.printers import lookup_printer

#: Faces whose normal points more than this far below the horizontal need support.
OVERHANG_ANGLE_DEG = 45.0


def analyze(
    mesh: LoadedMesh,
    printer: str | None = None,
    build_volume_mm: tuple[float, float, float] | None = None,
) -> dict:
    """Printability block of `mesh`; `printer` (a name in printers.py) or `build_volume_mm` adds a fit check.

    A mesh without triangles gives {"_version": "v1", "status": "unknown", "evaluated_at": ...} only.
    Raises printers.UnknownPrinterError for an unknown printer name.
    """
    fit_volume = _build_volume(printer, build_volume_mm)
    if not mesh.has_triangles:
        return {"_version": "v1", "status": "unknown", "evaluated_at": _now_ms()}

    unique, inverse = topology.weld(mesh.vertices)
    welded = (
        inverse.reshape(-1, 3)
        if topology.is_triangle_soup(mesh.faces, len(mesh.vertices))
        else inverse[mesh.faces]
    )
    edges = topology.edge_table(welded, len(unique))
    corners = topology.face_corners(mesh.vertices, mesh.faces)
    cross = topology.doubled_area_vectors(corners)
    used = np.zeros(len(unique), dtype=bool)
    used[welded.ravel()] = True
    lo = unique[used].min(axis=0)
    hi = unique[used].max(axis=0)
    diagonal = float(np.linalg.norm(hi - lo))
    degenerate = int(
        np.count_nonzero(topology.degenerate_faces(topology.collapsed_faces(welded), cross, diagonal))
    )
    boundary = edges.boundary
    holes = topology.boundary_loops(boundary)
    volume_m3 = topology.signed_volume(corners, cross) * 1e-9  # vertices are millimetres
    metrics = {
        "is_watertight": len(boundary) == 0,
        "volume": volume_m3,
        "non_manifold_edges": edges.non_manifold_count,
        "degenerate_faces": degenerate,
        "holes": holes,
    }
    errors = sum((not metrics["is_watertight"], volume_m3 <= 0, metrics["non_manifold_edges"] > 0))
    warnings = sum((degenerate > 0, holes > 0))
    status = "error" if errors else "warning" if warnings else "healthy"

    size = hi - lo
    extra = {
        "bodies": topology.count_components(len(unique), edges.edges, used),
        "bounding_box_mm": {"min": lo.tolist(), "max": hi.tolist(), "size": size.tolist()},
        "surface_area_mm2": float(np.sqrt(np.einsum("ij,ij->i", cross, cross)).sum() / 2.0),
        "inconsistent_winding_edges": int(np.count_nonzero(edges.inconsistent)),
        "overhang_area_mm2": _overhang_area(corners, cross, float(lo[2])),
        "fits_printer": _fit(printer, fit_volume, size),
    }
    return {
        "_version": "v1",
        "status": status,
        "issue_count": errors + warnings,
        "error_count": errors,
        "warning_count": warnings,
        "metrics": metrics,
        "evaluated_at": _now_ms(),
        "extra": extra,
    }


def _now_ms() -> int:
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


def _overhang_area(corners: np.ndarray, cross: np.ndarray, z_min: float) -> float:
    """Area of faces facing down steeper than OVERHANG_ANGLE_DEG below horizontal, except the bed face.

    A face's unit normal points more than 45 deg below the horizontal when n_z < -sin(45 deg); faces
    with all three corners on the lowest z rest on the build plate and need no support.
    """
    norm = np.sqrt(np.einsum("ij,ij->i", cross, cross))
    limit = -math.sin(math.radians(OVERHANG_ANGLE_DEG))
    with np.errstate(invalid="ignore", divide="ignore"):
        down = cross[:, 2] < limit * norm
    on_bed = (corners[:, :, 2] == z_min).all(axis=1)
    return float(norm[down & ~on_bed].sum() / 2.0)


def _fit(printer: str | None, volume: tuple[float, float, float] | None, size: np.ndarray) -> dict | None:
    """Fits as oriented in the file, allowing a 90 degree turn on the bed (swap X and Y)."""
    if volume is None:
        return None
    x, y, z = volume
    sx, sy, sz = (float(s) for s in size)
    fits = sz <= z and ((sx <= x and sy <= y) or (sx <= y and sy <= x))
    name = lookup_printer(printer).name if printer is not None else None
    return {"printer": name, "build_volume_mm": list(volume), "fits": fits}
