"""The spool holder's 608 seats hold the bearings, the 8 mm rod runs through both, and a
1 kg spool (objects table) turns on the rod without touching the holder."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import bearing, interference
from printforge_services.generator.catalog.starters.spool_holder import axle_z, bearing_seat_x, bearing_size
from printforge_services.generator.render import single_solid

HOLDER = get_template("starter", "spool_holder")
X_AXIS = cq.Vector(1, 0, 0)


def test_608_seats_hold_the_bearings_and_the_rod_passes() -> None:
    v = HOLDER.resolve({"bearing": "608", "thickness": 10})
    part = single_solid(HOLDER.build(v))
    bore, outer, width = bearing_size()
    z, c = axle_z(v), v["clearance"]
    for x0, x1 in bearing_seat_x(v):
        ring = bearing(bore, outer, width).rotate(cq.Vector(), cq.Vector(0, 1, 0), 90)  # axis along X
        ring = ring.translate(cq.Vector(x0 + c / 2, 0, z))  # after the turn it spans x = 0..width
        assert ring.BoundingBox().xmax == pytest.approx(x1 - c / 2)
        assert interference(part, ring) == pytest.approx(0.0, abs=1e-3), (x0, x1)
        for shift in ((0, 0, -c - 0.1), (0, c + 0.1, 0), (0, -c - 0.1, 0)):
            assert interference(part, ring.translate(cq.Vector(*shift))) > 0.01, shift
    span = v["spool_width"] + 2 * v["thickness"]
    rod = cq.Solid.makeCylinder(bore / 2, span + 20, cq.Vector(-span / 2 - 10, 0, z), X_AXIS)
    assert interference(part, rod) == pytest.approx(0.0, abs=1e-6)
    # the bearings cannot walk outwards: each pocket is closed by a lip on the outside
    left, right = bearing_seat_x(v)
    outward = bearing(bore, outer, width).rotate(cq.Vector(), cq.Vector(0, 1, 0), 90)
    assert interference(part, outward.translate(cq.Vector(left[0] - 0.5, 0, z))) > 0.1
    assert interference(part, outward.translate(cq.Vector(right[0] + 0.5, 0, z))) > 0.1


def test_a_1kg_spool_turns_clear_of_the_holder() -> None:
    v = HOLDER.resolve({})
    part = single_solid(HOLDER.build(v))
    diameter, width = 200.0, 70.0  # objects.spools "spool_1kg" (planner's table): 200 x 70 mm
    spool = cq.Solid.makeCylinder(diameter / 2, width - 2, cq.Vector(-(width - 2) / 2, 0, axle_z(v)), X_AXIS)
    spool = spool.cut(cq.Solid.makeCylinder(26, width, cq.Vector(-width / 2, 0, axle_z(v)), X_AXIS))
    assert interference(part, spool) == pytest.approx(0.0, abs=1e-3)
