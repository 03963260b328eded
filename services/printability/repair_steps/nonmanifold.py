"""Resolve non-manifold edges and vertices by giving every face fan its own copy of the vertex.

Around a vertex, faces that share a two-face edge belong to one fan; faces meeting only at the vertex
or across an edge used by three or more faces belong to different fans (two cubes sharing an edge, a
bow-tie of cones, tetrahedra joined at an edge). Each fan gets its own vertex, moved a hair
(1e-5 of the bounding-box diagonal, well above float32 resolution so it survives an STL round trip)
into its own fan, because the analyzer welds identical coordinates back together. An edge still used
three or more times after the split lies inside one fan; its faces are dropped and the hole filler
closes the gap.
"""

from __future__ import annotations

import numpy as np

from services.printability import topology
from services.printability.repair_steps.work import WorkMesh

#: How far a split vertex moves into its fan, as a fraction of the bounding-box diagonal.
NUDGE = 1e-5


def face_edges(work: WorkMesh) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Half-edges grouped by undirected edge.

    Returns (order, starts, counts): `order` lists half-edge ids (3 * face + corner, the edge from
    that corner to the next) sorted by undirected edge; group g is order[starts[g]:starts[g]+counts[g]].
    Cached per faces array.
    """
    return work.cached("face_edges", _face_edges)


def _face_edges(work: WorkMesh) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    faces, n_vertices = work.faces, len(work.vertices)
    a = faces.ravel()
    b = faces[:, [1, 2, 0]].ravel()
    key = np.minimum(a, b) * n_vertices + np.maximum(a, b)
    ids = np.arange(len(key), dtype=np.int64)
    id_bits = max(1, len(key).bit_length())
    if len(key) and int(key.max()).bit_length() + id_bits <= 62:  # one plain sort of packed keys
        packed = np.sort((key << id_bits) | ids)
        order = packed & ((1 << id_bits) - 1)
        sorted_key = packed >> id_bits
    else:
        order = np.argsort(key)
        sorted_key = key[order]
    if len(order) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return order, empty, empty
    starts = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
    counts = np.diff(np.append(starts, len(order)))
    return order, starts, counts


def split_fans(work: WorkMesh) -> int:
    """Give each fan of faces around a vertex its own vertex. Returns the number of vertices added."""
    faces = work.faces
    m = len(faces)
    if m == 0:
        return 0
    order, starts, counts = face_edges(work)
    pair = starts[counts == 2]
    h1 = order[pair]
    h2 = order[pair + 1]
    f1, c1 = h1 // 3, h1 % 3
    f2, c2 = h2 // 3, h2 % 3
    a = faces[f1, c1]  # the edge of f1 runs a -> b
    c1_next = (c1 + 1) % 3
    c2_next = (c2 + 1) % 3
    f2_starts_at_a = faces[f2, c2] == a
    corner_a_in_f2 = np.where(f2_starts_at_a, c2, c2_next)
    corner_b_in_f2 = np.where(f2_starts_at_a, c2_next, c2)
    links = np.concatenate(
        [
            np.column_stack([3 * f1 + c1, 3 * f2 + corner_a_in_f2]),
            np.column_stack([3 * f1 + c1_next, 3 * f2 + corner_b_in_f2]),
        ]
    )
    fan = topology.connected_components(3 * m, links)
    roots, new_index = work.relabel(fan)
    old_of_new = faces.ravel()[roots]
    added = len(roots) - len(np.unique(old_of_new))
    if added == 0:
        return 0
    vertices = work.vertices[old_of_new]
    copies = np.bincount(old_of_new, minlength=len(work.vertices))
    split = copies[old_of_new] > 1
    corner_vertex = new_index.reshape(-1, 3)
    # Direction into the fan: sum over the fan's corners of (face centroid - vertex).
    centroids = work.vertices[faces].mean(axis=1)
    toward = np.repeat(centroids, 3, axis=0) - vertices[new_index]
    direction = np.zeros_like(vertices)
    np.add.at(direction, new_index, toward)
    length = np.linalg.norm(direction, axis=1)
    movable = split & (length > 0)
    scale = max(work.diagonal, float(np.abs(work.vertices).max()) * 0.1)
    step = NUDGE * scale
    # Never move further than a tenth of the way to the fan's centroid (tiny fans stay valid).
    mean_reach = length / np.maximum(np.bincount(new_index, minlength=len(vertices)), 1)
    step_each = np.minimum(step, 0.1 * mean_reach)
    vertices[movable] += direction[movable] / length[movable, None] * step_each[movable, None]
    work.vertices = vertices
    work.faces = corner_vertex
    return added


def drop_nonmanifold_faces(work: WorkMesh) -> int:
    """Drop every face on an edge still used three or more times. Returns faces removed."""
    order, starts, counts = face_edges(work)
    bad_groups = np.flatnonzero(counts >= 3)
    if len(bad_groups) == 0:
        return 0
    members = np.concatenate([order[starts[g] : starts[g] + counts[g]] for g in bad_groups])
    drop = np.zeros(len(work.faces), dtype=bool)
    drop[members // 3] = True
    work.keep_faces(~drop)
    return int(np.count_nonzero(drop))
