"""Vectorised mesh topology: exact welding, edge incidence, connected components, per-face geometry.

These are the building blocks of the printability contract (shared/design/printability-metrics.md) and
of the repair pipeline, kept as small pure numpy functions so both compute the same thing the same way.
Everything is sort-based, O(n log n), with no Python loop over faces: a 1.3M-triangle mesh must be
analysed in well under a second. scipy is deliberately not imported: `scipy.sparse.csgraph` alone costs
~0.35 s of start-up, more than the whole analysis, so connected components use a numpy union-find.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_FINAL = np.uint64(0xFF51AFD7ED558CCD)


def weld(vertices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge vertices with exactly equal float64 coordinates (0.0 == -0.0, no tolerance).

    Returns (unique_vertices, inverse) with `unique_vertices[inverse] == vertices`. The order of the
    unique vertices is arbitrary but deterministic. Sorts one int64 key per vertex (hash bits above
    the vertex index), then checks every vertex against its group's representative and, only if two
    different points share a hash, re-sorts exactly the groups concerned. Random gathers of whole rows
    and argsorts are avoided on purpose: they dominate the run time on large meshes.
    """
    v = np.ascontiguousarray(vertices, dtype=np.float64).reshape(-1, 3)
    n = len(v)
    if n == 0:
        return v.copy(), np.zeros(0, dtype=np.int64)
    if ((v == 0) & np.signbit(v)).any():
        v = v + 0.0  # -0.0 -> 0.0 so equal coordinates have equal bits
    columns = [v.view(np.uint64)[:, axis] for axis in range(3)]
    index_bits = max(1, int(n - 1).bit_length())
    key = _hash_top_bits(columns, 63 - index_bits)
    key <<= index_bits
    key |= np.arange(n)
    key.sort()
    order = key & ((1 << index_bits) - 1)
    key >>= index_bits
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    np.not_equal(key[1:], key[:-1], out=new_group[1:])
    group = np.cumsum(new_group) - 1
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = group
    unique = np.take(v, order[new_group], axis=0)
    if not _same_as_representatives(v, unique, inverse):
        _split_collisions(columns, order, new_group, _collided(v, order, new_group))
        group = np.cumsum(new_group) - 1
        inverse[order] = group
        unique = np.take(v, order[new_group], axis=0)
    return unique, inverse


def _same_as_representatives(v: np.ndarray, unique: np.ndarray, inverse: np.ndarray) -> bool:
    """Whether every vertex equals the representative of its hash group (gathers from the small table)."""
    return bool((np.take(unique, inverse, axis=0) == v).all())


def _collided(v: np.ndarray, order: np.ndarray, new_group: np.ndarray) -> np.ndarray:
    """Sorted positions that differ from their predecessor although the hash says same group."""
    differs = np.zeros(len(v), dtype=bool)
    for axis in range(3):
        taken = np.take(v[:, axis], order)
        differs[1:] |= taken[1:] != taken[:-1]
    return differs & ~new_group


def _hash_top_bits(columns: list[np.ndarray], bits: int) -> np.ndarray:
    """A `bits`-wide non-negative int64 hash of three uint64 columns.

    Each column is folded (x ^ x >> 32, a bijection) before the multiply so that the high bits of a
    float (sign, exponent) reach the kept top bits even when the low mantissa bits are all zero, as
    they are for float32 data widened to float64.
    """
    h = np.zeros(len(columns[0]), dtype=np.uint64)
    folded = np.empty_like(h)
    for column, mix in zip(columns, _MIX, strict=True):
        np.right_shift(column, np.uint64(32), out=folded)
        folded ^= column
        folded *= mix
        h += folded
    np.right_shift(h, np.uint64(29), out=folded)
    h ^= folded
    h *= _FINAL
    h >>= np.uint64(64 - bits)
    return h.view(np.int64)


def _split_collisions(
    columns: list[np.ndarray], order: np.ndarray, new_group: np.ndarray, collided: np.ndarray
) -> None:
    """Exactly order the hash groups holding different points (rare) and mark their true boundaries."""
    group = np.cumsum(new_group) - 1
    bad = np.zeros(group[-1] + 1, dtype=bool)
    bad[group[collided]] = True
    positions = np.flatnonzero(bad[group])
    members = order[positions]
    coords = [column[members] for column in columns]
    perm = np.lexsort((coords[2], coords[1], coords[0], group[positions]))
    order[positions] = members[perm]
    sorted_group = group[positions][perm]
    starts = np.ones(len(positions), dtype=bool)
    starts[1:] = sorted_group[1:] != sorted_group[:-1]
    for c in coords:
        sorted_c = c[perm]
        starts[1:] |= sorted_c[1:] != sorted_c[:-1]
    new_group[positions] = starts


def collapsed_faces(welded_faces: np.ndarray) -> np.ndarray:
    """Mask of faces whose three (welded) vertex indices are not all distinct."""
    f = welded_faces
    return (f[:, 0] == f[:, 1]) | (f[:, 1] == f[:, 2]) | (f[:, 0] == f[:, 2])


@dataclass
class EdgeTable:
    """Undirected edges of the faces with three distinct indices, with how many faces use each."""

    edges: np.ndarray  # (k, 2) int64, edges[:, 0] < edges[:, 1], sorted
    counts: np.ndarray  # (k,) int64 number of faces using the edge
    inconsistent: np.ndarray  # (k,) bool: used by exactly two faces that traverse it the same way

    @property
    def boundary(self) -> np.ndarray:
        """(b, 2) edges used by exactly one face."""
        return self.edges[self.counts == 1]

    @property
    def non_manifold_count(self) -> int:
        return int(np.count_nonzero(self.counts >= 3))


