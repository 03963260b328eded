"""repair(): broken meshes built in code and every corpus mesh must come back healthy and faithful."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import trimesh

from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import LoadedMesh, load_mesh
from printforge_services.printability.repair import RepairError, repair
from printforge_services.printability.repair_steps import coplanar, holes
from printforge_services.printability.repair_steps.faithfulness import distance_to_surface
from printforge_services.printability.repair_steps.sampling import dense_points
from printforge_services.printability.repair_steps.work import WorkMesh
from tests.fixtures_meshes import binary_stl
from tests.printability import repair_fixtures as fx

BROKEN = {
    "cube_with_holes": fx.cube_with_holes,
    "sphere_with_wavy_hole": fx.sphere_with_wavy_hole,
    "two_cubes_one_inverted": fx.two_cubes_one_inverted,
    "tets_sharing_an_edge": fx.tets_sharing_an_edge,
    "sphere_soup": fx.sphere_soup,
    "duplicated_faces": fx.duplicated_faces,
    "degenerate_slivers": fx.degenerate_slivers,
}


def _check(before: tuple[np.ndarray, np.ndarray], result) -> None:  # type: ignore[no-untyped-def]
    after = analyze(fx.loaded(result.vertices, result.faces))
    assert after["status"] == "healthy", after["metrics"]
    assert after["metrics"]["volume"] > 0
    assert fx.faithful_p99(before, (result.vertices, result.faces)) <= 1.0
    assert fx.faithful_p99((result.vertices, result.faces), before) <= 5.0
    assert result.faithfulness["p99_input_to_output_pct"] <= 1.0
    assert result.faithfulness["p99_output_to_input_pct"] <= 5.0


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_fixture_repairs_healthy_and_faithful(name: str) -> None:
    mesh = BROKEN[name]()
    assert analyze(fx.loaded(*mesh))["status"] != "healthy"
    result = repair(fx.loaded(*mesh))
    _check(mesh, result)
    assert result.steps_ran


def test_every_body_is_kept_and_turned_outward() -> None:
    result = repair(fx.loaded(*fx.two_cubes_one_inverted()))
    after = analyze(fx.loaded(result.vertices, result.faces))
    assert after["extra"]["bodies"] == 2
    assert after["metrics"]["volume"] == pytest.approx(2 * 1000e-9, rel=1e-9)
    assert "orient_outward" in result.steps_ran


def test_tets_sharing_an_edge_stay_two_tets() -> None:
    result = repair(fx.loaded(*fx.tets_sharing_an_edge()))
    after = analyze(fx.loaded(result.vertices, result.faces))
    assert after["extra"]["bodies"] == 2
    assert len(result.faces) == 8
    assert "split_nonmanifold" in result.steps_ran


def test_holes_are_filled_without_new_vertices_on_planar_rims() -> None:
    v, f = fx.cube_with_holes()
    result = repair(fx.loaded(v, f))
    assert len(result.vertices) == len(np.unique(f)) and len(result.faces) == len(f) + 2
    assert result.changes["fill_holes"] == 2


def test_healthy_mesh_is_left_alone() -> None:
    v, f = fx.cube()
    result = repair(fx.loaded(v, f))
    assert result.before["status"] == "healthy"
    assert len(result.faces) == 12
    np.testing.assert_array_equal(np.sort(result.vertices, axis=0), np.sort(v, axis=0))
    assert result.faithfulness == {"p99_input_to_output_pct": 0.0, "p99_output_to_input_pct": 0.0}


def test_report_is_json_ready_and_progress_reaches_100() -> None:
    seen: list[int] = []
    result = repair(fx.loaded(*fx.cube_with_holes()), progress=seen.append)
    json.dumps(result.report())
    assert seen[-1] == 100 and seen == sorted(seen)
    assert result.report()["before"]["metrics"]["holes"] == 2


def test_mesh_without_triangles_is_refused() -> None:
    with pytest.raises(RepairError, match="no triangles"):
        repair(fx.loaded(np.zeros((3, 3)), np.zeros((0, 3), np.int64)))


CORPUS = sorted(p.name for p in (Path(__file__).resolve().parents[3] / "shared/corpus/meshes").glob("*"))


@pytest.mark.shared
@pytest.mark.parametrize("name", CORPUS or ["(corpus absent)"])
def test_corpus_mesh_repairs_healthy_and_faithful(shared_dir: Path, name: str) -> None:
    path = shared_dir / "corpus" / "meshes" / name
    mesh = load_mesh(path.read_bytes(), name)
    if not mesh.has_triangles:
        pytest.skip(f"{name} holds no triangles: nothing to repair")
    result = repair(mesh)
    _check((mesh.vertices, mesh.faces), result)


def _coarse_box(extents: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """A 12-triangle box centred on the origin, as a CAD exporter writes it."""
    box = trimesh.creation.box(extents=extents)
    return np.asarray(box.vertices), np.asarray(box.faces)


def _from_binary_stl(vertices: np.ndarray, faces: np.ndarray) -> LoadedMesh:
    return load_mesh(binary_stl(vertices, faces), "part.stl")


def test_coarse_cube_missing_a_triangle_repairs_to_the_exact_cube() -> None:
    """Half of one side missing (and another face duplicated): the fill is that exact triangle.

    Its distance from the input is 11 % of the diagonal, yet it only continues the side's other
    half in its own plane; the volumetric fallback would have returned a 0.4 mm hollow shell.
    """
    v, f = _coarse_box((20.0, 20.0, 20.0))
    broken = np.concatenate([np.delete(f, [3], axis=0), f[[7]]])
    result = repair(_from_binary_stl(v, broken))
    after = analyze(fx.loaded(result.vertices, result.faces))
    assert after["status"] == "healthy" and after["metrics"]["is_watertight"]
    assert after["metrics"]["volume"] * 1e9 == pytest.approx(8000.0, rel=1e-6)
    assert len(result.faces) == 12 and len(result.vertices) == 8
    assert result.steps_ran == ["weld", "remove_duplicate_faces", "fill_holes"]  # STL is a soup
    assert result.faithfulness["p99_output_to_input_pct"] == 0.0
    assert fx.faithful_p99((v, broken), (result.vertices, result.faces)) <= 1.0


def test_coarse_box_missing_triangles_on_two_sides_repairs_to_the_exact_box() -> None:
    v, f = _coarse_box((40.0, 20.0, 10.0))
    centre = v[f].mean(axis=1)
    removed = [int(np.argmin(centre[:, 0])), int(np.argmax(centre[:, 0]))]  # one on x-, one on x+
    assert not set(f[removed[0]]) & set(f[removed[1]])  # two separate holes
    result = repair(_from_binary_stl(v, np.delete(f, removed, axis=0)))
    after = analyze(fx.loaded(result.vertices, result.faces))
    assert after["status"] == "healthy"
    assert after["metrics"]["volume"] * 1e9 == pytest.approx(8000.0, rel=1e-6)
    assert len(result.faces) == 12 and result.changes["fill_holes"] == 2
    assert not any(step.startswith("volumetric") for step in result.steps_ran)


def _filled(vertices: np.ndarray, faces: np.ndarray) -> WorkMesh:
    work = WorkMesh.from_arrays(vertices, faces)
    holes.fill_holes(work)
    return work


def test_fill_of_a_missing_side_does_not_continue_any_face() -> None:
    """A box missing a whole side: the lid borders only perpendicular walls, so it counts as added
    surface (and the repair keeps going to the volumetric fallback, which keeps it an open box)."""
    v, f = _coarse_box((20.0, 20.0, 20.0))
    work = _filled(v, f[v[f].mean(axis=1)[:, 2] < 9.0])
    assert len(work.faces) == 12
    assert not coplanar.continuing_faces(work).any()


def test_fill_of_half_a_side_continues_the_other_half() -> None:
    v, f = _coarse_box((20.0, 20.0, 20.0))
    work = _filled(v, np.delete(f, [3], axis=0))
    assert coplanar.continuing_faces(work).tolist() == [False] * 11 + [True]


def test_back_of_a_sheet_does_not_continue_its_front() -> None:
    """Filling a lone square's rim gives its back: coplanar but facing the other way."""
    v = np.array([[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0]], float)
    work = _filled(v, np.array([[0, 1, 2], [0, 2, 3]]))
    assert len(work.faces) == 4
    assert not coplanar.continuing_faces(work).any()


