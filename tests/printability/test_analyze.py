"""The analyzer against the metrics contract: the shared corpus, and meshes built in code."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import LoadedMesh, load_mesh
from printforge_services.printability.printers import UnknownPrinterError
from tests.conftest import SHARED_DIR
from tests.fixtures_meshes import cube

CORPUS_FILES = (
    sorted(p.name for p in (SHARED_DIR / "corpus" / "meshes").glob("*")) if SHARED_DIR.is_dir() else []
)
MESHY_KEYS = ["_version", "status", "issue_count", "error_count", "warning_count", "metrics", "evaluated_at"]


def mesh_of(vertices: np.ndarray, faces: np.ndarray) -> LoadedMesh:
    faces = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    return LoadedMesh(np.asarray(vertices, dtype=float), faces, 0.001, "stl", bool(len(faces)))


def tet() -> tuple[np.ndarray, np.ndarray]:
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    return vertices, np.array([[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]])


@pytest.mark.shared
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_matches_expected(shared_dir: Path, name: str) -> None:
    expected = json.loads((shared_dir / "corpus" / "expected-printability.json").read_text())[name]
    result = analyze(load_mesh((shared_dir / "corpus" / "meshes" / name).read_bytes(), name))
    assert result["_version"] == "v1"
    assert result["status"] == expected["status"]
    if "metrics" not in expected:
        assert set(result) == {"_version", "status", "evaluated_at"}
        return
    for key in ("issue_count", "error_count", "warning_count"):
        assert result[key] == expected[key], key
    got = result["metrics"]
    assert list(got) == list(expected["metrics"])
    for key, value in expected["metrics"].items():
        if key == "volume":
            assert math.isclose(got[key], value, rel_tol=1e-6), (got[key], value)
        else:
            assert got[key] == value and type(got[key]) is type(value), key


def test_corpus_covers_every_expected_file(shared_dir: Path) -> None:
    expected = json.loads((shared_dir / "corpus" / "expected-printability.json").read_text())
    assert sorted(expected) == CORPUS_FILES


def test_healthy_cube_block_shape_and_extras() -> None:
    before = int(time.time() * 1000)
    result = analyze(mesh_of(*cube(10.0)))
    assert list(result) == [*MESHY_KEYS, "extra"]
    assert result["status"] == "healthy"
    assert (result["issue_count"], result["error_count"], result["warning_count"]) == (0, 0, 0)
    metrics = result["metrics"]
    assert metrics["is_watertight"] is True
    assert metrics["volume"] == pytest.approx(1e-6)
    assert (metrics["holes"], metrics["non_manifold_edges"], metrics["degenerate_faces"]) == (0, 0, 0)
    assert before <= result["evaluated_at"] <= int(time.time() * 1000)
    extra = result["extra"]
    assert extra["bodies"] == 1
    assert extra["bounding_box_mm"] == {"min": [0, 0, 0], "max": [10, 10, 10], "size": [10, 10, 10]}
    assert extra["surface_area_mm2"] == pytest.approx(600.0)
    assert extra["inconsistent_winding_edges"] == 0
    assert extra["overhang_area_mm2"] == 0.0, "the bottom face rests on the bed"
    assert extra["fits_printer"] is None
    json.dumps(result)


def test_cube_with_a_face_removed_has_one_hole() -> None:
    vertices, faces = cube(10.0)
    result = analyze(mesh_of(vertices, faces[1:]))
    assert result["status"] == "error"
    assert result["metrics"]["is_watertight"] is False
    assert result["metrics"]["holes"] == 1
    assert (result["error_count"], result["warning_count"]) == (1, 1)


def test_inside_out_cube_has_negative_volume() -> None:
    vertices, faces = cube(10.0)
    result = analyze(mesh_of(vertices, faces[:, ::-1]))
    assert result["metrics"]["volume"] == pytest.approx(-1e-6)
    assert result["metrics"]["is_watertight"] is True
    assert (result["status"], result["error_count"], result["warning_count"]) == ("error", 1, 0)


def test_two_tets_sharing_an_edge_are_non_manifold() -> None:
    vertices, faces = tet()
    mirrored = vertices * [-1, -1, 1]  # shares the edge (0,0,0)-(0,0,1); mirroring keeps it outward
    both = np.vstack([vertices, mirrored])
    result = analyze(mesh_of(both, np.vstack([faces, faces + 4])))
    metrics = result["metrics"]
    assert metrics["non_manifold_edges"] == 1
    assert metrics["is_watertight"] is True
    assert metrics["volume"] > 0
    assert (result["status"], result["error_count"]) == ("error", 1)
    assert result["extra"]["bodies"] == 1


def test_degenerate_sliver_is_a_warning() -> None:
    vertices, faces = cube(10.0)
    with_sliver = np.vstack([faces, [[0, 0, 1]]])  # repeated index: degenerate, adds no edge
    result = analyze(mesh_of(vertices, with_sliver))
    assert result["metrics"]["degenerate_faces"] == 1
    assert (result["status"], result["error_count"], result["warning_count"]) == ("warning", 0, 1)

    flat = np.vstack([vertices, [[3, 0, 0]]])  # collinear distinct points: zero area
    result = analyze(mesh_of(flat, np.vstack([faces, [[0, 1, 8]]])))
    assert result["metrics"]["degenerate_faces"] == 1
    assert result["metrics"]["is_watertight"] is False


def test_unwelded_soup_is_welded_before_counting() -> None:
    vertices, faces = cube(10.0)
    soup = vertices[faces].reshape(-1, 3)
    result = analyze(mesh_of(soup, np.arange(len(soup)).reshape(-1, 3)))
    assert result["status"] == "healthy"


def test_second_body_overhang_and_winding() -> None:
    vertices, faces = cube(10.0)
    raised = vertices + np.array([20.0, 0.0, 20.0])
    flipped = faces.copy()
    flipped[4] = flipped[4, ::-1]  # a side face: its flipped normal is horizontal, not an overhang
    result = analyze(mesh_of(np.vstack([vertices, raised]), np.vstack([faces, flipped + 8])))
    extra = result["extra"]
    assert extra["bodies"] == 2
    assert extra["overhang_area_mm2"] == pytest.approx(100.0), "only the raised cube's bottom overhangs"
    assert extra["inconsistent_winding_edges"] == 3
    assert extra["bounding_box_mm"]["size"] == [30, 10, 30]


def test_fits_printer() -> None:
    small = analyze(mesh_of(*cube(100.0)), printer="prusa mk4")
    assert small["extra"]["fits_printer"] == {
        "printer": "Prusa MK4",
        "build_volume_mm": [250.0, 210.0, 220.0],
        "fits": True,
    }
    vertices, faces = cube(1.0)
    long_in_y = vertices * [200, 240, 100]  # fits MK4 only turned 90 degrees on the bed
    assert analyze(mesh_of(long_in_y, faces), printer="Prusa MK4")["extra"]["fits_printer"]["fits"] is True
    big = analyze(mesh_of(*cube(300.0)), printer="Prusa MK4")
    assert big["extra"]["fits_printer"]["fits"] is False
    custom = analyze(mesh_of(*cube(100.0)), build_volume_mm=(120, 120, 90))["extra"]["fits_printer"]
    assert custom == {"printer": None, "build_volume_mm": [120.0, 120.0, 90.0], "fits": False}
    with pytest.raises(UnknownPrinterError):
        analyze(mesh_of(*cube(10.0)), printer="no such printer")


def test_no_triangles_is_unknown() -> None:
    result = analyze(mesh_of(np.array([[0.0, 0, 0], [1, 1, 1]]), np.zeros((0, 3))))
    assert set(result) == {"_version", "status", "evaluated_at"}
    assert result["status"] == "unknown"
