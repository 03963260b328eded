"""The blocked, first-appearance topology helpers against straightforward reference implementations.

`CHUNK` is shrunk so that small meshes cross many block boundaries, where an off-by-one would hide on
meshes smaller than one block.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import trimesh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components

from printforge_services.printability import topology
from printforge_services.printability.analyze import analyze, measure
from tests.printability import repair_fixtures as fx


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topology, "CHUNK", 7)


def test_blocks_cover_the_range_once() -> None:
    covered = [i for rows in topology.blocks(23) for i in range(rows.start, rows.stop)]
    assert covered == list(range(23))
    assert [rows.stop - rows.start for rows in topology.blocks(23, 10)] == [10, 10, 3]
    assert list(topology.blocks(0)) == []


def test_weld_numbers_vertices_by_first_appearance() -> None:
    rng = np.random.default_rng(5)
    points = rng.random((40, 3))
    index = rng.integers(0, len(points), 500)
    unique, inverse = topology.weld(points[index])
    first_seen = list(dict.fromkeys(index.tolist()))
    np.testing.assert_array_equal(unique, points[first_seen])
    np.testing.assert_array_equal(unique[inverse], points[index])
    seen_before = np.maximum.accumulate(np.concatenate([[-1], inverse[:-1]]))
    assert (inverse <= seen_before + 1).all(), "a new id is always the next unused one"


def test_weld_of_a_soup_gives_the_indexed_mesh() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=2)
    soup = sphere.vertices[sphere.faces].reshape(-1, 3)
    unique, inverse = topology.weld(soup)
    assert len(unique) == len(sphere.vertices)
    np.testing.assert_array_equal(unique[inverse].reshape(-1, 3, 3), sphere.vertices[sphere.faces])


def test_weld_of_float32_corners_in_strided_records() -> None:
    """(m, 3, 3) float32 corners read in place from 50-byte STL records weld like their float64 copy."""
    sphere = trimesh.creation.icosphere(subdivisions=2)
    corners = sphere.vertices[sphere.faces].astype(np.float32)
    corners[0, 0] = corners[5, 1] = (0.0, -0.0, 1.0)  # -0.0 and 0.0 are one point
    corners[3, 2] = (0.0, 0.0, 1.0)
    records = np.zeros(len(corners), dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
    records["v"] = corners
    strided = np.frombuffer(records.tobytes(), dtype=records.dtype)["v"]
    assert not strided.flags.c_contiguous
    unique, inverse = topology.weld(strided)
    reference, reference_inverse = topology.weld(corners.astype(np.float64).reshape(-1, 3))
    assert unique.dtype == np.float64
    np.testing.assert_array_equal(unique, reference)
    np.testing.assert_array_equal(inverse, reference_inverse)
    np.testing.assert_array_equal(unique[inverse], corners.reshape(-1, 3).astype(np.float64) + 0.0)
    assert inverse[0] == inverse[3 * 5 + 1] == inverse[3 * 3 + 2]


def test_edge_table_matches_a_counter() -> None:
    v, f = fx.sphere_with_wavy_hole()
    f = np.concatenate([f, f[:5], f[7:9, ::-1], [[0, 0, 1]]])  # non-manifold, inconsistent, collapsed
    table = topology.edge_table(f, len(v))
    uses: Counter[tuple[int, int]] = Counter()
    directions: dict[tuple[int, int], list[bool]] = {}
    for a, b, c in f.tolist():
        if len({a, b, c}) < 3:
            continue
        for u, w in ((a, b), (b, c), (c, a)):
            key = (min(u, w), max(u, w))
            uses[key] += 1
            directions.setdefault(key, []).append(u < w)
    assert [tuple(e) for e in table.edges.tolist()] == sorted(uses)
    assert table.counts.tolist() == [uses[k] for k in sorted(uses)]
    same_way = [len(d) == 2 and d[0] == d[1] for d in (directions[k] for k in sorted(uses))]
    assert table.inconsistent.tolist() == same_way


def test_connected_components_match_scipy_on_random_graphs() -> None:
    rng = np.random.default_rng(11)
    for n, m in ((50, 20), (300, 280), (2000, 3000)):
        edges = rng.integers(0, n, (m, 2))
        labels = topology.connected_components(n, edges)
        graph = coo_matrix((np.ones(m), (edges[:, 0], edges[:, 1])), shape=(n, n))
        count, reference = scipy_components(graph, directed=False)
        assert len(np.unique(labels)) == count
        # Same partition, and each label is the smallest node of its component.
        for component in range(count):
            members = np.flatnonzero(reference == component)
            assert (labels[members] == members.min()).all()


def test_bounds_and_doubled_areas() -> None:
    v, f = fx.sphere_with_wavy_hole()
    lo, hi = topology.bounds(v)
    np.testing.assert_array_equal(lo, v.min(axis=0))
    np.testing.assert_array_equal(hi, v.max(axis=0))
    corners = v[f]
    expected = np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1)
    np.testing.assert_allclose(topology.doubled_areas(v, f), expected, rtol=1e-12)
    np.testing.assert_allclose(
        topology.doubled_area_vectors(corners),
        np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]),
        rtol=1e-12,
    )


def test_measure_keeps_the_welded_mesh_it_analyzed() -> None:
    v, f = fx.sphere_with_wavy_hole()
    soup = fx.loaded(v[f].reshape(-1, 3), np.arange(3 * len(f)).reshape(-1, 3))
    measured = measure(soup)
    block = analyze(soup)
    assert {k: block[k] for k in block if k != "evaluated_at"} == {
        k: measured.block[k] for k in measured.block if k != "evaluated_at"
    }
    assert len(measured.vertices) == len(np.unique(f))
    np.testing.assert_array_equal(measured.vertices[measured.faces], v[f])
    np.testing.assert_allclose(measured.doubled_areas, topology.doubled_areas(v, f), rtol=1e-12)
    lo, hi = topology.bounds(v[np.unique(f)])
    assert measured.diagonal == pytest.approx(float(np.linalg.norm(hi - lo)), rel=1e-12)
