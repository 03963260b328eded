"""Points on a triangle surface: area-weighted random samples and exact closest points.

Shared by the faithfulness measure (random, area-weighted, deterministic seed) and the volumetric
fallback (bisected pieces small enough that every point of the surface has a sample nearby).
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability import topology


def random_points(
    vertices: np.ndarray,
    faces: np.ndarray,
    count: int,
    seed: int = 0,
    doubled_areas: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`count` area-weighted uniform points; returns (points, face index of each).

    Only the sampled faces' corners are gathered: the areas (`topology.doubled_areas`, unless the
    caller passes them) come from a blocked pass, so a large mesh costs one sweep over its faces, not
    an (m, 3, 3) copy.
    """
    doubled = topology.doubled_areas(vertices, faces) if doubled_areas is None else doubled_areas
    total = doubled.sum()
    if total <= 0 or count <= 0:
        return np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(doubled)
    cumulative /= total
    face = np.searchsorted(cumulative, rng.random(count), side="right")
    face = np.minimum(face, len(faces) - 1)
    r1, r2 = rng.random(count), rng.random(count)
    flip = r1 + r2 > 1
    r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
    c = vertices[faces[face]]
    return c[:, 0] + r1[:, None] * (c[:, 1] - c[:, 0]) + r2[:, None] * (c[:, 2] - c[:, 0]), face


def dense_points(
    vertices: np.ndarray, faces: np.ndarray, spacing: float, max_points: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Points within `spacing` of every surface point; returns (points, face index of each).

    Faces are bisected across their longest edge until no edge exceeds `spacing`; the pieces'
    centroids are the points (no shared corners: duplicate points make k-d tree queries crawl).
    Unlike a barycentric lattice this stays cheap on ordinary slivers. On a surface of (nearly)
    zero area but real length (a lone collinear triangle) the count grows faster than
    length / spacing, and a spacing chosen from the area alone is microscopic, so `max_points`
    (when given) is a hard cap: the spacing doubles until at most `max_points` points, plus one
    per face, are produced (the points are then only within the wider spacing of the surface).
    """
    tri = vertices[faces]
    if not spacing > 0:
        raise ValueError("dense sampling needs a positive spacing")
    if max_points is None:
        found = _bisect(tri, spacing, None)
        assert found is not None
        return found
    limit = max(int(max_points), 1) + len(tri)
    # Below this no bisection fits in the limit (every piece is at most `spacing` long and at most
    # spacing^2 in doubled area): start there instead of doubling up from a microscopic spacing.
    doubled = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    longest = np.linalg.norm(tri[:, [1, 2, 0]] - tri, axis=2).max(axis=1)
    spacing = max(spacing, float(longest.sum()) / limit, float(np.sqrt(doubled.sum() / limit)))
    while True:
        found = _bisect(tri, spacing, limit)
        if found is not None:
            return found
        spacing *= 2.0


def _bisect(tri: np.ndarray, spacing: float, limit: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Centroids of the bisected pieces of `tri` (k, 3, 3); None as soon as they would exceed `limit`."""
    owner = np.arange(len(tri))
    done_p: list[np.ndarray] = []
    done_o: list[np.ndarray] = []
    done = 0
    spacing2 = spacing * spacing
    while len(tri):
        # Squared lengths of the edges c -> c+1: no square roots, and the comparison is the same.
        # Column by column: numpy's max/argmax/mean along a length-3 axis are several times slower.
        d = tri[:, [1, 2, 0]] - tri
        edge2 = np.einsum("ijk,ijk->ij", d, d)
        e0, e1, e2 = edge2[:, 0], edge2[:, 1], edge2[:, 2]
        longest = np.where((e0 >= e1) & (e0 >= e2), 0, np.where(e1 >= e2, 1, 2))  # argmax: first max
        small = np.maximum(np.maximum(e0, e1), e2) <= spacing2
        if small.any():
            kept = tri[small]
            done_p.append((kept[:, 0] + kept[:, 1] + kept[:, 2]) / 3.0)
            done_o.append(owner[small])
            done += len(done_p[-1])
        tri, owner, longest = tri[~small], owner[~small], longest[~small]
        if not len(tri):
            break
        if limit is not None and done + 2 * len(tri) > limit:
            return None  # every piece left yields at least one point
        # Split the longest edge (corner `longest` -> the next one) at its midpoint: the halves are
        # (a, mid, c) and (mid, b, c), written straight into one array.
        rows = np.arange(len(tri))
        a = tri[rows, longest]
        b = tri[rows, (longest + 1) % 3]
        c = tri[rows, (longest + 2) % 3]
        mid = (a + b) / 2.0
        k = len(tri)
        tri = np.empty((2 * k, 3, 3))
        tri[:k, 0], tri[:k, 1], tri[:k, 2] = a, mid, c
        tri[k:, 0], tri[k:, 1], tri[k:, 2] = mid, b, c
        owner = np.concatenate([owner, owner])
    if not done_p:
        return np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    return np.concatenate(done_p), np.concatenate(done_o)


def closest_on_triangles(triangles: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Closest point on each triangle (k, 3, 3) to each point (k, 3) (Ericson, Real-Time Collision
    Detection)."""
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    ab, ac, ap = b - a, c - a, points - a
    d1 = np.einsum("ij,ij->i", ab, ap)
    d2 = np.einsum("ij,ij->i", ac, ap)
    bp = points - b
    d3 = np.einsum("ij,ij->i", ab, bp)
    d4 = np.einsum("ij,ij->i", ac, bp)
    cp = points - c
    d5 = np.einsum("ij,ij->i", ab, cp)
    d6 = np.einsum("ij,ij->i", ac, cp)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = va + vb + vc
        v = np.where(denom != 0, vb / denom, 0.0)
        w = np.where(denom != 0, vc / denom, 0.0)
        result = a + ab * v[:, None] + ac * w[:, None]  # interior
        t_ab = np.clip(d1 / (d1 - d3), 0, 1)
        t_ac = np.clip(d2 / (d2 - d6), 0, 1)
        t_bc = np.clip((d4 - d3) / ((d4 - d3) + (d5 - d6)), 0, 1)
    on_bc = (va <= 0) & (d4 - d3 >= 0) & (d5 - d6 >= 0)
    result = np.where(on_bc[:, None], b + (c - b) * np.nan_to_num(t_bc)[:, None], result)
    on_ac = (vb <= 0) & (d2 >= 0) & (d6 <= 0)
    result = np.where(on_ac[:, None], a + ac * np.nan_to_num(t_ac)[:, None], result)
    on_ab = (vc <= 0) & (d1 >= 0) & (d3 <= 0)
    result = np.where(on_ab[:, None], a + ab * np.nan_to_num(t_ab)[:, None], result)
    result = np.where(((d6 >= 0) & (d5 <= d6))[:, None], c, result)
    result = np.where(((d3 >= 0) & (d4 <= d3))[:, None], b, result)
    result = np.where(((d1 <= 0) & (d2 <= 0))[:, None], a, result)
    return result
