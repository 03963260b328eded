"""Vectorised mesh topology: exact welding, edge incidence, connected components, per-face geometry.

These are the building blocks of the printability contract (shared/design/printability-metrics.md) and
of the repair pipeline, kept as small pure numpy functions so both compute the same thing the same way.
Everything is sort-based, O(n log n), with no Python loop over faces: a 1.3M-triangle mesh must be
analysed in well under a second. scipy is deliberately not imported: `scipy.sparse.csgraph` alone costs
0.3-0.9 s of start-up, more than the whole analysis, so connected components use a numpy union-find.

Long element-wise chains run over blocks of `CHUNK` rows: each intermediate then stays in the CPU
cache instead of being a fresh 30-90 MB array, which on a 1M-face mesh halves the time of the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from printforge_services.printability.background import Background

T = TypeVar("T")

#: A face is flat (degenerate) when its doubled area is at most this times the squared bbox diagonal.
FLAT_RATIO = 1e-12

#: Rows per block in the blocked element-wise loops (a (CHUNK, 3) float64 block is 1.5 MiB).
CHUNK = 1 << 16

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_FINAL = np.uint64(0xFF51AFD7ED558CCD)


def blocks(n: int, size: int | None = None) -> Iterator[slice]:
    """Consecutive slices covering range(n), `size` (default `CHUNK`) rows each, the last maybe fewer."""
    size = size or CHUNK
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def weld(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge points with exactly equal coordinates (0.0 == -0.0, no tolerance).

    `points` is (n, 3) or the (m, 3, 3) corners of a triangle soup, of any float dtype and any
    strides: a binary STL's float32 corners are welded straight from the file's records, block by
    block, without first widening 1.3M triangles into a 94 MB float64 copy (widening is exact, so
    the result is the same). Returns (unique_vertices as float64, inverse) with
    `unique_vertices[inverse] == points.reshape(-1, 3)`. Unique vertices are numbered in order of
    first appearance, so neighbouring faces keep neighbouring vertex ids and the later gathers
    (components, edge lists) stay cache-friendly. Sorts one uint64 key per point (hash bits above the
    point index), checks every point against its group's first member and, only if two different
    points share a hash, re-sorts exactly the groups concerned.
    """
    n = points.size // 3
    if n == 0:
        return np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    index_bits = max(1, int(n - 1).bit_length())
    key = _sorted_keys(points, index_bits)  # within a hash group the indices come out ascending
    index_mask = np.uint64((1 << index_bits) - 1)
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    for rows in blocks(n - 1):  # keys differing above the index bits: another hash, a new group
        step = key[rows.start + 1 : rows.stop + 1] ^ key[rows]
        np.greater(step, index_mask, out=new_group[rows.start + 1 : rows.stop + 1])
    key &= index_mask
    order = key.view(np.int64)  # the sorted point indices, in the keys' own memory
    # Ranks and group numbers are < n: int32 halves the largest scratch array whenever n allows.
    scratch = np.empty(n, dtype=np.int32 if n < 1 << 31 else np.int64)
    unique, inverse = _number_groups(points, order, new_group, scratch)
    if not _same_as_representatives(points, unique, inverse):
        v = _rows(points, slice(0, n))
        columns = [v.view(np.uint64)[:, axis] for axis in range(3)]
        _split_collisions(columns, order, new_group, _collided(v, order, new_group))
        unique, inverse = _number_groups(points, order, new_group, scratch)
    return unique, inverse


