"""shell.offset_shell: an open surface closed into a solid of exactly the requested wall."""

from __future__ import annotations

import numpy as np
import pytest

from printforge_services.printability.analyze import analyze
from printforge_services.printability.repair_steps.shell import offset_shell
from tests.printability import repair_fixtures as fx


def _closed(vertices: np.ndarray, faces: np.ndarray, wall: float) -> tuple[np.ndarray, np.ndarray]:
    new_vertices, new_faces = offset_shell(vertices, faces, wall)
    return np.concatenate([vertices, new_vertices]), np.concatenate([faces, new_faces])


def test_a_square_becomes_a_plate_of_the_wall_behind_it() -> None:
    v = np.array([[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0]], float)
    f = np.array([[0, 1, 2], [0, 2, 3]])
    vertices, faces = _closed(v, f, 2.0)
    report = analyze(fx.loaded(vertices, faces))
    assert report["status"] == "healthy" and report["extra"]["inconsistent_winding_edges"] == 0
    assert report["metrics"]["volume"] * 1e9 == pytest.approx(200.0, rel=1e-12)
    assert vertices[:, 2].min() == -2.0 and vertices[:, 2].max() == 0.0  # behind the +z normal
    np.testing.assert_array_equal(faces[:2], f)  # the input faces are kept as they were


def test_an_open_box_becomes_a_tray_with_walls_of_exactly_the_wall() -> None:
    """The mitre at the corners keeps every wall 1 mm: 20^3 - 18 x 18 x 19 mm^3 of material."""
    v, f = fx.open_box()
    vertices, faces = _closed(v, f, 1.0)  # normals outward: the wall goes inside
    report = analyze(fx.loaded(vertices, faces))
    assert report["status"] == "healthy"
    assert report["metrics"]["volume"] * 1e9 == pytest.approx(20**3 - 18 * 18 * 19, rel=1e-9)


def test_a_fold_keeps_the_wall_perpendicular_to_both_panels() -> None:
    """Two panels at right angles: the fold's vertices move by sqrt(2) walls along the bisector."""
    v = np.array([[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0], [10, 10, 10], [0, 10, 10]], float)
    f = np.array([[0, 1, 2], [0, 2, 3], [3, 2, 4], [3, 4, 5]])  # floor (+z) then wall (-y)
    vertices, faces = _closed(v, f, 1.0)
    report = analyze(fx.loaded(vertices, faces))
    assert report["status"] == "healthy"
    fold = vertices[len(v) + np.flatnonzero(np.isin(np.unique(f), [2, 3]))]
    np.testing.assert_allclose(fold[:, 1:], [[11.0, -1.0], [11.0, -1.0]])
    # An L of two 10 x 10 panels 1 mm thick: (10 x 11) + (10 x 10) - overlap counted once.
    assert report["metrics"]["volume"] * 1e9 == pytest.approx(10 * 10 + 10 * 11, rel=1e-9)
