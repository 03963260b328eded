from __future__ import annotations

import numpy as np
import pytest
import trimesh

from printforge_services.printability.printprep.thin_walls import local_thickness, thin_walls
from tests.printability.printprep.shapes import box, prep, union


def test_a_plate_thinner_than_the_nozzle_is_one_region_with_its_thickness() -> None:
    report = thin_walls(prep(box((20, 20, 0.3))), nozzle_mm=0.4)
    assert report["regions_total"] == 1
    (region,) = report["regions"]
    assert region["min_thickness_mm"] == pytest.approx(0.3, abs=1e-5)
    assert report["min_thickness_mm"] == pytest.approx(0.3, abs=1e-5)
    assert region["area_mm2"] == pytest.approx(800.0)  # top and bottom: one wall, joined by their rays
    assert region["bounding_box_mm"]["min"] == pytest.approx([-10, -10, -0.15])
    assert report["unmeasured_faces"] == 0


def test_a_plate_thicker_than_the_nozzle_has_no_thin_wall() -> None:
    report = thin_walls(prep(box((20, 20, 0.5))), nozzle_mm=0.4)
    assert report["thin_faces"] == 0 and report["regions"] == [] and report["min_thickness_mm"] is None


def test_a_thin_fin_on_a_block_is_found_where_it_is() -> None:
    part = union(box((20, 20, 10), (0, 0, 5)), box((0.25, 10, 5), (0, 0, 12.5)))
    report = thin_walls(prep(part), nozzle_mm=0.4)
    assert report["regions_total"] == 1
    region = report["regions"][0]
    assert region["min_thickness_mm"] == pytest.approx(0.25, abs=1e-5)
    assert region["bounding_box_mm"]["min"][2] >= 10.0 - 1e-9  # the fin, not the block


def test_a_thin_pin_is_measured_across_its_diameter() -> None:
    pin = trimesh.creation.cylinder(radius=0.15, height=5, sections=32)
    report = thin_walls(prep(pin), nozzle_mm=0.4)
    across_flats = 0.3 * np.cos(np.pi / 32)
    assert report["min_thickness_mm"] == pytest.approx(across_flats, abs=1e-4)


def test_separate_walls_are_separate_regions_thinnest_first() -> None:
    part = trimesh.util.concatenate([box((10, 10, 0.35)), box((10, 10, 0.2), (30, 0, 0))])
    regions = thin_walls(prep(part), nozzle_mm=0.4)["regions"]
    assert [r["min_thickness_mm"] for r in regions] == pytest.approx([0.2, 0.35], abs=1e-5)


def test_rays_that_escape_an_open_mesh_are_counted_not_guessed() -> None:
    plate = box((20, 20, 0.3))
    bottom = plate.face_normals[:, 2] < -0.5
    open_plate = trimesh.Trimesh(plate.vertices, plate.faces[~bottom], process=False)
    thickness, exited = local_thickness(prep(open_plate))
    report = thin_walls(prep(open_plate), nozzle_mm=0.4)
    assert report["thin_faces"] == 0  # the top's rays leave through the missing bottom
    assert report["unmeasured_faces"] >= 2
    assert (
        np.isinf(thickness).sum() == report["unmeasured_faces"] and (exited[np.isinf(thickness)] == -1).all()
    )


def test_an_inside_out_plate_is_measured_from_the_material_side() -> None:
    plate = box((20, 20, 0.3))
    inverted = trimesh.Trimesh(plate.vertices, plate.faces[:, ::-1], process=False)
    assert thin_walls(prep(inverted), nozzle_mm=0.4)["min_thickness_mm"] == pytest.approx(0.3, abs=1e-5)