def _point_blocks(n: int) -> Iterator[slice]:
    """`blocks` of about `CHUNK` points, a multiple of 3 so that a triangle soup is read by whole faces."""
    return blocks(n, 3 * max(1, CHUNK // 3))


def _rows(points: np.ndarray, rows: slice) -> np.ndarray:
    """Points `rows` (flat point numbers) of `points` as a fresh contiguous (k, 3) float64 block.

    Adding 0.0 turns -0.0 into 0.0, so equal coordinates have equal bits. A (m, 3, 3) corner array
    is read by the faces the rows touch (whole faces when the slice starts at a multiple of 3).
    """
    if points.ndim == 2:
        block = np.array(points[rows], dtype=np.float64)
    else:
        faces = points[rows.start // 3 : -(-rows.stop // 3)]
        first = rows.start - 3 * (rows.start // 3)
        block = np.array(faces, dtype=np.float64).reshape(-1, 3)[first : first + rows.stop - rows.start]
    block += 0.0
    return block


def _sorted_keys(points: np.ndarray, index_bits: int) -> np.ndarray:
    """Per point: the top bits of a hash of its (x, y, z) float64 bit patterns, then its index; sorted.

    Each word is folded (x ^ x >> 32, a bijection) before the multiply so that the high bits of a
    float (sign, exponent) reach the kept top bits even when the low mantissa bits are all zero, as
    they are for float32 data widened to float64; the uint64 matrix product wraps modulo 2**64.
    Computed block by block from `_rows`, so a float32 input is widened one block at a time.
    """
    n = points.size // 3
    mix = np.array(_MIX, dtype=np.uint64)
    high = ~np.uint64((1 << index_bits) - 1)
    out = np.empty(n, dtype=np.uint64)

    def fill(rows: slice) -> None:
        block = _rows(points, rows).view(np.uint64)
        folded = block >> np.uint64(32)
        folded ^= block
        h = folded @ mix
        h ^= h >> np.uint64(29)
        h *= _FINAL
        h &= high
        h |= np.arange(rows.start, rows.stop, dtype=np.uint64)
        out[rows] = h

    _fill_and_sort(out, n, 1, fill)
    return out


def _fill_and_sort(out: np.ndarray, rows: int, per_row: int, fill: Callable[[slice], None]) -> None:
    """Fill `out` (`per_row` values per row) by calling `fill` on blocks of rows, then sort it.

    Each half of the rows is filled and sorted on its own thread (`_in_two_halves`), and numpy's stable
    sort then merges the two sorted runs in one linear pass (timsort finds the runs). On 3.9M keys:
    one sort 46-49 ms; two half sorts at once 25-30 ms plus the merge 15-22 ms, and the fills, which
    cost as much again, halve too.
    """

    def half(start: int, stop: int) -> None:
        for block in _point_blocks(stop - start):
            fill(slice(start + block.start, start + block.stop))
        out[per_row * start : per_row * stop].sort()

    if len(_in_two_halves(rows, half)) == 2:
        out.sort(kind="stable")


def _in_two_halves(n: int, work: Callable[[int, int], T]) -> list[T]:
    """[work(0, middle), work(middle, n)], the second half on another thread; [work(0, n)] when small.

    The middle is a multiple of 3 (a soup's halves hold whole faces). numpy releases the GIL inside
    its loops, sorts and fancy indexing, so on the 2-core machines the halves really run at once.
    """
    if n < 4 * CHUNK:
        return [work(0, n)]
    middle = 3 * (n // 6)
    other = Background(work, middle, n)
    first = work(0, middle)
    return [first, other.result()]


def _number_groups(
    points: np.ndarray, order: np.ndarray, new_group: np.ndarray, scratch: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(unique, inverse) for sorted groups, unique rows numbered by first appearance in `points`.

    `order` lists point indices group by group, ascending inside each group, so a group's first
    member is its first appearance. `scratch` is an integer array of len(order) this may overwrite
    (reusing memory that is already mapped is cheaper than faulting in a fresh 30 MB array per step).
    """
    n = len(order)
    firsts = order[new_group]
    is_first = np.zeros(n, dtype=bool)
    is_first[firsts] = True
    np.cumsum(is_first, dtype=scratch.dtype, out=scratch)  # 1 + the first-appearance rank, at each one
    rank_of_group = scratch[firsts]
    rank_of_group -= 1
    np.cumsum(new_group, dtype=scratch.dtype, out=scratch)  # 1 + the group of each sorted position
    scratch -= 1
    inverse = np.empty(n, dtype=np.int64)

    def rank_and_scatter(start: int, stop: int) -> None:
        part = scratch[start:stop]
        np.take(rank_of_group, part, out=part, mode="clip")  # element-wise: safe in place
        inverse[order[start:stop]] = part  # `order` is a permutation: the halves write apart

    _in_two_halves(n, rank_and_scatter)
    firsts = np.flatnonzero(is_first)
    flat = points.reshape(-1, 3) if points.ndim == 2 else None
    unique = flat[firsts] if flat is not None else points[firsts // 3, firsts % 3]
    unique = unique.astype(np.float64)
    unique += 0.0
    return unique, inverse


def _same_as_representatives(points: np.ndarray, unique: np.ndarray, inverse: np.ndarray) -> bool:
    """Whether every point has the bits of its group's representative (gathers from the small table)."""
    table = unique.view(np.uint64)

    def same(start: int, stop: int) -> bool:
        for block in _point_blocks(stop - start):
            rows = slice(start + block.start, start + block.stop)
            if not np.array_equal(np.take(table, inverse[rows], axis=0), _rows(points, rows).view(np.uint64)):
                return False
        return True

    return all(_in_two_halves(len(inverse), same))


def _collided(v: np.ndarray, order: np.ndarray, new_group: np.ndarray) -> np.ndarray:
    """Sorted positions that differ from their predecessor although the hash says same group."""
    bits = v.view(np.uint64)
    differs = np.zeros(len(v), dtype=bool)
    for axis in range(3):
        taken = np.take(bits[:, axis], order)
        differs[1:] |= taken[1:] != taken[:-1]
    return differs & ~new_group


def _split_collisions(
    columns: list[np.ndarray], order: np.ndarray, new_group: np.ndarray, collided: np.ndarray
) -> None:
    """Exactly order the hash groups holding different points (rare) and mark their true boundaries.

    The sort is stable, so equal points keep their ascending indices (first appearance first).
    """
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


def bounds(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(min, max) corner of the bounding box of (k, 3) points.

    Column by column: `points.min(axis=0)` on a C-ordered (k, 3) array runs a 3-wide inner loop and
    is about 25x slower.
    """
    lo = np.array([points[:, axis].min() for axis in range(3)])
    hi = np.array([points[:, axis].max() for axis in range(3)])
    return lo, hi


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
    # (k,) bool: whether the edge's first use runs from its larger to its smaller vertex (for a
    # boundary edge, its only use); None when not computed.
    direction: np.ndarray | None = None

    @property
    def boundary(self) -> np.ndarray:
        """(b, 2) edges used by exactly one face."""
        return self.edges[self.counts == 1]

    @property
    def non_manifold_count(self) -> int:
        return int(np.count_nonzero(self.counts >= 3))


def edge_table(welded_faces: np.ndarray, n_vertices: int, collapsed: np.ndarray | None = None) -> EdgeTable:
    """Count face uses of every undirected edge with one int64 sort.

    The key of a half-edge a -> b is (min << bits | max) << 1 | (a > b): the undirected edge in the
    high bits, the direction in the lowest, so one plain sort groups the edges and the direction of
    each use comes for free. Keys are built block by block (see `CHUNK`), on two threads. `collapsed` is
    `collapsed_faces(welded_faces)` when the caller has it already.
    """
    if n_vertices >= 1 << 31:
        raise ValueError(f"{n_vertices} vertices exceed the 2**31 supported by the edge keys")
    if collapsed is None:
        collapsed = collapsed_faces(welded_faces)
    f = welded_faces[~collapsed] if collapsed.any() else welded_faces
    if len(f) == 0:
        return EdgeTable(
            np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, bool)
        )
    f = np.ascontiguousarray(f, dtype=np.int64)
    vertex_bits = max(1, int(n_vertices - 1).bit_length())
    key = np.empty(3 * len(f), dtype=np.int64)

    def fill(rows: slice) -> None:
        block = f[rows]
        a = block.ravel()
        b = block[:, [1, 2, 0]].ravel()
        lo = np.minimum(a, b)
        forward = a > b
        np.maximum(a, b, out=b)
        lo <<= vertex_bits
        lo |= b
        lo <<= 1
        lo |= forward
        key[3 * rows.start : 3 * rows.stop] = lo

    _fill_and_sort(key, len(f), 3, fill)
    # Against its predecessor, a key differing above the direction bit starts a new edge, and an
    # equal key is a second use of the same edge running the same way (one slot past the end: False).
    is_start = np.empty(len(key), dtype=bool)
    same_way = np.zeros(len(key) + 1, dtype=bool)
    is_start[0] = True
    for rows in blocks(len(key) - 1):
        step = key[rows.start + 1 : rows.stop + 1] ^ key[rows]
        np.greater(step, 1, out=is_start[rows.start + 1 : rows.stop + 1])
        np.equal(step, 0, out=same_way[rows.start + 1 : rows.stop + 1])
    starts = np.flatnonzero(is_start)
    del is_start
    counts = np.empty(len(starts), dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = len(key) - starts[-1]
    edges = np.empty((len(starts), 2), dtype=np.int64)
    direction = np.empty(len(starts), dtype=bool)
    inconsistent = np.empty(len(starts), dtype=bool)
    for rows in blocks(len(starts)):  # block by block: no edge-sized temporaries besides the outputs
        at = starts[rows]
        first_use = key[at]
        np.bitwise_and(first_use, 1, out=direction[rows], casting="unsafe")
        first_use >>= 1  # now the undirected edge keys
        np.right_shift(first_use, vertex_bits, out=edges[rows, 0])
        np.bitwise_and(first_use, (1 << vertex_bits) - 1, out=edges[rows, 1])
        np.logical_and(counts[rows] == 2, same_way[at + 1], out=inconsistent[rows])
    return EdgeTable(edges, counts, inconsistent, direction)


def connected_components(n_nodes: int, edges: np.ndarray) -> np.ndarray:
    """Component label of every node (the smallest node index of its component).

    Vectorised union-find: every live edge hooks its larger root onto its smaller root (a plain
    fancy assignment: when several edges hook the same root one of them wins and the others stay live
    for the next round, which is cheaper than `np.minimum.at`), then pointer-jumping until every node
    points at a root; edges inside one component drop out each round. Hooks always point to a smaller
    index, so the forest stays acyclic and each final root is its component's smallest node.
    """
    parent = np.arange(n_nodes, dtype=np.int64)
    u = np.asarray(edges[:, 0], dtype=np.int64)
    v = np.asarray(edges[:, 1], dtype=np.int64)
    pu, pv = u, v  # every node is its own root before the first round
    while len(u):
        live = pu != pv
        if not live.all():
            u, v, pu, pv = u[live], v[live], pu[live], pv[live]
            if not len(u):
                break
        parent[np.maximum(pu, pv)] = np.minimum(pu, pv)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        pu = parent[u]
        pv = parent[v]
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
    if n_vertices != 3 * m or m == 0:
        return False
    flat = faces.reshape(-1)  # compared block by block: no 3m-long arange temporary
    return all(np.array_equal(flat[rows], np.arange(rows.start, rows.stop)) for rows in blocks(3 * m))


def face_corners(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """(m, 3, 3) corner coordinates; a view, not a copy, for a triangle soup (STL)."""
    if is_triangle_soup(faces, len(vertices)):
        return vertices.reshape(-1, 3, 3)
    return vertices[faces]


def doubled_area_vectors(corners: np.ndarray) -> np.ndarray:
    """(b - a) x (c - a) per face: the normal direction scaled by twice the face area."""
    out = np.empty((len(corners), 3), dtype=np.float64)
    for rows in blocks(len(corners)):
        out[rows] = np.column_stack(cross_columns(corners[rows]))
    return out


def doubled_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """|(b - a) x (c - a)| per face, gathered and reduced block by block (no (m, 3, 3) temporary)."""
    out = np.empty(len(faces), dtype=np.float64)
    for rows in blocks(len(faces)):
        cx, cy, cz = cross_columns(vertices[faces[rows]])
        cx *= cx
        cy *= cy
        cz *= cz
        cx += cy
        cx += cz
        np.sqrt(cx, out=out[rows])
    return out


def cross_columns(corners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three components of (b - a) x (c - a), each contiguous (same arithmetic as np.cross)."""
    a = corners[:, 0]
    ux, uy, uz = (corners[:, 1, i] - a[:, i] for i in range(3))
    vx, vy, vz = (corners[:, 2, i] - a[:, i] for i in range(3))
    cx = uy * vz
    cx -= uz * vy
    cy = uz * vx
    cy -= ux * vz
    cz = ux * vy
    cz -= uy * vx
    return cx, cy, cz


def signed_volume(corners: np.ndarray, doubled_area: np.ndarray | None = None) -> float:
    """Divergence-theorem volume: sum of a . (b x c) / 6 (negative for an inside-out closed mesh).

    a . (b x c) equals a . ((b - a) x (c - a)), so the per-face cross products computed for areas
    and normals can be passed in and reused.
    """
    if len(corners) == 0:
        return 0.0
    cross = doubled_area_vectors(corners) if doubled_area is None else doubled_area
    return float(np.einsum("ij,ij->", corners[:, 0], cross) / 6.0)


def flat_faces(doubled_areas: np.ndarray, bbox_diagonal: float) -> np.ndarray:
    """Mask of faces the contract calls degenerate by area: |(b-a)x(c-a)| <= 1e-12 * L^2."""
    return doubled_areas <= FLAT_RATIO * bbox_diagonal * bbox_diagonal


def degenerate_faces(collapsed: np.ndarray, doubled_area: np.ndarray, bbox_diagonal: float) -> np.ndarray:
    """Contract's degenerate mask: repeated welded index, or `flat_faces`."""
    return collapsed | flat_faces(np.sqrt(np.einsum("ij,ij->i", doubled_area, doubled_area)), bbox_diagonal)
