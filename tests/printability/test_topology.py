"""Topology building blocks: exact weld, edge incidence, components, per-face geometry."""

from __future__ import annotations

import numpy as np
import pytest

from printforge_services.printability import topology
from tests.fixtures_meshes import cube


def test_weld_merges_exact_duplicates_only() -> None:
    x = 0.1
    vertices = np.array([[x, 0, 0], [np.nextafter(x, 1), 0, 0], [x, 0, 0], [0.0, 0, 0], [-0.0, 0, 0]])
    unique, inverse = topology.weld(vertices)
    assert len(unique) == 3
    assert inverse[0] == inverse[2]
    assert inverse[0] != inverse[1]
    assert inverse[3] == inverse[4], "0.0 and -0.0 are equal coordinates"
    np.testing.assert_array_equal(unique[inverse], vertices + 0.0)


def test_weld_recovers_shuffled_duplicates() -> None:
    rng = np.random.default_rng(7)
    points = rng.random((5000, 3)).astype(np.float32).astype(np.float64)
    index = rng.integers(0, len(points), 60_000)
    unique, inverse = topology.weld(points[index])
    assert len(unique) == len(np.unique(index))
    np.testing.assert_array_equal(unique[inverse], points[index])


def test_weld_stays_exact_when_every_hash_collides(monkeypatch: pytest.MonkeyPatch) -> None:
    zero = np.uint64(0)
    monkeypatch.setattr(topology, "_MIX", (zero, zero, zero))
    rng = np.random.default_rng(3)
    points = rng.random((300, 3))
    index = rng.integers(0, len(points), 2000)
    unique, inverse = topology.weld(points[index])
    assert len(unique) == len(np.unique(index))
    np.testing.assert_array_equal(unique[inverse], points[index])


def test_weld_empty() -> None:
    unique, inverse = topology.weld(np.zeros((0, 3)))
    assert unique.shape == (0, 3)
    assert inverse.shape == (0,)


def test_edge_table_of_closed_cube() -> None:
    _, faces = cube()
    table = topology.edge_table(faces, 8)
    assert len(table.edges) == 18
    assert (table.counts == 2).all()
    assert table.non_manifold_count == 0
    assert len(table.boundary) == 0
    assert not table.inconsistent.any()
    assert (table.edges[:, 0] < table.edges[:, 1]).all()


def test_edge_table_open_flipped_and_nonmanifold() -> None:
    _, faces = cube()
    open_cube = topology.edge_table(faces[1:], 8)
    assert len(open_cube.boundary) == 3
    flipped = faces.copy()
    flipped[0] = flipped[0, ::-1]
    assert int(topology.edge_table(flipped, 8).inconsistent.sum()) == 3
    fan = np.array([[0, 1, 2], [0, 1, 3], [1, 0, 4]])  # edge 0-1 used three times
    table = topology.edge_table(fan, 5)
    assert table.non_manifold_count == 1
    assert len(table.boundary) == 6


def test_edge_table_ignores_collapsed_faces() -> None:
    table = topology.edge_table(np.array([[0, 0, 1], [2, 2, 2]]), 3)
    assert len(table.edges) == 0


def test_connected_components_labels_by_smallest_node() -> None:
    edges = np.array([[5, 6], [0, 1], [1, 2], [6, 7], [3, 2]])
    labels = topology.connected_components(9, edges)
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 4, 5, 5, 5, 8])
    members = np.zeros(9, dtype=bool)
    members[[0, 1, 5]] = True
    assert topology.count_components(9, edges, members) == 2
    assert topology.count_components(9, edges) == 4


def test_connected_components_long_path_in_random_order() -> None:
    rng = np.random.default_rng(1)
    perm = rng.permutation(20_000)
    edges = np.column_stack((perm[:-1], perm[1:]))[rng.permutation(19_999)]
    assert topology.count_components(20_000, edges) == 1


def test_boundary_loops_counts_each_hole() -> None:
    _, faces = cube()
    assert topology.boundary_loops(topology.edge_table(faces, 8).boundary) == 0
    top_and_bottom_removed = faces[4:]
    assert topology.boundary_loops(topology.edge_table(top_and_bottom_removed, 8).boundary) == 2


def test_volume_area_and_degenerate() -> None:
    vertices, faces = cube(2.0)
    corners = topology.face_corners(vertices, faces)
    cross = topology.doubled_area_vectors(corners)
    assert topology.signed_volume(corners) == pytest.approx(8.0)
    assert topology.signed_volume(corners, cross) == pytest.approx(8.0)
    assert topology.signed_volume(topology.face_corners(vertices, faces[:, ::-1])) == pytest.approx(-8.0)
    assert np.linalg.norm(cross, axis=1).sum() / 2 == pytest.approx(24.0)
    sliver = np.array([[[0, 0, 0], [1, 0, 0], [2, 0, 0]], [[0, 0, 0], [1, 0, 0], [0, 1, 0]]], dtype=float)
    collapsed = np.array([False, False])
    mask = topology.degenerate_faces(collapsed, topology.doubled_area_vectors(sliver), 3.0)
    np.testing.assert_array_equal(mask, [True, False])


def test_face_corners_soup_is_a_view() -> None:
    soup = np.arange(18, dtype=float).reshape(6, 3)
    faces = np.arange(6).reshape(2, 3)
    assert topology.is_triangle_soup(faces, 6)
    assert np.shares_memory(topology.face_corners(soup, faces), soup)
    assert not topology.is_triangle_soup(faces[::-1], 6)
