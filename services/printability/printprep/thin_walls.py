"""Walls and small features thinner than the nozzle: where the slicer cannot lay a single line.

Method (the ray form of the shape diameter function): from just inside each face's centroid, one
ray along the inward normal. The first face it reaches from the inside (a face whose outward normal
points along the ray) is the other side of the material, and the distance to it the local thickness.
A thin plate, a thin fin and a thin pin all show up this way (the ray crosses the plate, the fin or
the pin's diameter). A face is thin when that thickness is below the nozzle diameter: PrusaSlicer
cannot lay a perimeter there and drops or under-fills it. One sample per face, so a large face that
is thin over part of its extent is judged at its centroid.

Regions: thin faces sharing a vertex are one region, and so are a thin face and the face its ray
landed on (the top and bottom of a thin plate are one wall, although only the plate's edge joins
them). Rays that escape (an open mesh) or land on a face wound the wrong way measure nothing; they are
counted as `unmeasured_faces`, never guessed.

All of it is vectorised: one batch of rays in Open3D's Embree BVH (`raycast`), then numpy and the
project's union-find (`topology.connected_components`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.printprep.mesh import PrepMesh

#: Regions listed in the report, thinnest first; `regions_total` counts them all.
MAX_REGIONS = 20

METHOD = (
    "one ray per face from its centroid along the inward normal (Embree BVH via Open3D); the "
    "distance to the first face exited is the local thickness; thin faces sharing a vertex or a ray "
    "are one region"
)


def thin_walls(mesh: PrepMesh, nozzle_mm: float) -> dict[str, Any]:
    """Regions of `mesh` thinner than `nozzle_mm`, each with its minimum thickness, thinnest first."""
    thickness, hit = local_thickness(mesh)
    measured = np.isfinite(thickness)
    thin = np.flatnonzero(measured & (thickness < nozzle_mm))
    regions = _regions(mesh, thin, hit[thin], thickness[thin])
    return {
        "threshold_mm": nozzle_mm,
        "thin_faces": len(thin),
        "thin_area_mm2": float(mesh.areas[thin].sum()),
        "min_thickness_mm": float(thickness[thin].min()) if len(thin) else None,
        "regions_total": len(regions),
        "regions": regions[:MAX_REGIONS],
        "unmeasured_faces": int(np.count_nonzero(mesh.valid & ~measured)),
        "method": METHOD,
    }


def local_thickness(mesh: PrepMesh) -> tuple[np.ndarray, np.ndarray]:
    """(thickness, face exited) per face: inf and -1 where nothing was measured."""
    thickness = np.full(len(mesh.faces), np.inf)
    exited = np.full(len(mesh.faces), -1, dtype=np.int64)
    rows = np.flatnonzero(mesh.valid)
    if not len(rows):
        return thickness, exited
    # Start a hair inside the face so the ray cannot hit the face it starts from.
    eps = 1e-6 * mesh.diagonal
    inward = -mesh.normals[rows]
    hits = mesh.scene.cast(mesh.centroids[rows] + inward * eps, inward)
    landed = hits.face >= 0
    facing = np.zeros(len(rows), dtype=bool)
    facing[landed] = np.einsum("ij,ij->i", mesh.normals[hits.face[landed]], inward[landed]) > 0
    thickness[rows[facing]] = hits.distance[facing] + eps
    exited[rows[facing]] = hits.face[facing]
    return thickness, exited


def _regions(mesh: PrepMesh, thin: np.ndarray, hit: np.ndarray, thickness: np.ndarray) -> list[dict]:
    if not len(thin):
        return []
    m = len(mesh.faces)
    # Nodes: faces 0..m-1, then vertices m..m+n-1; a thin face joins its corners and the face it exited.
    links = np.concatenate(
        [np.column_stack((np.repeat(thin, 3), m + mesh.faces[thin].ravel())), np.column_stack((thin, hit))]
    )
    labels = topology.connected_components(m + len(mesh.vertices), links)[thin]
    _, region = np.unique(labels, return_inverse=True)
    count = int(region.max()) + 1
    faces = np.bincount(region, minlength=count)
    area = np.bincount(region, weights=mesh.areas[thin], minlength=count)
    least = np.full(count, np.inf)
    np.minimum.at(least, region, thickness)
    corners = mesh.vertices[mesh.faces[thin]]
    lo = np.full((count, 3), np.inf)
    hi = np.full((count, 3), -np.inf)
    np.minimum.at(lo, region, corners.min(axis=1))
    np.maximum.at(hi, region, corners.max(axis=1))
    order = np.lexsort((-area, least))
    return [
        {
            "min_thickness_mm": float(least[r]),
            "faces": int(faces[r]),
            "area_mm2": float(area[r]),
            "bounding_box_mm": {"min": lo[r].tolist(), "max": hi[r].tolist()},
        }
        for r in order
    ]
