"""Sheets: bodies that are closed but enclose no volume (a lone wall, a closed-up soup triangle).

They analyze as watertight yet print as nothing. A sheet lying on the surface of another body (the
wall two glued bodies shared, cut loose by the non-manifold step and closed by the hole filler) is
redundant and dropped. Dropping any other sheet would delete real surface, so each one is
rebuilt by the volumetric remesher on its own small grid, which turns it into a slab about 1 % of the
model's diagonal thick around the original sheet, a solid a slicer can print. A mesh made of many
sheets is a polygon soup: rebuilding each piece would be slow and pointless, so they are dropped and
the faithfulness check sends the whole mesh to the global volumetric fallback instead.
"""

from __future__ import annotations

import numpy as np

from services.printability.repair_steps import orient, volumetric
from services.printability.repair_steps.faithfulness import distance_to_surface
from services.printability.repair_steps.work import WorkMesh

#: |volume| below this fraction of area^1.5 makes a body a sheet (a sphere has 0.094).
FLAT_RATIO = 1e-4
#: More sheets than this and the mesh is a soup for the global fallback.
MAX_SHEETS = 256
#: A sheet within this fraction of the diagonal of the other bodies is redundant.
ON_SURFACE = 1e-4


def flat_bodies(work: WorkMesh) -> tuple[np.ndarray, np.ndarray]:
    """(body label per face, mask of flat bodies)."""
    _, body = work.relabel(orient.bodies(work))
    corners = work.vertices[work.faces]
    volume = np.einsum("ij,ij->i", corners[:, 0], np.cross(corners[:, 1], corners[:, 2])) / 6.0
    area = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1) / 2
    body_volume = np.abs(np.bincount(body, weights=volume))
    body_area = np.bincount(body, weights=area)
    return body, body_volume <= FLAT_RATIO * body_area**1.5


def thicken_sheets(work: WorkMesh) -> int:
    """Replace every flat body by a thin closed slab (or drop them all in a soup). Returns faces replaced."""
    if len(work.faces) == 0:
        return 0
    body, flat = flat_bodies(work)
    sheet_ids = np.flatnonzero(flat)
    if len(sheet_ids) == 0:
        return 0
    drop = flat[body]
    if len(sheet_ids) <= MAX_SHEETS:
        pieces = [work.faces[body == sheet] for sheet in sheet_ids.tolist()]
        solid = work.faces[~drop]
        for piece in pieces:
            if len(solid) and _lies_on(work, piece, solid):
                continue
            vertices, faces = volumetric.remesh(work.vertices, piece, work.diagonal)
            offset = len(work.vertices)
            work.add_vertices(vertices)
            work.add_faces(faces + offset)
        drop = np.concatenate([drop, np.zeros(len(work.faces) - len(drop), dtype=bool)])
    work.keep_faces(~drop)
    work.compact()
    return int(np.count_nonzero(drop))


def _lies_on(work: WorkMesh, piece: np.ndarray, solid: np.ndarray) -> bool:
    corners = work.vertices[piece]
    probes = np.concatenate([corners.reshape(-1, 3), corners.mean(axis=1)])
    distance = distance_to_surface(probes, work.vertices, solid)
    return bool(distance.max() <= ON_SURFACE * work.diagonal)
