"""Minimum-area triangulation of closed rims (Barequet-Sharir / Liepa), many rims of one length at once.

The O(n^3) dynamic programme handles non-planar rims; a triangle whose normal opposes the rim's
Newell normal costs extra, so a planar rim gets its true (fold-free) triangulation, and triangles
whose doubled area is at most `tolerance` are never used. A soup with a tenth of its faces removed
has thousands of small holes: running the programme once per rim costs ~1 ms of numpy call overhead
each, so rims of equal length go through it together, one vectorised step per gap for all of them.
(Hole fillers in trimesh, open3d and pymeshfix either fan-triangulate or refuse non-manifold
neighbourhoods, and none honours the forbidden-diagonal constraint the hole filler needs.)
"""

from __future__ import annotations

import numpy as np

#: Largest (rims x n^3) cost array built at once, in entries (a 3-vector each).
MAX_BATCH_ENTRIES = 1 << 19


def newell_normals(points: np.ndarray) -> np.ndarray:
    """(r, 3) Newell normal of each closed polygon of the (r, n, 3) `points`."""
    return np.cross(points, np.roll(points, -1, axis=1)).sum(axis=1)


def triangulate(points: np.ndarray, forbidden: np.ndarray, tolerance: float) -> list[np.ndarray | None]:
    """Minimum-area triangulations of r closed rims of n vertices each.

    `points` is (r, n, 3); `forbidden` (r, n, n) marks rim index pairs that may not become a
    diagonal. Returns, per rim, (n - 2, 3) rim indices, or None when every option uses a forbidden
    diagonal or a triangle of doubled area at most `tolerance`.
    """
    r, n = points.shape[:2]
    step = max(1, MAX_BATCH_ENTRIES // (n**3))
    out: list[np.ndarray | None] = []
    for start in range(0, r, step):
        out.extend(
            _triangulate_batch(points[start : start + step], forbidden[start : start + step], tolerance)
        )
    return out


def _triangulate_batch(
    points: np.ndarray, forbidden: np.ndarray, tolerance: float
) -> list[np.ndarray | None]:
    r, n = points.shape[:2]
    normal = newell_normals(points)
    i, k, j = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
    cross = np.cross(points[:, k] - points[:, i], points[:, j] - points[:, i])
    doubled = np.linalg.norm(cross, axis=-1)
    opposed = np.einsum("r...c,rc->r...", cross, normal) < 0
    cost = np.where(opposed, 4.0 * doubled, doubled)
    cost[doubled <= tolerance] = np.inf
    weight = np.full((r, n, n), np.inf)
    idx = np.arange(n - 1)
    weight[:, idx, idx + 1] = 0.0
    best_k = np.zeros((r, n, n), dtype=np.int64)
    for gap in range(2, n):
        lo = np.arange(n - gap)
        hi = lo + gap
        mids = lo[:, None] + np.arange(1, gap)[None, :]
        total = (
            weight[:, lo[:, None], mids]
            + weight[:, mids, hi[:, None]]
            + cost[:, lo[:, None], mids, hi[:, None]]
        )
        choice = np.argmin(total, axis=2)
        value = np.take_along_axis(total, choice[..., None], axis=2)[..., 0]
        is_side = (lo == 0) & (hi == n - 1)
        value[forbidden[:, lo, hi] & ~is_side[None, :]] = np.inf
        weight[:, lo, hi] = value
        best_k[:, lo, hi] = mids[np.arange(len(lo))[None, :], choice]
    found = np.isfinite(weight[:, 0, n - 1])
    return [_triangles(best_k[rim], n) if found[rim] else None for rim in range(r)]


def _triangles(best_k: np.ndarray, n: int) -> np.ndarray:
    """The triangles the programme chose, read back from its split table."""
    choice = best_k.tolist()
    tris: list[tuple[int, int, int]] = []
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        m = choice[a][b]
        tris.append((a, m, b))
        stack.extend([(a, m), (m, b)])
    return np.asarray(tris, dtype=np.int64)
