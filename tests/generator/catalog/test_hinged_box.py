"""The hinged box's lid closes onto the box and swings open about the pin without
touching it; the pin passes every knuckle and every knuckle surrounds it."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters._geometry import seat_lid
from printforge_services.generator.catalog.starters.hinged_box import (
    PINS,
    hinge_axis,
    knuckle_radius,
    segments,
)
from printforge_services.generator.render import single_solid

BOX = get_template("starter", "hinged_box")
X_AXIS = cq.Vector(1, 0, 0)


@pytest.mark.parametrize("pin", list(PINS))
def test_lid_closes_opens_and_is_held_by_the_pin(pin: str) -> None:
    v = BOX.resolve({"pin": pin})
    box = single_solid(BOX.build(v))
    lid = seat_lid(single_solid(BOX.build({**v, "part": "lid"})), v["height"], v["lid_thickness"])
    ya, za = hinge_axis(v)
    axis = cq.Vector(0, ya, za)
    for opening in (0, -45, -100):
        assert interference(box, lid.rotate(axis, axis + X_AXIS, opening)) == pytest.approx(0.0, abs=1e-3)
    assert interference(box, lid.rotate(axis, axis + X_AXIS, 10)) > 1.0  # closing further hits the box
    rod = cq.Solid.makeCylinder(PINS[pin] / 2, v["length"], cq.Vector(-v["length"] / 2, ya, za), X_AXIS)
    assert interference(box, rod) == pytest.approx(0.0, abs=1e-6)
    assert interference(lid, rod) == pytest.approx(0.0, abs=1e-6)
    inner = PINS[pin] / 2 + v["clearance"] + 0.01
    for x0, x1, owner in segments(v):
        collar = cq.Solid.makeCylinder(
            knuckle_radius(v) - 0.1, x1 - x0 - 0.2, cq.Vector(x0 + 0.1, ya, za), X_AXIS
        )
        collar = collar.cut(cq.Solid.makeCylinder(inner, x1 - x0, cq.Vector(x0, ya, za), X_AXIS))
        part = box if owner == "box" else lid
        assert interference(part, collar) == pytest.approx(collar.Volume(), rel=1e-3), (x0, owner)
