"""The snap box's lid seats without interference and is held: lifting it makes the bead
run into the wall above the groove."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters._geometry import seat_lid
from printforge_services.generator.render import render, single_solid

BOX = get_template("starter", "snap_box")


def _pair(values: dict) -> tuple[cq.Shape, cq.Shape]:
    v = BOX.resolve(values)
    return single_solid(BOX.build(v)), seat_lid(
        single_solid(BOX.build({**v, "part": "lid"})), v["height"], v["lid_thickness"]
    )


@pytest.mark.parametrize("clearance", [0.2, 0.4])
def test_lid_seats_and_snaps(clearance: float) -> None:
    box, lid = _pair({"clearance": clearance})
    assert interference(box, lid) == pytest.approx(0.0, abs=1e-3)
    assert interference(box, lid.translate(cq.Vector(0, 0, 1.2))) > 10.0  # the bead catches
    assert interference(box, lid.translate(cq.Vector(clearance + 0.1, 0, 0))) > 0.1  # the rim locates


def test_follow_ups_are_parameters() -> None:
    base = render("starter", "snap_box", {}, formats=())
    taller = render("starter", "snap_box", {"height": 48, "fillet_radius": 3}, formats=())
    assert taller.size_mm[2] == pytest.approx(base.size_mm[2] * 1.2)
    assert taller.volume_mm3 > base.volume_mm3 and taller.warnings == ()
