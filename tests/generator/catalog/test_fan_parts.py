"""Fan guard and fan duct sit on the real fan: no overlap with the frame, rotor or hub,
screw holes on the fan's own hole pattern, fingers kept out, air path open."""

from __future__ import annotations

import math

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import fan, interference, maker_object
from printforge_services.generator.catalog.starters.fan_guard import TEST_FINGER
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.render import single_solid

GUARD = get_template("starter", "fan_guard")
DUCT = get_template("starter", "fan_duct")


def _build(template, values: dict) -> tuple[dict, cq.Shape]:  # type: ignore[no-untyped-def]
    v = template.resolve(values)
    return v, single_solid(template.build(v))


def _screws_pass(part: cq.Shape, obj_id: str, length: float, clearance: float) -> None:
    """The fan's screws pass the part's holes, which are ringed by material to clamp."""
    f = maker_object(obj_id).features
    half = f["hole_spacing"] / 2
    for sx in (-1, 1):
        for sy in (-1, 1):
            screw = cq.Solid.makeCylinder(f["hole_d"] / 2, length, cq.Vector(sx * half, sy * half, -5))
            assert interference(part, screw) == pytest.approx(0.0, abs=1e-6), (sx, sy)
            at = cq.Vector(sx * half, sy * half, 0.2)
            hole_r = f["hole_d"] / 2 + clearance + 0.01
            collar = cq.Solid.makeCylinder(hole_r + 1.5, 1.0, at).cut(cq.Solid.makeCylinder(hole_r, 1.0, at))
            assert interference(part, collar) == pytest.approx(collar.Volume(), rel=1e-3), (sx, sy)


@pytest.mark.parametrize("size", [40, 120])
def test_guard_sits_on_the_fan_and_keeps_a_finger_out(size: int) -> None:
    v, guard = _build(GUARD, {"fan_size": size})
    obj = maker_object(f"fan_{size}")
    assert interference(guard, fan(obj)) == pytest.approx(0.0, abs=1e-3)
    _screws_pass(guard, obj.id, 20, v["clearance"])
    # the test finger, anywhere over the blades, cannot pass the guard's plane
    sweep = obj.features["blade_d"] / 2 - TEST_FINGER / 2
    for k in range(8):
        a = 2 * math.pi * k / 8 + 0.3
        for r in (0.4 * sweep, sweep):
            finger = cq.Solid.makeCylinder(
                TEST_FINGER / 2, v["height"], cq.Vector(r * math.cos(a), r * math.sin(a), 0)
            )
            assert interference(guard, finger) > 0.1, (k, r)


def test_duct_sits_on_the_fan_with_an_open_air_path() -> None:
    v, duct = _build(DUCT, {"fan_size": 60, "offset": 10, "height": 50})
    obj = maker_object("fan_60")
    assert interference(duct, fan(obj)) == pytest.approx(0.0, abs=1e-3)
    _screws_pass(duct, obj.id, v["flange"] + 5, v["clearance"])
    top = cq.Vector(v["offset"], 0, v["height"] + 1)
    axis = top - cq.Vector(0, 0, -1)
    path = cq.Solid.makeCylinder(2.0, axis.Length, cq.Vector(0, 0, -1), axis.normalized())
    assert interference(duct, path) == pytest.approx(0.0, abs=1e-6)


def test_duct_refuses_walls_that_need_supports() -> None:
    with pytest.raises(ParamError, match="45 degrees"):
        DUCT.resolve({"fan_size": 120, "outlet_depth": 8, "height": 40})
    assert DUCT.resolve({"fan_size": 120, "outlet_depth": 8, "height": 60})["height"] == 60
