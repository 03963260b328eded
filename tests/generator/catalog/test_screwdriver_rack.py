"""Screwdrivers drop into the rack: shafts pass their holes with clearance, handles rest
on the shelf without touching each other or the wall."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters.screwdriver_rack import hole_centres, shelf_top
from printforge_services.generator.render import single_solid

RACK = get_template("starter", "screwdriver_rack")
UP = cq.Vector(0, 1, 0)


def test_screwdrivers_hang_by_their_handles() -> None:
    v = RACK.resolve({"tools": 4, "shaft_diameter": 6, "handle_diameter": 28})
    rack = single_solid(RACK.build(v))
    top = shelf_top(v)
    tools = []
    for x, z in hole_centres(v):
        shaft = cq.Solid.makeCylinder(3.0, 120, cq.Vector(x, top - 120, z), UP)
        handle = cq.Solid.makeCylinder(14.0, 90, cq.Vector(x, top, z), UP)
        tools.append(shaft.fuse(handle))
    for tool in tools:
        assert interference(rack, tool) == pytest.approx(0.0, abs=1e-3)
        assert (
            interference(rack, tool.translate(cq.Vector(0, -0.5, 0))) > 1.0
        )  # the handle rests on the shelf
    assert interference(tools[0], tools[1]) == pytest.approx(0.0, abs=1e-6)
