"""Gridfinity bin and baseplate match the published spec, measured on the generated solid.

The spec numbers are written out here on purpose (not imported from the implementation),
so a wrong constant in the generator fails these tests.
"""

from __future__ import annotations

import itertools
from typing import Any

import cadquery as cq
import pytest
from OCP.BRepAdaptor import BRepAdaptor_Surface

from printforge_services.generator.catalog import get_template
from printforge_services.generator.render import tight_bbox
from printforge_services.generator.solids import single_solid

# (inset from the outer outline, z) of the bin foot: 0.8 chamfer, 1.8 vertical, 2.15 chamfer
FOOT = [(2.95, 0.0), (2.15, 0.8), (2.15, 2.6), (0.0, 4.75)]
# baseplate socket, top down: 2.15 chamfer, 1.8 vertical, 0.7 chamfer
SOCKET = [(2.85, 0.0), (2.15, 0.7), (2.15, 2.5), (0.0, 4.65)]
# stacking lip above the body top: 0.7 chamfer, 1.8 vertical, 1.9 chamfer (the generator rounds
# off the last 0.4 mm into a flat rim, so only z <= 4.0 is probed)
LIP = [(2.6, 0.0), (1.9, 0.7), (1.9, 2.5), (0.0, 4.4)]


def build(template_id: str, **values: Any) -> cq.Solid:
    template = get_template("starter", template_id)
    return single_solid(template.build(template.resolve(values)))


def inset_at(profile: list[tuple[float, float]], z: float) -> float:
    for (i0, z0), (i1, z1) in itertools.pairwise(profile):
        if z0 <= z <= z1:
            return i0 + (i1 - i0) * (z - z0) / (z1 - z0)
    raise ValueError(z)


def inside(solid: cq.Solid, x: float, y: float, z: float) -> bool:
    return solid.isInside(cq.Vector(x, y, z), 1e-4)


@pytest.fixture(scope="module")
def plain_bin() -> cq.Solid:
    return build("gridfinity_bin", grid_x=1, grid_y=1, height_units=3, magnet_holes=True, screw_holes=True)


@pytest.mark.parametrize(
    ("nx", "ny", "units", "lip", "expected"),
    [
        (1, 1, 3, True, (41.5, 41.5, 21 + 4.4)),
        (2, 3, 5, True, (83.5, 125.5, 35 + 4.4)),
        (3, 1, 2, False, (125.5, 41.5, 14.0)),
    ],
)
def test_bin_outside_is_42n_minus_half_mm_and_7mm_units(
    nx: int, ny: int, units: int, lip: bool, expected: tuple[float, float, float]
) -> None:
    solid = build("gridfinity_bin", grid_x=nx, grid_y=ny, height_units=units, stacking_lip=lip)
    x0, y0, z0, x1, y1, z1 = tight_bbox(solid)
    assert (x1 - x0, y1 - y0, z1 - z0) == pytest.approx(expected, abs=1e-3)
    assert z0 == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("z", [0.05, 0.4, 0.8, 1.5, 2.6, 3.5, 4.7])
def test_bin_foot_profile_is_0_8_plus_1_8_plus_2_15(plain_bin: cq.Solid, z: float) -> None:
    half = 41.5 / 2 - inset_at(FOOT, z)
    # probe along the X axis through the cell centre line (y = 0): the profile is straight there
    assert inside(plain_bin, half - 0.05, 0, z)
    assert not inside(plain_bin, half + 0.05, 0, z)


def test_bin_body_is_full_width_above_the_foot(plain_bin: cq.Solid) -> None:
    assert inside(plain_bin, 41.5 / 2 - 0.05, 0, 4.8)
    assert not inside(plain_bin, 41.5 / 2 + 0.05, 0, 4.8)


def test_feet_of_neighbouring_cells_are_separate_below_4_75(plain_bin: cq.Solid) -> None:
    solid = build("gridfinity_bin", grid_x=2, grid_y=1, magnet_holes=False)
    assert not inside(solid, 0, 0, 2.0)  # gap between the two feet on the cell border
    assert inside(solid, 0, 0, 5.0)


