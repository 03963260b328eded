from __future__ import annotations

import numpy as np
import pytest
import trimesh

from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import LoadedMesh
from printforge_services.printability.printprep.supports import estimate_supports
from tests.printability.printprep.shapes import bridge, c_shape, prep, t_shape, tilted

DOWN = np.array([0.0, 0.0, -1.0])


def test_a_t_shape_overhangs_its_bar_minus_the_stem_down_to_the_plate() -> None:
    estimate = estimate_supports(prep(t_shape()), DOWN)
    assert estimate.overhang_area_mm2 == pytest.approx(30 * 10 - 10 * 10)
    assert estimate.support_volume_mm3 == pytest.approx(200 * 20)
    assert estimate.contact_area_mm2 == pytest.approx(100)  # the stem's foot


def test_a_bridge_span_is_supported_between_its_pillars() -> None:
    estimate = estimate_supports(prep(bridge()), DOWN)
    assert estimate.overhang_area_mm2 == pytest.approx(30 * 10 - 2 * 5 * 10)
    assert estimate.support_volume_mm3 == pytest.approx(200 * 10)


def test_support_stops_on_the_part_below() -> None:
    estimate = estimate_supports(prep(c_shape()), DOWN)
    assert estimate.overhang_area_mm2 == pytest.approx(25 * 10)
    assert estimate.support_volume_mm3 == pytest.approx(250 * (12 - 2))  # roof underside to base top


def test_upside_down_the_t_needs_none() -> None:
    estimate = estimate_supports(prep(t_shape()), -DOWN)
    assert estimate.overhang_area_mm2 == 0 and estimate.support_volume_mm3 == 0
    assert estimate.contact_area_mm2 == pytest.approx(300)


def test_any_direction_is_the_same_as_turning_the_part() -> None:
    part = tilted(t_shape())
    matrix = trimesh.transformations.rotation_matrix(0.7, (1, 2, 3))[:3, :3]
    down = matrix @ DOWN  # the tilted part's own "down"
    estimate = estimate_supports(prep(part), down)
    assert estimate.overhang_area_mm2 == pytest.approx(200)
    assert estimate.support_volume_mm3 == pytest.approx(4000)


def test_the_current_orientation_agrees_with_the_analyzers_overhang_area() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=3, radius=10)
    sphere.apply_translation((0, 0, 10))
    block = analyze(LoadedMesh(sphere.vertices, sphere.faces, 1e-3, "stl", True))
    assert estimate_supports(prep(sphere), DOWN).overhang_area_mm2 == pytest.approx(
        block["extra"]["overhang_area_mm2"]
    )


def test_a_sample_of_the_rays_estimates_the_full_sum() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=5, radius=10)
    mesh = prep(sphere)
    full = estimate_supports(mesh, DOWN)
    sampled = estimate_supports(mesh, DOWN, max_rays=500)
    assert full.overhang_faces > 500
    assert sampled.overhang_area_mm2 == full.overhang_area_mm2  # the area never samples
    assert sampled.support_volume_mm3 == pytest.approx(full.support_volume_mm3, rel=0.05)
