"""Created faces that only continue a flat face of the input: the missing half of a cube's side.

"What repair adds stays small" (p99 distance from the output to the input) guards against patches
that invent surface across a large gap. A coarse CAD export is the exception that rule gets wrong:
when one of the two triangles of a 20 mm cube's side is missing, the exact fill is that triangle,
half the side, and the distance check rejects it although nothing was invented; the volumetric
fallback then turns the closed-looking solid into a hollow shell, a wrong part reported healthy.

A created face *continues* the input when it lies in the plane of an input face it is connected to
through created faces, every link crossing a shared edge between two faces that are coplanar and
face the same way. Two consistently oriented, coplanar faces with the same normal sit on opposite
sides of their shared edge, so such a face extends the input's flat surface and never folds back
over it (a sheet's back, filled opposite to its front, faces the other way and does not count).
Such faces lie on the input's own plane, so the faithfulness measure treats them like kept faces.
A box missing a whole side is not affected: its patch borders only perpendicular walls, so it
still goes to the volumetric fallback, which makes it the thin-walled box it is.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.repair_steps.work import WorkMesh

#: Distance from a plane, as a fraction of the larger of the bounding-box diagonal and the largest
#: coordinate, below which a vertex counts as lying in it (float32 STL coordinates stay well inside).
PLANE_TOLERANCE = 1e-5


def continuing_faces(work: WorkMesh) -> np.ndarray:
    """Mask over `work.faces`: created faces (origin < 0) that continue a flat input face."""
    created = work.origin < 0
    if not created.any() or created.all():
        return np.zeros(len(work.faces), dtype=bool)
    local = _faces_near(work, created)
    faces = work.faces[local]
    corners = work.vertices[faces]
    normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    length = np.linalg.norm(normal, axis=1)
    valid = length > work.area_tolerance
    unit = np.where(valid[:, None], normal / np.where(valid, length, 1.0)[:, None], 0.0)
    offset = np.einsum("ij,ij->i", unit, corners[:, 0])
    scale = max(work.diagonal, float(np.abs(corners).max()))
    tolerance = PLANE_TOLERANCE * scale
    first, second = _edge_pairs(faces)
    is_created = created[local]
    link = (is_created[first] | is_created[second]) & valid[first] & valid[second]
    link &= np.einsum("ij,ij->i", unit[first], unit[second]) > 0
    link &= _in_plane(corners[second], unit[first], offset[first], tolerance)
    link &= _in_plane(corners[first], unit[second], offset[second], tolerance)
    component = topology.connected_components(len(faces), np.column_stack([first[link], second[link]]))
    # The reference plane of each component: its largest kept input face, if it has one.
    kept = ~is_created & valid
    reference = np.full(component.max() + 1, -1, dtype=np.int64)
    order = np.flatnonzero(kept)[np.argsort(length[kept], kind="stable")]
    reference[component[order]] = order  # the largest face is written last
    ref = reference[component]
    ok = is_created & valid & (ref >= 0)
    rows = np.flatnonzero(ok)
    ok[rows] = _in_plane(corners[rows], unit[ref[rows]], offset[ref[rows]], tolerance)
    ok[rows] &= np.einsum("ij,ij->i", unit[rows], unit[ref[rows]]) > 0
    mask = np.zeros(len(work.faces), dtype=bool)
    mask[local[ok]] = True
    return mask


def _faces_near(work: WorkMesh, created: np.ndarray) -> np.ndarray:
    """Indices of the faces sharing a vertex with a created face (a large mesh's patches are small)."""
    touched = np.zeros(len(work.vertices), dtype=bool)
    touched[work.faces[created].ravel()] = True
    return np.flatnonzero(touched[work.faces].any(axis=1))


def _edge_pairs(faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, second) local face indices of every edge that exactly two of `faces` share."""
    a = faces.ravel()
    b = faces[:, [1, 2, 0]].ravel()
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo.astype(np.int64) * (int(faces.max()) + 1) + hi
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    counts = np.diff(np.r_[starts, len(key)])
    pair = starts[counts == 2]
    return order[pair] // 3, order[pair + 1] // 3


def _in_plane(corners: np.ndarray, unit: np.ndarray, offset: np.ndarray, tolerance: float) -> np.ndarray:
    """Whether all three corners of each (k, 3, 3) triangle lie within `tolerance` of its plane."""
    distance = np.einsum("ikj,ij->ik", corners, unit) - offset[:, None]
    return np.abs(distance).max(axis=1) <= tolerance
