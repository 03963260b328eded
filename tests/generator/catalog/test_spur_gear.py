"""Two spur gears mesh: at the centre distance m * (z1 + z2) / 2 they never interfere
while turning together, their play is the printer clearance per flank, and the bore
admits its shaft with clearance."""

from __future__ import annotations

import math

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import d_shaft, interference
from printforge_services.generator.catalog.starters.spur_gear import centre_distance, radii
from printforge_services.generator.render import single_solid

GEAR = get_template("starter", "spur_gear")
Z_AXIS = cq.Vector(0, 0, 1)
ORIGIN = cq.Vector(0, 0, 0)


def _gear(values: dict) -> tuple[dict, cq.Shape]:
    v = GEAR.resolve({"hub": False, **values})
    return v, single_solid(GEAR.build(v))


def _turn(shape: cq.Shape, degrees: float, centre: cq.Vector = ORIGIN) -> cq.Shape:
    return shape.rotate(centre, centre + Z_AXIS, degrees)


@pytest.mark.parametrize(("z1", "z2", "pressure_angle"), [(20, 30, 20.0), (18, 40, 20.0), (25, 25, 25.0)])
def test_gears_mesh_without_interference_and_with_little_play(
    z1: int, z2: int, pressure_angle: float
) -> None:
    m = 1.5
    _, g1 = _gear({"teeth": z1, "module": m, "pressure_angle": pressure_angle})
    v2, g2 = _gear({"teeth": z2, "module": m, "pressure_angle": pressure_angle})
    a = centre_distance(m, z1, z2)
    # tooth 0 of gear 1 points at gear 2, which must show it a gap: turn gear 2 by half a pitch
    centre = cq.Vector(a, 0, 0)
    g2 = _turn(g2.translate(centre), 180 + 180 / z2, centre)
    for step in (0.0, 0.3, 0.6):  # a fraction of one pitch: the involutes stay conjugate
        d1 = step * 360 / z1
        assert interference(_turn(g1, d1), _turn(g2, -d1 * z1 / z2, centre)) == pytest.approx(0.0, abs=1e-3)
    play = v2["clearance"]  # per flank, along the pitch circle
    r2 = radii(v2)["pitch"]
    near = math.degrees((play - 0.05) / r2)
    past = math.degrees((play + 0.1) / r2)
    for sign in (1, -1):
        assert interference(g1, _turn(g2, sign * near, centre)) == pytest.approx(0.0, abs=1e-3)
        assert interference(g1, _turn(g2, sign * past, centre)) > 1e-3
    # and closer than the centre distance the teeth collide: they really engage
    assert interference(g1, g2.translate(cq.Vector(-0.3 * m, 0, 0))) > 0.1


def test_bore_admits_a_stepper_d_shaft_that_cannot_turn() -> None:
    _, gear = _gear({"bore": 5.0, "d_flat": 0.5, "hub": True, "set_screw": True})
    shaft = d_shaft(5.0, 0.5, 20.0).translate(cq.Vector(0, 0, -1))
    assert interference(gear, shaft) == pytest.approx(0.0, abs=1e-6)
    assert interference(gear, _turn(shaft, 25)) > 0.1


def test_follow_ups_are_parameters() -> None:
    v, base = _gear({})
    _, taller = _gear({"height": v["height"] * 1.2})
    assert taller.BoundingBox().zlen == pytest.approx(base.BoundingBox().zlen * 1.2, rel=1e-3)
    assert GEAR.resolve({"module": 2, "teeth": 30})["teeth"] == 30