def test_zero_area_models_are_refused_with_a_reason() -> None:
    point = fx.loaded(np.full((3, 3), 2.0), np.array([[0, 1, 2]]))
    line = fx.loaded(np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0]], float), np.array([[0, 1, 2]]))
    for mesh in (point, line):
        with pytest.raises(RepairError, match="no area"):
            repair(mesh)


def test_dense_sampling_of_a_zero_area_sliver_is_capped() -> None:
    """A collinear triangle: an area-based spacing of 1e-12 would need ~1e12 points."""
    v = np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0]], float)
    points, owner = dense_points(v, np.array([[0, 1, 2]]), 1e-12, max_points=10_000)
    assert 0 < len(points) <= 10_001 and (owner == 0).all()
    assert np.abs(points[:, 1:]).max() == 0.0 and points[:, 0].min() >= 0 and points[:, 0].max() <= 2
    assert distance_to_surface(np.array([[1.0, 3.0, 0.0]]), v, np.array([[0, 1, 2]]))[0] == 3.0


def _healthy_report(result) -> dict:  # type: ignore[no-untyped-def]
    """The analysis of a repair's output, which must be healthy and consistently wound."""
    after = analyze(fx.loaded(result.vertices, result.faces))
    assert after["status"] == "healthy", after["metrics"]
    assert after["metrics"]["is_watertight"] and after["extra"]["inconsistent_winding_edges"] == 0
    return after


