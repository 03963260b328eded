"""repair(): broken meshes built in code and every corpus mesh must come back healthy and faithful."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from services.printability.analyze import analyze
from services.printability.mesh_io import load_mesh
from services.printability.repair import RepairError, repair
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
