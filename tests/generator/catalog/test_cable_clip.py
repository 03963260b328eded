"""Each ring of a cable clip or organizer takes its cable with clearance and the snap
opening, narrower than the cable, holds it in."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters.cable_clip import ring_centres
from printforge_services.generator.render import single_solid

CLIP = get_template("starter", "cable_clip")


@pytest.mark.parametrize("cables", [1, 3])
def test_cables_snap_in_and_stay(cables: int) -> None:
    v = CLIP.resolve({"cables": cables, "cable_diameter": 6.0})
    clip = single_solid(CLIP.build(v))
    centres = ring_centres(v)
    assert len(centres) == cables
    for x, y in centres:
        cable = cq.Solid.makeCylinder(3.0, v["width"] + 10, cq.Vector(x, y, -5))
        assert interference(clip, cable) == pytest.approx(0.0, abs=1e-3), x
        assert interference(clip, cable.translate(cq.Vector(0, 1.0, 0))) > 0.1  # the snap lips hold it
        assert interference(clip, cable.translate(cq.Vector(v["clearance"] + 0.1, 0, 0))) > 0.01