def test_chair_of_single_sided_panels_becomes_panels_one_millimetre_thick() -> None:
    """Seat and back welded into an L, four L-angle legs: five sheets, five 1 mm shells.

    Filling their rims instead would close the seat and back into a solid wedge and each leg into
    a triangular column; none of the input surface may move (p99 input->output 0)."""
    mesh = fx.panel_chair()
    result = repair(fx.loaded(*mesh))
    after = _healthy_report(result)
    assert after["extra"]["bodies"] == 5
    assert result.shell_wall_mm == 1.0 and result.report()["shell_wall_mm"] == 1.0
    assert result.faithfulness["p99_input_to_output_pct"] == 0.0  # every panel face is kept
    assert result.faithfulness["p99_output_to_input_pct"] <= 5.0
    assert fx.faithful_p99(mesh, (result.vertices, result.faces)) <= 1.0
    _assert_panels_of_wall(after, 1.0)
    assert not any(step.startswith("volumetric") for step in result.steps_ran)


def _assert_panels_of_wall(after: dict, wall: float) -> None:
    """The chair's volume: its 4840 mm^2 of panels times the wall, plus or minus wall^2 times the
    length of each fold (the seat's 40 mm and the legs' 4 x 45 mm), by the side the wall is on."""
    folds = 40 + 4 * 45
    volume = after["metrics"]["volume"] * 1e9
    assert 4840 * wall - folds * wall**2 - 1e-6 <= volume <= 4840 * wall + folds * wall**2 + 1e-6


def test_min_wall_sets_the_thickness_of_sheets_up_to_a_share_of_the_diagonal() -> None:
    thick = repair(fx.loaded(*fx.panel_chair()), min_wall=2.0)
    assert thick.shell_wall_mm == 2.0
    _assert_panels_of_wall(_healthy_report(thick), 2.0)
    v, f = fx.panel_chair()
    tiny = repair(fx.loaded(v / 100.0, f))  # a 1 mm chair: a 1 mm wall would swallow it
    diagonal = np.linalg.norm(np.ptp(v / 100.0, axis=0))
    assert tiny.shell_wall_mm == pytest.approx(0.03 * diagonal)
    _healthy_report(tiny)
    assert tiny.faithful


@pytest.mark.parametrize("wall", [0.0, -1.0, float("nan"), float("inf")])
def test_a_wall_that_is_not_a_positive_length_is_refused(wall: float) -> None:
    with pytest.raises(RepairError, match="minimum wall"):
        repair(fx.loaded(*fx.panel_chair()), min_wall=wall)


def test_house_of_intersecting_walls_keeps_every_part_where_it_was() -> None:
    """Slab, four overlapping walls, an open inside-out inner wall and a two-plane gable roof.

    Seven bodies come back: the slab's top, shared with the walls standing on it, is cut loose
    by the non-manifold step and redundant once the slab is closed; the roof is shelled, not
    closed into an attic, and no volumetric remesh bridges the gaps between the walls."""
    mesh = fx.intersecting_house()
    result = repair(fx.loaded(*mesh))
    after = _healthy_report(result)
    assert after["extra"]["bodies"] == 7
    assert result.faithfulness["p99_input_to_output_pct"] <= 0.01
    assert result.faithfulness["p99_output_to_input_pct"] <= 5.0
    assert fx.faithful_p99(mesh, (result.vertices, result.faces)) <= 1.0
    assert fx.faithful_p99((result.vertices, result.faces), mesh) <= 5.0
    assert result.shell_wall_mm == 1.0
    assert not any(step.startswith("volumetric") for step in result.steps_ran)


def test_box_missing_its_top_becomes_a_tray_not_a_filled_or_remeshed_box() -> None:
    result = repair(fx.loaded(*fx.open_box()))
    after = _healthy_report(result)
    assert after["metrics"]["volume"] * 1e9 == pytest.approx(20**3 - 18 * 18 * 19, rel=1e-9)
    assert result.steps_ran == ["shell_open_bodies"]
    assert result.faithfulness["p99_input_to_output_pct"] == 0.0


def test_soup_of_a_welded_mesh_in_disguise_comes_back_as_that_mesh() -> None:
    """Unwelded, half flipped, a tenth removed: the exact weld, the winding and the hole filler
    restore the torus; nothing is split off, shelled or remeshed."""
    v, f = fx.torus_soup(major_sections=100, minor_sections=80)
    torus = trimesh.creation.torus(
        major_radius=40.0, minor_radius=12.0, major_sections=100, minor_sections=80
    )
    result = repair(fx.loaded(v, f))
    after = _healthy_report(result)
    assert after["extra"]["bodies"] == 1
    assert set(result.steps_ran) <= {"weld", "orient_consistently", "fill_holes", "split_nonmanifold"}
    assert len(result.faces) == pytest.approx(len(torus.faces), rel=0.01)
    assert after["metrics"]["volume"] * 1e9 == pytest.approx(torus.volume, rel=2e-3)
    assert result.faithfulness["p99_input_to_output_pct"] == 0.0
    assert fx.faithful_p99((result.vertices, result.faces), (v, f)) <= 1.0
