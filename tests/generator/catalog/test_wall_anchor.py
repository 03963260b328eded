"""The wall holder is sized from the object table: the object fits its pocket with the
printer clearance and is held there; a helmet hangs within the hook's reach."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference, maker_object
from printforge_services.generator.catalog.starters.wall_anchor import (
    ARM_Y,
    PLATE,
    SADDLE_LIP,
    pocket,
    pocket_origin,
)
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.render import single_solid

HOLDER = get_template("starter", "wall_anchor")


@pytest.mark.parametrize("object_id", ["raspberry_pi_4", "nema_17"])
def test_object_fits_its_pocket_and_is_held(object_id: str) -> None:
    v = HOLDER.resolve({"object": object_id})
    part = single_solid(HOLDER.build(v))
    d, w, h = sorted(maker_object(object_id).size)
    x, y, z = pocket_origin(v)
    c = v["clearance"]
    item = cq.Solid.makeBox(w, h, d, cq.Vector(x + c, y + c, z + c))
    assert pocket(v)[0] == pytest.approx(w + 2 * c)
    assert interference(part, item) == pytest.approx(0.0, abs=1e-3)
    for shift in ((0, -2 * c - 0.1, 0), (0, 0, 2 * c + 0.1), (2 * c + 0.1, 0, 0)):
        assert interference(part, item.translate(cq.Vector(*shift))) > 0.01, shift


def test_helmet_hangs_within_the_hook() -> None:
    v = HOLDER.resolve({"object": "bike_helmet"})
    part = single_solid(HOLDER.build(v))
    f = maker_object("bike_helmet").features
    band, reach = f["rest_width"], f["hook_reach"]
    # the helmet's crown band resting on the arm, between the plate and the upturned end's gusset
    crown = cq.Solid.makeBox(band, 10, reach - SADDLE_LIP - 2.5, cq.Vector(-band / 2, ARM_Y + 8.0, PLATE + 1))
    assert interference(part, crown) == pytest.approx(0.0, abs=1e-3)
    assert interference(part, crown.translate(cq.Vector(0, 0, 12))) > 1.0  # the end keeps it on


def test_unknown_object_is_a_clear_parameter_error() -> None:
    with pytest.raises(ParamError, match="known:"):
        HOLDER.resolve({"object": "dragon"})
