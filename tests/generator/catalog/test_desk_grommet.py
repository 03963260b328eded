"""The grommet slides into the desk hole, its flange stops it, and the cap seats in the flange."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters.desk_grommet import RECESS_DEPTH, desk_top_z
from printforge_services.generator.render import single_solid

GROMMET = get_template("starter", "desk_grommet")


@pytest.mark.parametrize("hole", [60.0, 80.0])
def test_sleeve_fits_the_hole_and_the_cap_fits_the_sleeve(hole: float) -> None:
    v = GROMMET.resolve({"hole_diameter": hole})
    sleeve = single_solid(GROMMET.build(v))
    cap = single_solid(GROMMET.build({**v, "part": "cap"}))
    top = desk_top_z(v)
    # the desk, in the printed sleeve's frame (the sleeve stands flange down, the desk on it)
    slab = cq.Solid.makeBox(300, 300, v["desk_thickness"], cq.Vector(-150, -150, top))
    desk = slab.cut(cq.Solid.makeCylinder(hole / 2, v["desk_thickness"] + 2, cq.Vector(0, 0, top - 1)))
    assert interference(sleeve, desk) == pytest.approx(0.0, abs=1e-3)
    assert interference(sleeve, desk.translate(cq.Vector(0, 0, -0.5))) > 1.0  # the flange rests on it
    assert interference(sleeve, desk.translate(cq.Vector(v["clearance"] + 0.1, 0, 0))) > 0.01  # located
    # the cap, as printed, already sits in the recess at the flange face (z 0..RECESS_DEPTH)
    assert interference(sleeve, cap) == pytest.approx(0.0, abs=1e-3)
    assert interference(sleeve, cap.translate(cq.Vector(0, 0, 0.5))) > 1.0  # the ledge holds the cap
    assert cap.BoundingBox().zlen == pytest.approx(RECESS_DEPTH, abs=0.02)  # BoundingBox pads by tolerance