def edge_table(welded_faces: np.ndarray, n_vertices: int) -> EdgeTable:
    """Count face uses of every undirected edge with one int64 sort (key = (lo*n + hi)*2 + direction)."""
    if n_vertices >= 1 << 31:
        raise ValueError(f"{n_vertices} vertices exceed the 2**31 supported by the edge keys")
    collapsed = collapsed_faces(welded_faces)
    f = welded_faces[~collapsed] if collapsed.any() else welded_faces
    if len(f) == 0:
        return EdgeTable(np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
    a = np.ascontiguousarray(f, dtype=np.int64).ravel()
    b = np.empty_like(f, dtype=np.int64)
    b[:, :2] = f[:, 1:]
    b[:, 2] = f[:, 0]
    b = b.ravel()
    forward = a > b
    key = np.minimum(a, b)
    key *= n_vertices
    np.maximum(a, b, out=b)
    key += b
    del a, b
    key <<= 1
    key += forward
    key.sort()
    direction = key & 1
    key >>= 1
    is_start = np.empty(len(key), dtype=bool)
    is_start[0] = True
    np.not_equal(key[1:], key[:-1], out=is_start[1:])
    starts = np.flatnonzero(is_start)
    counts = np.empty(len(starts), dtype=np.int64)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1] = len(key) - starts[-1]
    edges = np.empty((len(starts), 2), dtype=np.int64)
    np.divmod(key[starts], n_vertices, out=(edges[:, 0], edges[:, 1]))
    pair = np.flatnonzero(counts == 2)
    inconsistent = np.zeros(len(starts), dtype=bool)
    inconsistent[pair] = direction[starts[pair]] == direction[starts[pair] + 1]
    return EdgeTable(edges, counts, inconsistent)


def connected_components(n_nodes: int, edges: np.ndarray) -> np.ndarray:
    """Component label of every node (the smallest node index of its component).

    Vectorised union-find: hook every edge's larger root onto its smaller root, then pointer-jump
    until every node points at a root; edges inside one component drop out each round.
    """
    parent = np.arange(n_nodes, dtype=np.int64)
    u = edges[:, 0]
    v = edges[:, 1]
    while len(u):
        pu = parent[u]
        pv = parent[v]
        live = pu != pv
        if not live.all():
            u, v, pu, pv = u[live], v[live], pu[live], pv[live]
            if not len(u):
                break
        np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


def count_components(n_nodes: int, edges: np.ndarray, members: np.ndarray | None = None) -> int:
    """Number of connected components among the nodes selected by the boolean mask `members` (default all)."""
    labels = connected_components(n_nodes, edges)
    roots = labels == np.arange(n_nodes)
    return int(np.count_nonzero(roots if members is None else roots & members))


def boundary_loops(boundary_edges: np.ndarray) -> int:
    """Connected components of the graph made of the boundary edges (the contract's `holes`)."""
    if len(boundary_edges) == 0:
        return 0
    nodes, compact = np.unique(boundary_edges, return_inverse=True)
    return count_components(len(nodes), compact.reshape(-1, 2))


def is_triangle_soup(faces: np.ndarray, n_vertices: int) -> bool:
    """True when faces are exactly [[0, 1, 2], [3, 4, 5], ...] over all vertices (binary/ASCII STL)."""
    m = len(faces)
    return n_vertices == 3 * m and m > 0 and bool(np.array_equal(faces.ravel(), np.arange(3 * m)))


def face_corners(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """(m, 3, 3) corner coordinates; a view, not a copy, for a triangle soup (STL)."""
    if is_triangle_soup(faces, len(vertices)):
        return vertices.reshape(-1, 3, 3)
    return vertices[faces]


def doubled_area_vectors(corners: np.ndarray) -> np.ndarray:
    """(b - a) x (c - a) per face: the normal direction scaled by twice the face area."""
    a = corners[:, 0]
    u = corners[:, 1] - a
    v = corners[:, 2] - a
    out = np.empty_like(u)
    for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        np.multiply(u[:, j], v[:, k], out=out[:, i])
        out[:, i] -= u[:, k] * v[:, j]
    return out


def signed_volume(corners: np.ndarray, doubled_area: np.ndarray | None = None) -> float:
    """Divergence-theorem volume: sum of a . (b x c) / 6 (negative for an inside-out closed mesh).

    a . (b x c) equals a . ((b - a) x (c - a)), so the per-face cross products computed for areas
    and normals can be passed in and reused.
    """
    if len(corners) == 0:
        return 0.0
    cross = doubled_area_vectors(corners) if doubled_area is None else doubled_area
    return float(np.einsum("ij,ij->", corners[:, 0], cross) / 6.0)


def degenerate_faces(collapsed: np.ndarray, doubled_area: np.ndarray, bbox_diagonal: float) -> np.ndarray:
    """Contract's degenerate mask: repeated welded index, or |(b-a)x(c-a)| <= 1e-12 * L^2."""
    norm = np.sqrt(np.einsum("ij,ij->i", doubled_area, doubled_area))
    return collapsed | (norm <= 1e-12 * bbox_diagonal * bbox_diagonal)
