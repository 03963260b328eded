"""The board enclosure holds the real board: the PCB rests on standoffs at its own holes,
nothing of the board (PCB, components, connectors) touches the box or the seated lid,
and the lid's rim is located by the walls within the printer clearance."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import board, interference, maker_object
from printforge_services.generator.catalog.starters._geometry import seat_lid
from printforge_services.generator.catalog.starters.board_enclosure import BOARDS, board_origin
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.render import render, single_solid

CASE = get_template("starter", "board_enclosure")


def _parts(values: dict) -> tuple[dict, cq.Shape, cq.Shape]:
    v = CASE.resolve(values)
    box = single_solid(CASE.build(v))
    lid = seat_lid(single_solid(CASE.build({**v, "part": "lid"})), v["height"], v["lid_thickness"])
    return v, box, lid


@pytest.mark.parametrize("board_id", BOARDS)
def test_board_fits_and_sits_on_its_standoffs(board_id: str) -> None:
    v, box, lid = _parts({"board": board_id})
    obj = maker_object(board_id)
    origin = board_origin(v)
    pcb = board(obj, origin)
    assert interference(box, pcb) == pytest.approx(0.0, abs=1e-3)
    assert interference(lid, pcb) == pytest.approx(0.0, abs=1e-3)
    assert interference(lid, box) == pytest.approx(0.0, abs=1e-3)
    ox, oy, oz = origin
    hole_r = obj.features["hole_d"] / 2
    for x, y in obj.features["holes"]:
        # a ring around the board's hole, just under the PCB, is standoff material ...
        ring = cq.Solid.makeCylinder(hole_r + 1.0, 0.5, cq.Vector(ox + x, oy + y, oz - 0.5)).cut(
            cq.Solid.makeCylinder(hole_r, 1.0, cq.Vector(ox + x, oy + y, oz - 0.75))
        )
        assert interference(box, ring) == pytest.approx(ring.Volume(), rel=1e-3), (x, y)
        # ... and the screw's core goes straight down into the standoff's hole
        core = cq.Solid.makeCylinder(0.8, 3.0, cq.Vector(ox + x, oy + y, oz - 3.0))
        assert interference(box, core) == pytest.approx(0.0, abs=1e-6), (x, y)


def test_lid_rim_is_located_within_the_clearance() -> None:
    v, box, lid = _parts({})
    slack = v["clearance"]
    assert interference(lid.translate(cq.Vector(slack - 0.05, 0, 0)), box) == pytest.approx(0.0, abs=1e-3)
    assert interference(lid.translate(cq.Vector(slack + 0.1, 0, 0)), box) > 0.1


def test_too_low_a_box_names_the_height_it_needs() -> None:
    with pytest.raises(ParamError, match=r"at least 27\.6 mm for the raspberry pi 4"):
        CASE.resolve({"height": 26})
    assert CASE.resolve({"board": "arduino_uno", "height": 25})["height"] == 25


def test_follow_ups_are_parameters() -> None:
    base = render("starter", "board_enclosure", {}, formats=())
    taller = render("starter", "board_enclosure", {"height": 36}, formats=())
    eared = render("starter", "board_enclosure", {"mounting_holes": 2, "fillet_radius": 1.5}, formats=())
    assert taller.size_mm[2] == pytest.approx(base.size_mm[2] * 1.2)
    assert eared.size_mm[0] > base.size_mm[0] + 15  # the ears with their holes
    assert eared.warnings == ()
