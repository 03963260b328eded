"""The knob fits the D-shafts of the object table: the shaft enters with the printer
clearance but its flat stops the knob from turning."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import d_shaft, interference, maker_object
from printforge_services.generator.catalog.starters.knob import bore_diameter
from printforge_services.generator.render import render, single_solid

KNOB = get_template("starter", "knob")


def _knob(values: dict) -> tuple[dict, object]:
    v = KNOB.resolve(values)
    return v, single_solid(KNOB.build(v))


@pytest.mark.parametrize("shaft_id", ["d_shaft_6", "d_shaft_5"])
@pytest.mark.parametrize("fit", ["press", "set_screw"])
def test_d_shaft_enters_with_clearance_and_the_flat_engages(shaft_id: str, fit: str) -> None:
    f = maker_object(shaft_id).features
    v, knob = _knob({"shaft_diameter": f["diameter"], "d_flat": f["flat"], "fit": fit})
    shaft = d_shaft(f["diameter"], f["flat"], v["shaft_depth"])
    assert interference(knob, shaft) == pytest.approx(0.0, abs=1e-6)
    # a shaft 0.05 mm short of the full gap per side still enters: the gap really is there
    gap = (v["clearance"] if fit == "set_screw" else v["clearance"] / 2) - 0.05
    fat = d_shaft(f["diameter"] + 2 * gap, f["flat"], v["shaft_depth"])  # the shaft offset by `gap`
    assert interference(knob, fat) == pytest.approx(0.0, abs=1e-6)
    turned = shaft.rotate((0, 0, 0), (0, 0, 1), 20)
    assert interference(knob, turned) > 0.5  # the flat bears on the bore's flat face


def test_bore_has_the_printer_clearance_by_default() -> None:
    v = KNOB.resolve({})
    assert v["clearance"] == 0.2
    assert bore_diameter(v) == pytest.approx(6.2)
    assert bore_diameter(KNOB.resolve({"fit": "set_screw"})) == pytest.approx(6.4)


def test_set_screw_hole_reaches_the_bore_through_the_flat_side() -> None:
    v, knob = _knob({"fit": "set_screw"})
    probe = cq.Solid.makeCylinder(
        0.8, v["diameter"] / 2, cq.Vector(0, 0, v["shaft_depth"] / 2), cq.Vector(1, 0, 0)
    )
    assert interference(knob, probe) == pytest.approx(0.0, abs=1e-6)
    _, pressed = _knob({"fit": "press"})
    assert interference(pressed, probe) > 0.5


def test_knurled_and_smooth_grips_render_one_solid() -> None:
    for grip in ("knurled", "smooth"):
        assert render("starter", "knob", {"grip": grip}, formats=()).volume_mm3 > 0
