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

from printforge_services.printability import topology
from printforge_services.printability.repair_steps.work import WorkMesh

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
    """One plain sort of packed keys (edge << id bits | half-edge id), built block by block.

    Packing the half-edge id under the edge key replaces an argsort (5x slower than a sort on
    integers); within an edge the ids come out ascending. Meshes too large to pack fall back to
    argsort.
    """
    faces, n_vertices = work.faces, len(work.vertices)
    n_half = 3 * len(faces)
    if n_half == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    vertex_bits = max(1, int(n_vertices - 1).bit_length())
    id_bits = max(1, int(n_half - 1).bit_length())
    packed = 2 * vertex_bits + id_bits <= 63
    shift = id_bits if packed else 0
    key = np.empty(n_half, dtype=np.int64)
    for rows in topology.blocks(len(faces)):
        block = faces[rows]
        a = block.ravel()
        b = block[:, [1, 2, 0]].ravel()
        lo = np.minimum(a, b)
        np.maximum(a, b, out=b)
        lo <<= vertex_bits
        lo |= b
        if packed:
            lo <<= shift
            lo |= np.arange(3 * rows.start, 3 * rows.stop, dtype=np.int64)
        key[3 * rows.start : 3 * rows.stop] = lo
    if packed:
        key.sort()
        order = key & ((1 << id_bits) - 1)
        key >>= id_bits
    else:
        order = np.argsort(key)
        key = key[order]
    is_start = np.empty(n_half, dtype=bool)
    is_start[0] = True
    np.not_equal(key[1:], key[:-1], out=is_start[1:])
    starts = np.flatnonzero(is_start)
    counts = np.empty(len(starts), dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = n_half - starts[-1]
    return order, starts, counts


def edge_manifold(work: WorkMesh) -> bool:
    """Whether no edge is used by three or more faces."""
    _, _, counts = face_edges(work)
    return len(counts) == 0 or int(counts.max()) <= 2


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


def single_fans(work: WorkMesh) -> bool:
    """Whether every used vertex has exactly one fan, i.e. `split_fans` would add no vertex.

    Only valid on a mesh without edges used three or more times whose two-face edges are traversed
    both ways (the analysis reports both); returns False otherwise. On such a mesh the faces around a
    vertex form paths (ending at boundary edges) and cycles, and walking across two-face edges from one
    corner visits exactly one of them: the vertex has a single fan when the walk from its path start
    (or from any corner if it has no boundary edge) visits all its corners. All vertices walk at once,
    one vectorised step per corner of the largest fan, instead of a union-find over every corner.
    """
    faces = work.faces
    m = len(faces)
    if m == 0:
        return True
    order, starts, counts = face_edges(work)
    if counts.max() > 2:
        return False
    corner_vertex = faces.ravel()
    pair = starts[counts == 2]
    h1, h2 = order[pair], order[pair + 1]
    if (corner_vertex[h1] == corner_vertex[h2]).any():
        return False  # a two-face edge traversed the same way twice: winding is inconsistent
    # Half-edge h runs from corner h to the next corner of its face; across a two-face edge the other
    # face's corner at the same vertex is the one after the twin half-edge's start.
    following = np.full(3 * m, -1, dtype=np.int64)
    following[h1] = _next_corner(h2)
    following[h2] = _next_corner(h1)
    boundary = order[starts[counts == 1]]
    path_starts = _next_corner(boundary)  # corners entered by a boundary half-edge
    n = len(work.vertices)
    if np.bincount(corner_vertex[path_starts], minlength=n).max(initial=0) > 1:
        return False  # two boundary paths meet at a vertex (holes touching at a corner)
    valence = np.bincount(corner_vertex, minlength=n)
    seed = np.full(n, -1, dtype=np.int64)
    seed[corner_vertex] = np.arange(3 * m, dtype=np.int64)
    seed[corner_vertex[path_starts]] = path_starts
    used = valence > 0
    return _walks_cover(following, seed[used], valence[used])


def _next_corner(half_edges: np.ndarray) -> np.ndarray:
    """Id of the corner after each half-edge's start corner in its face (3f+2 -> 3f)."""
    out = half_edges + 1
    out[half_edges % 3 == 2] -= 3
    return out


def _walks_cover(following: np.ndarray, seed: np.ndarray, valence: np.ndarray) -> bool:
    """Whether the walk from every seed corner visits `valence` corners before it ends or closes."""
    current = seed
    for step in range(1, int(valence.max()) + 1):
        current = following[current]
        done = current < 0
        done |= current == seed
        if done.any():
            if (valence[done] != step).any():
                return False  # ended or closed early: the vertex has a second fan
            keep = ~done
            seed, current, valence = seed[keep], current[keep], valence[keep]
            if len(seed) == 0:
                return True
    return False  # a walk longer than its vertex's valence: not the mesh this function expects