@pytest.mark.parametrize("z", [0.3, 1.5, 3.0, 3.9])
def test_stacking_lip_profile(plain_bin: cq.Solid, z: float) -> None:
    top = 21.0
    wall_inner = 41.5 / 2 - inset_at(LIP, z)
    assert inside(plain_bin, wall_inner + 0.05, 0, top + z)
    assert not inside(plain_bin, wall_inner - 0.05, 0, top + z)


def test_magnet_holes_6_5_by_2_4_at_13mm_from_cell_centre(plain_bin: cq.Solid) -> None:
    for sx in (-1, 1):
        for sy in (-1, 1):
            cx, cy = 13.0 * sx, 13.0 * sy
            assert not inside(plain_bin, cx, cy, 0.5)
            assert not inside(plain_bin, cx + 3.2, cy, 1.0)  # within r = 3.25
            assert inside(plain_bin, cx + 3.3, cy, 1.0)
            assert not inside(plain_bin, cx, cy + 3.2, 2.35)  # magnet pocket is 2.4 deep
            assert inside(plain_bin, cx + 2.0, cy, 2.45)  # above the pocket, beside the screw


def test_screw_holes_3mm_coaxial_with_magnets(plain_bin: cq.Solid) -> None:
    assert not inside(plain_bin, 13.0 + 1.45, 13.0, 4.0)
    assert inside(plain_bin, 13.0 + 1.55, 13.0, 4.0)


def test_magnet_hole_faces_have_the_spec_radius() -> None:
    solid = build("gridfinity_bin", grid_x=2, grid_y=2, magnet_holes=True, screw_holes=False)
    radii = [
        round(BRepAdaptor_Surface(face.wrapped).Cylinder().Radius(), 4)
        for face in solid.Faces()
        if face.geomType() == "CYLINDER"
    ]
    assert radii.count(3.25) == 4 * 4


def test_no_holes_when_disabled() -> None:
    solid = build("gridfinity_bin", grid_x=1, grid_y=1, magnet_holes=False, screw_holes=False)
    assert inside(solid, 13.0, 13.0, 0.5)


def test_dividers_and_label_tab() -> None:
    plain = build("gridfinity_bin", grid_x=2, grid_y=1, height_units=4, magnet_holes=False)
    fancy = build(
        "gridfinity_bin",
        grid_x=2,
        grid_y=1,
        height_units=4,
        magnet_holes=False,
        dividers_x=1,
        dividers_y=1,
        label_tab=True,
    )
    assert not inside(plain, 0, -10, 15) and inside(fancy, 0, -10, 15)  # x divider at x = 0
    assert not inside(plain, 20, 0, 15) and inside(fancy, 20, 0, 15)  # y divider at y = 0
    back_wall = 41.5 / 2 - 1.2
    assert not inside(plain, 30, back_wall - 5, 27) and inside(fancy, 30, back_wall - 5, 27)  # tab


@pytest.mark.parametrize(("nx", "ny"), [(1, 1), (3, 2)])
def test_baseplate_is_42n_by_4_65(nx: int, ny: int) -> None:
    x0, y0, z0, x1, y1, z1 = tight_bbox(build("gridfinity_baseplate", grid_x=nx, grid_y=ny))
    assert (x1 - x0, y1 - y0, z1 - z0) == pytest.approx((42.0 * nx, 42.0 * ny, 4.65), abs=1e-3)


@pytest.mark.parametrize("z", [0.2, 0.7, 1.5, 2.5, 4.0])
def test_baseplate_socket_profile(z: float) -> None:
    plate = build("gridfinity_baseplate", grid_x=1, grid_y=1)
    half_opening = 21.0 - inset_at(SOCKET, z)
    assert not inside(plate, half_opening - 0.05, 0, z)
    assert inside(plate, half_opening + 0.05, 0, z)


def test_baseplate_magnet_floor_pockets() -> None:
    plate = build("gridfinity_baseplate", grid_x=1, grid_y=1, magnet_floor=True)
    assert not inside(plate, 13.0 + 3.2, 13.0, -1.0)  # 6.5 mm pocket, 2.4 mm deep below z = 0
    assert inside(plate, 13.0 + 3.3, 13.0, -1.0)
    assert inside(plate, 13.0 + 2.0, 13.0, -2.5)  # floor under the pocket
    assert not inside(plate, 13.0, 13.0, -2.9)  # M3 screw hole through the floor
