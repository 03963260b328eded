"""Thicken an open surface into a closed solid: a one-sided shell `wall` thick behind its faces.

A zero-volume panel (a chair seat exported as one single-sided rectangle, a roof plane, a box
missing a side) is real surface that a printer cannot print. The shell keeps every face of the
surface where it is (so the input surface does not move at all) and adds, behind it, a copy offset
against the face normals by `wall`, joined to the surface by a strip of side walls along every
boundary edge. Each vertex moves along its angle-weighted normal, lengthened by 1 / cos of the
largest angle to its faces' normals (a mitre), so that at a fold the wall keeps its thickness
measured perpendicular to each face; the lengthening is capped at `MAX_MITRE` so that a sharp
fold does not shoot a vertex far away.

No library does this for an arbitrary open, possibly folded, triangle surface with exact
provenance of the kept faces: trimesh has no shell, open3d and pymeshlab offset by resampling
the surface (which moves it), manifold3d needs closed input.
"""

from __future__ import annotations

import numpy as np

#: Longest vertex offset, in walls: a fold sharper than 120 degrees gets a thinner wall there.
MAX_MITRE = 2.0


def offset_shell(vertices: np.ndarray, faces: np.ndarray, wall: float) -> tuple[np.ndarray, np.ndarray]:
    """The back and the side walls that close `faces` into a solid `wall` thick.

    `faces` must be an open, consistently wound, edge-manifold surface. Returns (new vertices,
    new faces); new faces index the concatenation of `vertices` and the new vertices. The back
    runs opposite to `faces` and the side walls follow the boundary, so the closed result is
    consistently wound, with positive volume: its outside is the side the faces' normals point to.
    """
    used, local = np.unique(faces, return_inverse=True)
    local = local.reshape(-1, 3)
    corners = vertices[faces]
    area_vector = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    length = np.linalg.norm(area_vector, axis=1)
    unit = area_vector / np.where(length > 0, length, 1.0)[:, None]
    # Angle-weighted normals: the same for any triangulation of the faces meeting at a vertex.
    weighted = np.repeat(unit, 3, axis=0) * _corner_angles(corners).reshape(-1, 1)
    summed = np.zeros((len(used), 3))
    for axis in range(3):
        summed[:, axis] = np.bincount(local.ravel(), weighted[:, axis], len(used))
    size = np.linalg.norm(summed, axis=1)
    normal = np.empty_like(summed)
    normal[local.ravel()] = np.repeat(unit, 3, axis=0)  # any one face's normal where the sum vanishes
    ok = size > 0
    normal[ok] = summed[ok] / size[ok, None]
    cosine = np.ones(len(used))
    np.minimum.at(cosine, local.ravel(), np.einsum("ij,ij->i", normal[local.ravel()], np.repeat(unit, 3, 0)))
    mitre = 1.0 / np.maximum(cosine, 1.0 / MAX_MITRE)
    back_vertices = vertices[used] - (wall * mitre)[:, None] * normal
    first_new = len(vertices)
    back = first_new + local[:, ::-1]
    sides = _side_walls(faces, local, first_new)
    return back_vertices, np.concatenate([back, sides])


def _corner_angles(corners: np.ndarray) -> np.ndarray:
    """(m, 3) interior angle of each triangle at each of its corners."""
    to_next = np.roll(corners, -1, axis=1) - corners
    to_prev = np.roll(corners, 1, axis=1) - corners
    cross = np.linalg.norm(np.cross(to_next, to_prev), axis=2)
    return np.arctan2(cross, np.einsum("ijk,ijk->ij", to_next, to_prev))


def _side_walls(faces: np.ndarray, local: np.ndarray, first_new: int) -> np.ndarray:
    """Two triangles per boundary edge a -> b of `faces`: (b, a, a'), (b, a', b')."""
    a = faces.ravel()
    b = faces[:, [1, 2, 0]].ravel()
    a_new = first_new + local.ravel()
    b_new = first_new + local[:, [1, 2, 0]].ravel()
    key = np.minimum(a, b) * (int(faces.max()) + 1) + np.maximum(a, b)
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    edge = counts[inverse.ravel()] == 1
    a, b, a_new, b_new = a[edge], b[edge], a_new[edge], b_new[edge]
    return np.concatenate([np.column_stack([b, a, a_new]), np.column_stack([b, a_new, b_new])])
