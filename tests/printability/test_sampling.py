"""Dense sampling: the vectorised bisection against a plain recursive one, ties included."""

from __future__ import annotations

import numpy as np

from printforge_services.printability.repair_steps.sampling import dense_points


def _reference(triangle: np.ndarray, spacing: float) -> list[np.ndarray]:
    """Centroids of the pieces: split the longest edge (the first one on ties) until all are short."""
    edges = [float(np.linalg.norm(triangle[(i + 1) % 3] - triangle[i])) for i in range(3)]
    if max(edges) <= spacing:
        return [triangle.mean(axis=0)]
    i = edges.index(max(edges))
    a, b, c = triangle[i], triangle[(i + 1) % 3], triangle[(i + 2) % 3]
    mid = (a + b) / 2.0
    return _reference(np.array([a, mid, c]), spacing) + _reference(np.array([mid, b, c]), spacing)


def _sorted_rows(points: np.ndarray) -> np.ndarray:
    return points[np.lexsort(points.T[::-1])]


def test_dense_points_match_recursive_bisection() -> None:
    rng = np.random.default_rng(4)
    triangles = [rng.random((3, 3)) * 10 for _ in range(6)]
    triangles.append(np.array([[0.0, 0, 0], [4, 0, 0], [0, 4, 0]]))  # two equal legs: a tie
    triangles.append(np.array([[0.0, 0, 0], [3, 0, 0], [1.5, 3**0.5 * 1.5, 0]]))  # equilateral
    vertices = np.concatenate(triangles)
    faces = np.arange(len(vertices)).reshape(-1, 3)
    points, owner = dense_points(vertices, faces, 0.7)
    for face, triangle in enumerate(triangles):
        expected = np.array(_reference(triangle, 0.7))
        np.testing.assert_allclose(_sorted_rows(points[owner == face]), _sorted_rows(expected), atol=1e-12)
