"""A 2-finger and a 3-finger mount interleave on one M5 bolt: no contact at any swing
angle, and both are held by the bolt (it runs through every finger)."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference, maker_object
from printforge_services.generator.catalog.starters.gopro_mount import finger_centres, pivot_z
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.render import render, single_solid

MOUNT = get_template("starter", "gopro_mount")
X_AXIS = cq.Vector(1, 0, 0)


def _mount(values: dict) -> tuple[dict, cq.Shape]:
    v = MOUNT.resolve(values)
    return v, single_solid(MOUNT.build(v))


def test_two_and_three_fingers_interleave_on_one_bolt() -> None:
    v3, three = _mount({"fingers": 3})
    v2, two = _mount({"fingers": 2})
    pivot = cq.Vector(0, 0, pivot_z(v3))
    assert pivot_z(v2) == pivot.z
    mate = two.rotate(pivot, pivot + X_AXIS, 180)  # fingers down into the 3-finger part's gaps
    for swing in (0, 35, -35):
        assert interference(three, mate.rotate(pivot, pivot + X_AXIS, swing)) == pytest.approx(0.0, abs=1e-3)
    bolt_d = 5.0  # M5
    span = 40.0
    bolt = cq.Solid.makeCylinder(bolt_d / 2, span, cq.Vector(-span / 2, 0, pivot.z), X_AXIS)
    assert interference(three, bolt) == pytest.approx(0.0, abs=1e-6)
    assert interference(mate, bolt) == pytest.approx(0.0, abs=1e-6)
    t = maker_object("gopro_mount").features["finger_thickness"]
    # the finger material around the bolt, outside the hole's clearance
    hole = cq.Solid.makeCylinder(
        bolt_d / 2 + v3["clearance"] + 0.01, span, cq.Vector(-span / 2, 0, pivot.z), X_AXIS
    )
    ring = cq.Solid.makeCylinder(4.0, span, cq.Vector(-span / 2, 0, pivot.z), X_AXIS).cut(hole)
    for part, values in ((three, v3), (mate, v2)):
        for x in finger_centres(values):
            collar = ring.intersect(
                cq.Solid.makeBox(t - 0.2, 10, 10, cq.Vector(x - t / 2 + 0.1, -5, pivot.z - 5))
            )
            assert interference(part, collar) == pytest.approx(collar.Volume(), rel=1e-3), x


def test_base_must_fit_the_screws_beside_the_fingers() -> None:
    with pytest.raises(ParamError, match="base_length"):
        MOUNT.resolve({"base_length": 20})
    assert MOUNT.resolve({"base_length": 20, "mounting_holes": 0})["base_length"] == 20


def test_follow_ups_are_parameters() -> None:
    plain = render("starter", "gopro_mount", {"mounting_holes": 0, "fillet_radius": 0}, formats=())
    holed = render("starter", "gopro_mount", {"mounting_holes": 4, "fillet_radius": 2}, formats=())
    assert holed.volume_mm3 < plain.volume_mm3 - 4 * 3.14 * 1.7**2 * 4 * 0.9
    taller = render("starter", "gopro_mount", {"pivot_height": 12}, formats=())
    assert taller.size_mm[2] == pytest.approx(plain.size_mm[2] + 2)
