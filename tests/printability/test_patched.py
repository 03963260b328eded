"""measure_patched(): the analysis of a measured mesh plus appended faces equals analysing it afresh."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from printforge_services.printability.analyze import analyze, measure
from printforge_services.printability.patched import measure_patched
from tests.printability import repair_fixtures as fx


def holed_sphere() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vertices, faces, removed faces) of an icosphere missing four faces."""
    s = trimesh.creation.icosphere(subdivisions=2, radius=20.0)
    removed = [3, 77, 150, 151]  # 150 and 151 share an edge: one larger hole
    return (
        np.asarray(s.vertices),
        np.delete(np.asarray(s.faces), removed, axis=0),
        np.asarray(s.faces)[removed],
    )


def _assert_same_report(patched: dict, fresh: dict) -> None:
    assert patched["status"] == fresh["status"]
    for key in ("issue_count", "error_count", "warning_count"):
        assert patched[key] == fresh[key], key
    for part in ("metrics", "extra"):
        assert list(patched[part]) == list(fresh[part])
        for key, value in fresh[part].items():
            if isinstance(value, float):
                assert patched[part][key] == pytest.approx(value, rel=1e-12, abs=1e-18), key
            else:
                assert patched[part][key] == value, key


def _check(vertices: np.ndarray, base: np.ndarray, patches: np.ndarray) -> None:
    """Patches (on the input's vertex ids) appended to the measured base: patched == fresh analysis."""
    measured = measure(fx.loaded(vertices, base))
    welded_id = np.full(len(vertices), -1)
    welded_id[base.ravel()] = measured.faces.ravel()  # the weld renumbers by first appearance
    faces = np.concatenate([measured.faces, welded_id[patches]])
    got = measure_patched(measured, faces)
    assert got is not None
    _assert_same_report(got.block, analyze(fx.loaded(measured.vertices, faces)))
    fresh = measure(fx.loaded(measured.vertices, faces))
    np.testing.assert_allclose(got.doubled_areas, fresh.doubled_areas, rtol=1e-12)


def test_filling_the_holes_closes_the_mesh() -> None:
    v, f, removed = holed_sphere()
    _check(v, f, removed)
    measured = measure(fx.loaded(v, f))
    assert measured.block["metrics"]["holes"] == 3
    welded_id = np.full(len(v), -1)
    welded_id[f.ravel()] = measured.faces.ravel()
    got = measure_patched(measured, np.concatenate([measured.faces, welded_id[removed]]))
    assert got is not None and got.block["status"] == "healthy"


def test_partial_fill_inconsistent_nonmanifold_and_degenerate_patches() -> None:
    v, f, removed = holed_sphere()
    patches = np.concatenate(
        [
            removed[:1],  # closes one hole
            removed[2:3, ::-1],  # half of the large hole, wound against its neighbours
            f[10:11],  # a copy of an existing face: three uses on its edges
            [[f[20, 0], f[20, 1], f[20, 1]]],  # collapsed
        ]
    )
    _check(v, f, patches)


def test_random_patches_match_a_fresh_analysis() -> None:
    v, f, _ = holed_sphere()
    rng = np.random.default_rng(4)
    near = np.unique(f[:40])  # a small vertex set, so random patches share edges with each other
    for _ in range(20):
        patches = rng.choice(near, size=(int(rng.integers(1, 12)), 3))
        _check(v, f, patches)


def test_no_patch_gives_the_measured_report() -> None:
    v, f, _ = holed_sphere()
    measured = measure(fx.loaded(v, f))
    got = measure_patched(measured, measured.faces)
    assert got is not None
    _assert_same_report(got.block, measured.block)


def test_declines_what_it_cannot_follow() -> None:
    v, f, _ = holed_sphere()
    measured = measure(fx.loaded(v, f))
    assert measure_patched(measured, measured.faces[1:]) is None, "an input face was dropped"
    flipped = measured.faces[:, ::-1]
    assert measure_patched(measured, flipped) is None, "input faces changed"
    beyond = np.array([[0, 1, len(measured.vertices)]])
    assert measure_patched(measured, np.concatenate([measured.faces, beyond])) is None, "a new vertex"
    stray = np.vstack([v, [[99.0, 99.0, 99.0]]])
    with_stray = measure(fx.loaded(stray, f))
    unused = np.array([[0, 1, len(stray) - 1]])
    assert measure_patched(with_stray, np.concatenate([with_stray.faces, unused])) is None, "unused vertex"
    two = measure(fx.loaded(*fx.two_cubes_one_inverted()))
    assert measure_patched(two, two.faces) is None, "several bodies"
