"""Fillets never sink a part: too-large radii fall back or are skipped, and say so."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import STARTERS
from printforge_services.generator.catalog.finish import collect_warnings, fillet
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param
from printforge_services.generator.render import render


def _shelled_box_rim() -> tuple[cq.Shape, list[cq.Edge]]:
    """The simple enclosure that made OCCT raise StdFail_NotDone: a 2 mm shell's open rim."""
    shell = cq.Workplane("XY").box(60, 40, 30).faces(">Z").shell(-2).val()
    return shell, [e for e in shell.Edges() if abs(e.Center().z - 15) < 1e-6]


def test_fitting_radius_is_applied_silently() -> None:
    box = cq.Solid.makeBox(20, 20, 20)
    with collect_warnings() as warnings:
        rounded = fillet(box, box.Edges(), 2.0)
    assert warnings == []
    assert rounded.Volume() < box.Volume()


def test_too_large_radius_falls_back_and_warns() -> None:
    shell, rim = _shelled_box_rim()
    with pytest.raises(Exception, match=r"StdFail_NotDone|BRep_API"):
        shell.fillet(3.0, rim)
    with collect_warnings() as warnings:
        rounded = fillet(shell, rim, 3.0, "rim fillet")
    assert rounded.isValid() and len(rounded.Solids()) == 1
    assert rounded.Volume() < shell.Volume()
    assert warnings == ["rim fillet: 3 mm did not fit, used 0.75 mm"]


def test_impossible_fillet_is_skipped_not_raised() -> None:
    box = cq.Solid.makeBox(1, 1, 1)
    with collect_warnings() as warnings:
        same = fillet(box, box.Edges(), 40.0)
    assert same is box
    assert "skipped" in warnings[0]


def test_render_reports_the_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    size = Param("size", "Size", "number", 1.0, min=0.5, max=50)

    def build(v: dict) -> cq.Shape:
        box = cq.Solid.makeBox(v["size"], v["size"], v["size"])
        return fillet(box, box.Edges(), 40.0, "probe fillet")

    monkeypatch.setitem(STARTERS, "probe", Template("probe", "starter", "Probe", "", (size,), build=build))
    result = render("starter", "probe", {}, formats=())
    assert result.warnings == ("probe fillet: skipped, no radius from 40 mm down fits these edges",)
    assert render("starter", "knob", {}, formats=()).warnings == ()
