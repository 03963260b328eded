"""Sheets: bodies that are surface without volume (a single-sided panel, a roof plane, a soup triangle).

They print as nothing, or, once the hole filler has closed them, as something they are not: a lone
panel closed by its own back is a closed body of zero volume, and a chair's seat and back welded
along an edge close into a solid wedge. A body is a sheet when, after the fill, it is flat, or when
the fill patch is at least `SHEET_PATCH_RATIO` of the surface it closes (a scan's holes are a small
part of it) and most of the patch lies off the input surface (a slab whose top face the
non-manifold step cut loose is closed by a patch lying on that face: a solid, not a sheet). Each
sheet loses its patch and becomes a one-sided shell (`shell.offset_shell`) of the requested wall
behind its input faces, so none of the input surface moves.

A sheet lying on the surface of another body (the wall two glued bodies shared, cut loose by the
non-manifold step and closed by the hole filler) is redundant and dropped. A flat body made only of
input faces (a closed surface folded flat, with no patch to tell its front from its back) cannot be
shelled one-sidedly; it is rebuilt by the volumetric remesher on its own small grid, unless there are
more than `MAX_REMESHED` of them: that is a soup, which the global fallback handles in one go.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability.repair_steps import orient, shell, volumetric
from printforge_services.printability.repair_steps.faithfulness import nearest_on_surface
from printforge_services.printability.repair_steps.nonmanifold import face_edges
from printforge_services.printability.repair_steps.orient import FLAT_RATIO
from printforge_services.printability.repair_steps.sampling import random_points
from printforge_services.printability.repair_steps.work import CREATED, SHELL, WorkMesh

#: A body whose fill patch has at least this fraction of the area of its input faces is a sheet.
SHEET_PATCH_RATIO = 0.5
#: More flat bodies without a patch than this and the mesh is a soup for the global fallback.
MAX_REMESHED = 256
#: A sheet within this fraction of the diagonal of the other bodies is redundant.
ON_SURFACE = 1e-4
#: A patch point within this fraction of the diagonal of an input face lies on the input.
ON_INPUT = 1e-3
#: Patch points sampled per body to tell whether its patch lies on the input (at most
#: `MAX_PATCH_SAMPLES` in all: a body too small to get one is a sheet, which costs nothing).
PATCH_SAMPLES = 200
MAX_PATCH_SAMPLES = 50_000
#: Default shell wall, mm (a typical nozzle's two perimeters).
DEFAULT_WALL_MM = 1.0
#: The wall never exceeds this fraction of the diagonal: a thicker back would move the part's shape
#: by more than the faithfulness bound on what repair adds (5 %), even at a mitred fold.
MAX_WALL_FRACTION = 0.03


def wall_for(work: WorkMesh, wall: float) -> float:
    """The shell wall actually used on this mesh: the requested one, capped by `MAX_WALL_FRACTION`."""
    return min(wall, MAX_WALL_FRACTION * work.diagonal)


def body_measures(work: WorkMesh) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(body label per face, |volume|, input-face area, patch area) of every body.

    Patch faces are those repair created to close holes (origin `CREATED`); shell faces (`SHELL`)
    count as neither, so a shelled sheet is not a sheet again in the next cycle.
    """
    _, body = work.relabel(orient.bodies(work))
    corners = work.vertices[work.faces]
    volume = np.einsum("ij,ij->i", corners[:, 0], np.cross(corners[:, 1], corners[:, 2])) / 6.0
    area = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1) / 2
    created = work.origin == CREATED
    body_volume = np.abs(np.bincount(body, weights=volume))
    kept_area = np.bincount(body, weights=np.where(work.origin >= 0, area, 0.0), minlength=len(body_volume))
    created_area = np.bincount(body, weights=np.where(created, area, 0.0), minlength=len(body_volume))
    return body, body_volume, kept_area, created_area


