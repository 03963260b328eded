"""Plant pots drain through as many floor holes as asked, or none for a closed pot."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.render import single_solid

POT = get_template("starter", "plant_pot")


@pytest.mark.parametrize("holes", [0, 1, 7])
def test_water_leaves_through_the_drain_holes(holes: int) -> None:
    v = POT.resolve({"drain_holes": holes, "feet": False})
    pot = single_solid(POT.build(v))
    floor = cq.Solid.makeCylinder(v["bottom_diameter"] / 2 - v["wall"] - 0.5, v["floor"], cq.Vector(0, 0, 0))
    missing = floor.Volume() - interference(pot, floor)
    hole_area = 3.14159 * (v["drain_diameter"] / 2) ** 2
    assert missing == pytest.approx(holes * hole_area * v["floor"], rel=0.02, abs=1e-3)
