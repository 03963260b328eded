"""Hooks sit flat on what they are screwed to, the screws pass their holes, and a
screwdriver reaches every screw."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.finish import collect_warnings
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters.wall_hook import hole_positions
from printforge_services.generator.render import single_solid

HOOK = get_template("starter", "wall_hook")
UP, OUT = cq.Vector(0, 1, 0), cq.Vector(1, 0, 0)


def test_under_desk_hook_screws_are_reachable_from_below() -> None:
    v = HOOK.resolve({"mount": "under_desk", "mounting_holes": 2})
    with collect_warnings() as warnings:
        hook = single_solid(HOOK.build(v))
    assert warnings == []
    h, w, t, d = v["plate_height"], v["width"], v["thickness"], v["screw_diameter"]
    desk = cq.Solid.makeBox(200, 30, 100, cq.Vector(-100, h, -40))
    assert interference(hook, desk) == pytest.approx(0.0, abs=1e-6)
    xs = hole_positions(v)
    assert len(xs) == 2
    for x in xs:
        screw = cq.Solid.makeCylinder(d / 2 - 0.05, t + 10, cq.Vector(x, h - t - 5, w / 2), UP)
        assert interference(hook, screw) == pytest.approx(0.0, abs=1e-6), x
        # the screwdriver's path from the floor up to the plate is clear of the arm
        driver = cq.Solid.makeCylinder(d, h - t - 1, cq.Vector(x, 0, w / 2), UP)
        assert interference(hook, driver) == pytest.approx(0.0, abs=1e-3), x


def test_wall_hook_sits_on_the_wall_with_the_holes_asked_for() -> None:
    v = HOOK.resolve({"plate_height": 100, "mounting_holes": 3, "fillet_radius": 0})
    hook = single_solid(HOOK.build(v))
    wall = cq.Solid.makeBox(30, 200, 100, cq.Vector(-30, -50, -40))
    assert interference(hook, wall) == pytest.approx(0.0, abs=1e-6)
    heights = hole_positions(v)
    assert len(heights) == 3
    for y in heights:
        screw = cq.Solid.makeCylinder(
            v["screw_diameter"] / 2 - 0.05, 30, cq.Vector(-10, y, v["width"] / 2), OUT
        )
        assert interference(hook, screw) == pytest.approx(0.0, abs=1e-6), y
    narrow = HOOK.resolve({"plate_height": 30, "mounting_holes": 3})
    with collect_warnings() as warnings:
        assert len(hole_positions(narrow)) == 1
    assert warnings == ["mounting holes: 3 do not fit a 30 mm plate, made 1"]