def thicken_sheets(work: WorkMesh, wall: float = DEFAULT_WALL_MM) -> int:
    """Replace every sheet by a shell `wall` mm thick (see the module docstring).

    Returns the number of faces dropped plus faces added.
    """
    if len(work.faces) == 0:
        return 0
    body, volume, kept_area, created_area = body_measures(work)
    flat = volume <= FLAT_RATIO * (kept_area + created_area) ** 1.5
    large_patch = ~flat & (created_area >= SHEET_PATCH_RATIO * kept_area) & (kept_area > 0)
    if large_patch.any():
        large_patch[large_patch] = ~_patch_on_input(work, body, np.flatnonzero(large_patch))
    sheet = (flat | large_patch) & (kept_area > 0)
    patchless = flat & (created_area == 0)
    if not (sheet | flat).any():
        return 0
    in_sheet = sheet[body]
    redundant = _lying_on_others(work, body, np.flatnonzero(sheet | flat), in_sheet | flat[body])
    drop = (sheet | flat)[body]
    front = in_sheet & ~redundant[body] & ~patchless[body] & (work.origin >= 0)
    remesh = np.flatnonzero(patchless & ~redundant)
    if len(remesh) > MAX_REMESHED:
        remesh = remesh[:0]  # a soup: dropped here, rebuilt by the global volumetric fallback
    if front.any():
        vertices, faces = shell.offset_shell(work.vertices, work.faces[front], wall_for(work, wall))
        work.add_vertices(vertices)
        work.add_faces(faces, SHELL)
    for piece in remesh.tolist():
        vertices, faces = volumetric.remesh(
            work.vertices, work.faces[: len(body)][body == piece], work.diagonal
        )
        offset = len(work.vertices)
        work.add_vertices(vertices)
        work.add_faces(faces + offset)
    added = len(work.faces) - len(body)
    keep = np.ones(len(work.faces), dtype=bool)
    keep[: len(body)] = ~drop | front
    work.keep_faces(keep)
    work.compact()
    return int(np.count_nonzero(drop & ~front)) + added


def shell_open_bodies(work: WorkMesh, wall: float = DEFAULT_WALL_MM) -> int:
    """Shell every body that has a boundary edge, instead of filling its holes. Returns faces added.

    For meshes whose fill patches invent too much surface (a box missing a whole side, a gable
    roof): the open surface itself is the part, printed with a wall.
    """
    order, starts, counts = face_edges(work)
    boundary_faces = order[starts[counts == 1]] // 3
    if len(boundary_faces) == 0:
        return 0
    _, body = work.relabel(orient.bodies(work))
    open_body = np.zeros(body.max() + 1, dtype=bool)
    open_body[body[boundary_faces]] = True
    vertices, faces = shell.offset_shell(work.vertices, work.faces[open_body[body]], wall_for(work, wall))
    work.add_vertices(vertices)
    work.add_faces(faces, SHELL)
    return len(faces)


def _patch_on_input(work: WorkMesh, body: np.ndarray, bodies: np.ndarray) -> np.ndarray:
    """Per body of `bodies`: whether most points sampled on its patch lie on another body's input face.

    A patch folded back onto its own body's faces is the back of a sheet; one lying on another
    body's faces closes a solid whose face the non-manifold step gave to that body.
    """
    on_input = np.zeros(len(bodies), dtype=bool)
    inputs = np.flatnonzero(work.origin >= 0)
    index = np.full(body.max() + 1, -1, dtype=np.int64)
    index[bodies] = np.arange(len(bodies))
    patch = np.flatnonzero((work.origin == CREATED) & (index[body] >= 0))
    count = min(PATCH_SAMPLES * len(bodies), MAX_PATCH_SAMPLES)
    points, face = random_points(work.vertices, work.faces[patch], count)
    if len(points) == 0 or len(inputs) == 0:
        return on_input
    reach = ON_INPUT * work.diagonal
    distance, nearest = nearest_on_surface(points, work.vertices, work.faces[inputs], reach)
    near = (distance <= reach) & (body[inputs[nearest]] != body[patch[face]])
    owner = index[body[patch[face]]]
    share = np.bincount(owner, weights=near, minlength=len(bodies)) / np.maximum(
        np.bincount(owner, minlength=len(bodies)), 1
    )
    return share >= 0.5


def _lying_on_others(
    work: WorkMesh, body: np.ndarray, candidates: np.ndarray, candidate_face: np.ndarray
) -> np.ndarray:
    """Mask over bodies: candidate bodies whose every corner and centroid lies on the other bodies.

    One distance query for all candidates' probes against the faces of the non-candidate bodies.
    """
    redundant = np.zeros(body.max() + 1, dtype=bool)
    solid = work.faces[~candidate_face]
    if len(solid) == 0 or len(candidates) == 0:
        return redundant
    member = candidate_face
    corners = work.vertices[work.faces[member]]
    probes = np.concatenate([corners.reshape(-1, 3), corners.mean(axis=1)])
    owner = np.concatenate([np.repeat(body[member], 3), body[member]])
    distance, _ = nearest_on_surface(probes, work.vertices, solid, ON_SURFACE * work.diagonal)
    farthest = np.zeros(len(redundant))
    np.maximum.at(farthest, owner, distance)
    redundant[candidates] = farthest[candidates] <= ON_SURFACE * work.diagonal
    return redundant
