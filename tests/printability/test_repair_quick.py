"""The quick first repair cycle: same result as the full cycle when it applies, hands off when unsure."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from printforge_services.printability import repair as repair_module
from printforge_services.printability.repair import repair
from printforge_services.printability.repair_steps import nonmanifold, quick
from printforge_services.printability.repair_steps.work import WorkMesh
from tests.printability import repair_fixtures as fx


def sphere_with_holes(inside_out: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Icosphere missing three faces far apart (three triangular holes)."""
    s = trimesh.creation.icosphere(subdivisions=3, radius=20.0)
    faces = np.delete(np.asarray(s.faces), [0, 400, 900], axis=0)
    return np.asarray(s.vertices), faces[:, ::-1] if inside_out else faces


def holes_touching_at_a_vertex() -> tuple[np.ndarray, np.ndarray]:
    """Two faces of one vertex's fan removed, opposite each other: that vertex gets two boundary paths."""
    s = trimesh.creation.icosphere(subdivisions=2, radius=20.0)
    faces = np.asarray(s.faces)
    around = np.flatnonzero((faces == 0).any(axis=1))
    ring = [int(around[0])]
    while len(ring) < len(around):  # walk the fan of vertex 0 across shared edges
        last = set(faces[ring[-1]].tolist())
        ring.append(next(int(f) for f in around if f not in ring and len(last & set(faces[f].tolist())) == 2))
    return np.asarray(s.vertices), np.delete(faces, [ring[0], ring[len(ring) // 2]], axis=0)


def tets_sharing_a_vertex() -> tuple[np.ndarray, np.ndarray]:
    """Two closed tetrahedra touching at one vertex: edge-manifold, consistent, one vertex with two fans."""
    v = np.array(
        [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [-10, 0, 0], [0, -10, 0], [0, 0, -10]], float
    )
    tet = lambda a, b, c, d: [[a, c, b], [a, b, d], [b, c, d], [a, d, c]]  # noqa: E731
    m = trimesh.Trimesh(v, np.array(tet(0, 1, 2, 3) + tet(0, 4, 5, 6)), process=False)
    trimesh.repair.fix_normals(m, multibody=True)
    return v, np.asarray(m.faces)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []
    real = quick.run

    def recording(*args):  # type: ignore[no-untyped-def]
        calls.append(real(*args))
        return calls[-1]

    monkeypatch.setattr(quick, "run", recording)
    return calls


def _repair_both_ways(monkeypatch: pytest.MonkeyPatch, mesh: tuple[np.ndarray, np.ndarray]):  # type: ignore[no-untyped-def]
    calls = _spy(monkeypatch)
    fast = repair(fx.loaded(*mesh))
    monkeypatch.setattr(quick, "run", lambda *args: False)
    full = repair(fx.loaded(*mesh))
    return calls, fast, full


def _assert_same(fast, full) -> None:  # type: ignore[no-untyped-def]
    np.testing.assert_array_equal(fast.vertices, full.vertices)
    np.testing.assert_array_equal(fast.faces, full.faces)
    assert fast.changes == full.changes and fast.steps_ran == full.steps_ran
    assert fast.faithfulness == full.faithfulness
    assert fast.after["status"] == full.after["status"]
    for key, value in full.after["metrics"].items():  # the volume may differ in its last bits
        assert fast.after["metrics"][key] == pytest.approx(value, rel=1e-12), key


@pytest.mark.parametrize("inside_out", [False, True])
def test_quick_cycle_matches_the_full_cycle_on_a_holed_sphere(
    monkeypatch: pytest.MonkeyPatch, inside_out: bool
) -> None:
    calls, fast, full = _repair_both_ways(monkeypatch, sphere_with_holes(inside_out))
    assert calls == [True], "the quick cycle must apply to a sound surface with holes"
    _assert_same(fast, full)
    assert fast.healthy and fast.changes["fill_holes"] == 3
    assert ("orient_outward" in fast.steps_ran) is inside_out


def test_quick_cycle_matches_on_planar_holes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, fast, full = _repair_both_ways(monkeypatch, fx.cube_with_holes())
    assert calls == [True]
    _assert_same(fast, full)


def test_quick_cycle_drops_unused_vertices_like_the_full_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    v, f = sphere_with_holes()
    v = np.vstack([[99.0, 99.0, 99.0], v])  # an indexed file with a stray vertex no face uses
    calls, fast, full = _repair_both_ways(monkeypatch, (v, f + 1))
    assert calls == [True]
    _assert_same(fast, full)
    assert len(fast.vertices) == len(v) - 1


@pytest.mark.parametrize(
    "build",
    [
        fx.two_cubes_one_inverted,  # two bodies
        holes_touching_at_a_vertex,  # a vertex with two fans
        fx.degenerate_slivers,  # zero-area faces
        fx.duplicated_faces,  # non-manifold edges
        tets_sharing_a_vertex,  # two closed fans at one vertex
    ],
)
def test_quick_cycle_hands_over_when_a_precondition_fails(monkeypatch: pytest.MonkeyPatch, build) -> None:  # type: ignore[no-untyped-def]
    calls, fast, full = _repair_both_ways(monkeypatch, build())
    assert calls == [False]
    _assert_same(fast, full)


def test_quick_cycle_declines_inconsistent_winding(monkeypatch: pytest.MonkeyPatch) -> None:
    v, f = sphere_with_holes()
    f = f.copy()
    f[10] = f[10, ::-1]
    calls, fast, full = _repair_both_ways(monkeypatch, (v, f))
    assert calls == [False]
    _assert_same(fast, full)


def _welded(vertices: np.ndarray, faces: np.ndarray) -> WorkMesh:
    work = WorkMesh.from_arrays(vertices, faces)
    repair_module.cleanup.weld(work)
    return work


@pytest.mark.parametrize(
    ("build", "single"),
    [
        (lambda: fx.cube(), True),
        (sphere_with_holes, True),
        (lambda: sphere_with_holes(inside_out=True), True),
        (holes_touching_at_a_vertex, False),
        (tets_sharing_a_vertex, False),
    ],
)
def test_single_fans_agrees_with_split_fans(build, single: bool) -> None:  # type: ignore[no-untyped-def]
    vertices, faces = build()
    assert nonmanifold.single_fans(_welded(vertices, faces)) is single
    assert (nonmanifold.split_fans(_welded(vertices, faces)) == 0) is single


def test_single_fans_refuses_meshes_outside_its_preconditions() -> None:
    v, f = fx.duplicated_faces()  # edges used three times
    assert nonmanifold.single_fans(_welded(v, f)) is False
    v, f = fx.cube()
    f = f.copy()
    f[0] = f[0, ::-1]  # inconsistent winding
    assert nonmanifold.single_fans(_welded(v, f)) is False
