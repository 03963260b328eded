from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import ConvexHull
from scipy.spatial.transform import Rotation

from printforge_services.printability.printprep.orientation import (
    apply_orientation,
    best_orientation,
    candidate_directions,
)
from tests.printability.printprep.shapes import box, l_shape, prep, t_shape, tilted


def _oriented(part) -> tuple[np.ndarray, dict]:  # type: ignore[no-untyped-def]
    best = best_orientation(prep(part))["best"]
    turned = apply_orientation(np.asarray(part.vertices), best)
    assert turned[:, 2].min() == pytest.approx(0.0, abs=1e-9)  # lowered onto the plate
    return turned, best


def _oriented_size(part) -> tuple[np.ndarray, dict]:  # type: ignore[no-untyped-def]
    turned, best = _oriented(part)
    return turned.max(axis=0) - turned.min(axis=0), best


def test_a_tilted_box_is_laid_on_its_largest_face() -> None:
    turned, best = _oriented(tilted(box((40, 20, 10))))
    assert np.ptp(turned[:, 2]) == pytest.approx(10.0)
    # The shortest turn leaves the part's heading on the plate as it comes: its footprint is the face.
    assert ConvexHull(turned[:, :2]).volume == pytest.approx(800.0)
    assert best["contact_area_mm2"] == pytest.approx(800.0)
    assert best["support_volume_mm3"] == pytest.approx(0.0, abs=1e-6)


def test_a_tilted_l_lies_on_its_profile() -> None:
    size, best = _oriented_size(tilted(l_shape(), 1.1, (3, -1, 2)))
    assert size[2] == pytest.approx(6.0)
    assert best["contact_area_mm2"] == pytest.approx(40 * 8 + 22 * 8)


def test_a_cube_stands_on_a_face_not_on_a_corner() -> None:
    # By the 45-degree rule alone a cube balanced on a corner needs no support.
    size, best = _oriented_size(box((20, 20, 20)))
    assert best["contact_area_mm2"] == pytest.approx(400.0)
    assert size == pytest.approx([20, 20, 20])


def test_the_t_is_laid_down_with_less_support_than_as_placed() -> None:
    found = best_orientation(prep(t_shape()))
    assert found["current"]["support_volume_mm3"] == pytest.approx(4000)
    assert found["best"]["support_volume_mm3"] < 1.0


def test_rotation_matrix_and_quaternion_are_the_same_proper_rotation() -> None:
    best = best_orientation(prep(tilted(box((40, 20, 10)))))["best"]
    matrix = np.array(best["rotation_matrix"])
    assert np.allclose(matrix @ matrix.T, np.eye(3)) and np.linalg.det(matrix) == pytest.approx(1.0)
    w, x, y, z = best["quaternion_wxyz"]
    assert np.allclose(Rotation.from_quat([x, y, z, w]).as_matrix(), matrix)
    assert np.allclose(matrix @ np.array(best["down_vector"]), [0, 0, -1])


def test_an_already_best_part_is_not_turned() -> None:
    best = best_orientation(prep(box((40, 20, 10))))["best"]
    assert best["rotation_deg"] == pytest.approx(0.0, abs=1e-6)


def test_candidates_start_with_the_current_direction_and_are_distinct() -> None:
    directions = candidate_directions(prep(box((40, 20, 10))))
    assert np.allclose(directions[0], [0, 0, -1])
    cosines = directions @ directions.T - np.eye(len(directions)) * 2
    assert cosines.max() < np.cos(np.radians(0.5))
