"""How far repair moved the surface: p99 of point-to-surface distances, in % of the bounding-box diagonal.

`input_to_output` samples the input surface and measures each point's distance to the output (did any
of the input move or vanish?); `output_to_input` the reverse (how much did repair add?). Points on
faces that repair kept unchanged are at distance 0 by construction (provenance), so a large mesh with
a few patched holes needs no spatial index at all; the others get an exact distance to the nearest of
the candidate triangles found through a k-d tree over a dense sample of the other surface.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability.repair_steps.sampling import (
    closest_on_triangles,
    dense_points,
    random_points,
)

SAMPLES = 20_000
#: Candidate triangles per query point (the faces of its nearest dense samples).
CANDIDATES = 8
#: Dense samples of the other surface, by area; slivers add a few more along their length.
DENSE_SAMPLES = 50_000
#: Hard cap on those samples (plus one per face), whatever the surface's shape: a zero-area
#: surface of real length would otherwise need unboundedly many.
MAX_DENSE_SAMPLES = 1_000_000


def p99_distance(
    src_vertices: np.ndarray,
    src_faces: np.ndarray,
    dst_vertices: np.ndarray,
    dst_faces: np.ndarray,
    unchanged: np.ndarray | None = None,
    seed: int = 0,
    src_doubled_areas: np.ndarray | None = None,
) -> float:
    """99th percentile distance from points on src to the dst surface (same units as the vertices).

    `unchanged` marks src faces that are also part of dst; their points count as distance 0.
    `src_doubled_areas`, when the caller knows them, spares recomputing the sampling weights.
    """
    if unchanged is not None and unchanged.all():
        return 0.0  # every sample would lie on a kept face, at distance 0
    points, face = random_points(src_vertices, src_faces, SAMPLES, seed, src_doubled_areas)
    if len(points) == 0:
        return 0.0
    distance = np.zeros(len(points))
    moved = np.ones(len(points), dtype=bool) if unchanged is None else ~unchanged[face]
    if np.count_nonzero(moved) < 0.005 * len(points):
        return 0.0  # fewer than 1 % of the samples can be non-zero: the 99th percentile is 0
    if len(dst_faces) == 0:
        return float("inf")
    distance[moved] = distance_to_surface(points[moved], dst_vertices, dst_faces)
    return float(np.percentile(distance, 99))


def distance_to_surface(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Distance from each point to the triangle surface (vertices, faces)."""
    return nearest_on_surface(points, vertices, faces)[0]


def faces_within(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray, reach: float) -> np.ndarray:
    """Mask of the faces that may lie within `reach` of a point (their bounding sphere does).

    Lets a caller that only asks "is this point within `reach` of the surface?" query a handful of
    faces instead of sampling a whole 100k-face surface.
    """
    from scipy.spatial import cKDTree

    corners = vertices[faces]
    centre = corners.mean(axis=1)
    radius = np.linalg.norm(corners - centre[:, None], axis=2).max(axis=1)
    tree = cKDTree(points)
    distance, _ = tree.query(centre, distance_upper_bound=float(radius.max()) + reach)
    return distance <= radius + reach


def nearest_on_surface(
    points: np.ndarray, vertices: np.ndarray, faces: np.ndarray, reach: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(distance to the surface, index in `faces` of the nearest face) for each point.

    With `reach`, distances beyond it are only known to exceed it (they come back as inf, face -1).
    """
    if reach is not None:
        near = np.flatnonzero(faces_within(points, vertices, faces, reach))
        distance = np.full(len(points), np.inf)
        face = np.full(len(points), -1, dtype=np.int64)
        if len(near):
            distance, face = nearest_on_surface(points, vertices, faces[near])
            face = near[face]
            far = distance > reach
            distance[far], face[far] = np.inf, -1
        return distance, face
    from scipy.spatial import cKDTree

    corners = vertices[faces]
    area = (
        np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1).sum()
        / 2
    )
    spacing = max(np.sqrt(area / DENSE_SAMPLES), 1e-12)
    samples, owner = dense_points(vertices, faces, spacing, max_points=MAX_DENSE_SAMPLES)
    # Sliding-midpoint splits: the balanced default crawls on surface samples queried from afar.
    tree = cKDTree(samples, balanced_tree=False, compact_nodes=False)
    k = min(CANDIDATES, len(samples))
    _, nearest = tree.query(points, k=k)
    nearest = nearest.reshape(len(points), k)
    best = np.full(len(points), np.inf)
    best_face = np.zeros(len(points), dtype=np.int64)
    for column in range(k):
        face = owner[nearest[:, column]]
        d = np.linalg.norm(closest_on_triangles(corners[face], points) - points, axis=1)
        closer = d < best
        best[closer] = d[closer]
        best_face[closer] = face[closer]
    return best, best_face
