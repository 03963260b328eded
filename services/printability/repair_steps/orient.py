"""Winding: make neighbouring faces agree, then turn every body outward (or inward for a cavity).

Consistency is a parity propagation over the face graph (two faces sharing an edge must traverse it in
opposite directions); the breadth-first search only runs on components that actually disagree, so
clean meshes pay one vectorised check. Outward is decided per body with the divergence-theorem signed
volume, and a body lying inside another (a cavity shell) is turned inward by nesting parity, as
slicers read it.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.repair_steps.nonmanifold import face_edges
from printforge_services.printability.repair_steps.work import WorkMesh

#: |volume| below this fraction of area^1.5 makes a body flat, a sheet (a sphere has 0.094).
FLAT_RATIO = 1e-4


def _face_links(work: WorkMesh) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(f1, f2, same_direction) for every edge used by exactly two faces."""
    faces = work.faces
    order, starts, counts = face_edges(work)
    pair = starts[counts == 2]
    h1, h2 = order[pair], order[pair + 1]
    same = faces.ravel()[h1] == faces.ravel()[h2]
    return h1 // 3, h2 // 3, same


def make_consistent(work: WorkMesh) -> int:
    """Flip faces so that every two-face edge is traversed both ways. Returns faces flipped."""
    f1, f2, same = _face_links(work)
    if not same.any():
        return 0
    m = len(work.faces)
    component = topology.connected_components(m, np.column_stack([f1, f2]))
    todo = np.zeros(m, dtype=bool)
    todo[np.isin(component, component[f1[same]])] = True
    # CSR adjacency restricted to the components that need work.
    keep = todo[f1]
    src = np.concatenate([f1[keep], f2[keep]])
    dst = np.concatenate([f2[keep], f1[keep]])
    flag = np.concatenate([same[keep], same[keep]])
    order = np.argsort(src, kind="stable")
    src, dst, flag = src[order], dst[order], flag[order]
    bounds = np.searchsorted(src, np.arange(m + 1))
    flip_mask = _propagate_parity(np.unique(component[todo]), bounds, dst, flag, m)
    work.faces = np.where(flip_mask[:, None], work.faces[:, [0, 2, 1]], work.faces)
    return int(np.count_nonzero(flip_mask))


def _propagate_parity(
    seeds: np.ndarray, bounds: np.ndarray, dst: np.ndarray, flag: np.ndarray, m: int
) -> np.ndarray:
    """Flip per face: a breadth-first search from every seed at once, one vectorised step per level.

    The CSR adjacency (`bounds`, `dst`) links faces across two-face edges, `flag` saying the two
    traverse the edge the same way (one of them must flip relative to the other). A face reached
    first from `parent` flips iff parent flips xor flag; seeds (each component's smallest face,
    as the union-find labels them) keep their winding. A soup's 100k faces take some hundreds of
    levels instead of a Python loop over every face.
    """
    flip = np.zeros(m, dtype=bool)
    seen = np.zeros(m, dtype=bool)
    seen[seeds] = True
    frontier = seeds
    while len(frontier):
        starts, counts = bounds[frontier], bounds[frontier + 1] - bounds[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        link = offsets + np.arange(total)
        parent = np.repeat(frontier, counts)
        reached = dst[link]
        new = ~seen[reached]
        reached, parent, link = reached[new], parent[new], link[new]
        frontier, first = np.unique(reached, return_index=True)  # the first link to each new face
        flip[frontier] = flip[parent[first]] ^ flag[link[first]]
        seen[frontier] = True
    return flip


def bodies(work: WorkMesh) -> np.ndarray:
    """Body label per face: faces connected through shared edges."""

    def compute(w: WorkMesh) -> np.ndarray:
        f1, f2, _ = _face_links(w)
        return topology.connected_components(len(w.faces), np.column_stack([f1, f2]))

    return work.cached("bodies", compute)


#: Points x faces evaluated at once by `_winding_numbers`.
WINDING_BLOCK = 1 << 20


def _winding_numbers(points: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Generalized winding number of a closed triangle set around each point (van Oosterom-Strackee).

    All points at once, in blocks of faces: a soup split into many small bodies asks about dozens
    of points inside one large body, and one pass over its faces per point costs a second.
    """
    total = np.zeros(len(points))
    step = max(1, WINDING_BLOCK // max(len(points), 1))
    for start in range(0, len(corners), step):
        block = corners[start : start + step]
        a, b, c = (block[None, :, i] - points[:, None] for i in range(3))
        la, lb, lc = (np.linalg.norm(x, axis=2) for x in (a, b, c))
        numerator = np.einsum("pfj,pfj->pf", a, np.cross(b, c))
        denominator = (
            la * lb * lc
            + np.einsum("pfj,pfj->pf", a, b) * lc
            + np.einsum("pfj,pfj->pf", b, c) * la
            + np.einsum("pfj,pfj->pf", c, a) * lb
        )
        total += np.arctan2(numerator, denominator).sum(axis=1)
    return total / (2.0 * np.pi)


def orient_outward(work: WorkMesh) -> int:
    """Flip bodies: solids get positive volume, nested cavities negative. Returns faces flipped."""
    if len(work.faces) == 0:
        return 0
    label = bodies(work)
    roots, body = work.relabel(label)
    corners = work.vertices[work.faces]
    volume = np.einsum("ij,ij->i", corners[:, 0], np.cross(corners[:, 1], corners[:, 2])) / 6.0
    body_volume = np.bincount(body, weights=volume, minlength=len(roots))
    area = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1) / 2
    body_area = np.bincount(body, weights=area, minlength=len(roots))
    solid = np.abs(body_volume) > FLAT_RATIO * body_area**1.5
    depth = _nesting_depth(work, body, solid, corners)
    want_positive = depth % 2 == 0
    wrong = (body_volume != 0) & ((body_volume > 0) != want_positive)
    flip = wrong[body]
    if flip.any():
        work.faces = np.where(flip[:, None], work.faces[:, [0, 2, 1]], work.faces)
    return int(np.count_nonzero(flip))


def _nesting_depth(work: WorkMesh, body: np.ndarray, solid: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """How many other solid bodies contain each solid body (one vertex tested, bounding boxes first).

    Flat bodies (sheets, which `sheets.thicken_sheets` shells or drops next) neither contain nor
    are cavities: a soup's loose triangles would otherwise each cost a pass over the large body.
    """
    n_bodies = len(solid)
    depth = np.zeros(n_bodies, dtype=np.int64)
    if n_bodies < 2:
        return depth
    order = np.argsort(body, kind="stable")
    bounds = np.searchsorted(body[order], np.arange(n_bodies + 1))
    members = [order[bounds[i] : bounds[i + 1]] for i in range(n_bodies)]
    lo = np.array([corners[m].reshape(-1, 3).min(axis=0) for m in members])
    hi = np.array([corners[m].reshape(-1, 3).max(axis=0) for m in members])
    inside_box = (lo[:, None, :] > lo[None, :, :]).all(axis=2) & (hi[:, None, :] < hi[None, :, :]).all(axis=2)
    inside_box &= solid[:, None] & solid[None, :]
    inner, outer = np.nonzero(inside_box)
    probes = corners[[members[i][0] for i in range(n_bodies)], 0]
    for j in np.unique(outer).tolist():
        inside = inner[outer == j]
        winding = _winding_numbers(probes[inside], corners[members[j]])
        np.add.at(depth, inside[np.abs(winding) > 0.5], 1)
    return depth
