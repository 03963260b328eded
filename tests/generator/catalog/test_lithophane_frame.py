"""A lithophane panel of the nominal size slides into the frame and is held by it."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters.lithophane_frame import panel_floor_z
from printforge_services.generator.render import render, single_solid

FRAME = get_template("starter", "lithophane_frame")


def test_panel_slides_in_and_is_held() -> None:
    v = FRAME.resolve({"panel_width": 120, "panel_height": 90, "panel_thickness": 2.4})
    frame = single_solid(FRAME.build(v))
    w, h, t = v["panel_width"], v["panel_height"], v["panel_thickness"]
    panel = cq.Solid.makeBox(w, t, h, cq.Vector(-w / 2, -t / 2, panel_floor_z(v)))
    assert interference(frame, panel) == pytest.approx(0.0, abs=1e-3)
    assert interference(frame, panel.translate(cq.Vector(0, 0, h))) == pytest.approx(
        0.0, abs=1e-3
    )  # open top
    slack = v["clearance"] + 0.1
    for shift in ((0, slack, 0), (0, -slack, 0), (slack, 0, 0), (0, 0, -slack)):
        assert interference(frame, panel.translate(cq.Vector(*shift))) > 0.01, shift


def test_follow_ups_are_parameters() -> None:
    base = render("starter", "lithophane_frame", {}, formats=())
    bigger = render("starter", "lithophane_frame", {"panel_height": 120, "fillet_radius": 2}, formats=())
    assert bigger.size_mm[2] == pytest.approx(base.size_mm[2] + 20)
