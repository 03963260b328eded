"""The shelf bracket's built members carry the rated load within the stated safety
factor, a shelf and the wall fit against it, and the screws pass its holes."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.mates import interference
from printforge_services.generator.catalog.starters.shelf_bracket import (
    BRACE_AT,
    PLA_STRENGTH_MPA,
    G,
    screw_heights,
    sizing,
)
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.planner.standards import thread
from printforge_services.generator.render import single_solid

BRACKET = get_template("starter", "shelf_bracket")


def _bracket(values: dict) -> tuple[dict, cq.Shape]:
    v = BRACKET.resolve(values)
    return v, single_solid(BRACKET.build(v))


def _arm_depth_at(part: cq.Shape, x: float) -> float:
    """Vertical extent of the material in a 0.1 mm slice at x, above the brace."""
    box = part.BoundingBox()
    cut = part.intersect(cq.Solid.makeBox(0.1, box.ylen, box.zlen, cq.Vector(x, box.ymin, box.zmin)))
    top = max(s.BoundingBox().ymax for s in cut.Solids())
    return top - min(s.BoundingBox().ymin for s in cut.Solids() if s.BoundingBox().ymax > top - 1e-6)


@pytest.mark.parametrize("load", [5.0, 20.0])
def test_built_arm_carries_the_load_within_the_safety_factor(load: float) -> None:
    v, part = _bracket({"load_kg": load, "shelf_holes": False})
    length, b = v["depth"], part.BoundingBox().zlen
    joint = BRACE_AT * length
    t = _arm_depth_at(part, joint + 0.5)  # just past the brace: the largest cantilever moment
    stress = 6 * load * G * (length - joint) / (b * t**2)
    assert stress <= PLA_STRENGTH_MPA / v["safety_factor"] * 1.001
    assert t == pytest.approx(sizing(v)["arm_thickness"], abs=0.01)


def test_more_load_or_safety_gives_a_stronger_part() -> None:
    light = sizing(BRACKET.resolve({"load_kg": 5}))
    heavy = sizing(BRACKET.resolve({"load_kg": 20}))
    safer = sizing(BRACKET.resolve({"load_kg": 5, "safety_factor": 5}))
    for key in ("arm_thickness", "brace_thickness"):
        assert heavy[key] > light[key] and safer[key] > light[key]
    # 4x the force, and a thicker arm moves the top screw closer to the brace foot
    assert heavy["top_screw_pull_n"] > 4 * light["top_screw_pull_n"]


def test_shelf_wall_and_screws_fit() -> None:
    v, part = _bracket({"mounting_holes": 4})
    box = part.BoundingBox()
    shelf = cq.Solid.makeBox(v["depth"], 2 * box.zlen, 18, cq.Vector(0, v["height"], -box.zlen / 2))
    wall = cq.Solid.makeBox(20, v["height"] + 40, 100, cq.Vector(-20, -20, -50))
    assert interference(part, shelf) == pytest.approx(0.0, abs=1e-6)
    assert interference(part, wall) == pytest.approx(0.0, abs=1e-6)
    screw_d = thread(v["screw"]).size
    heights = screw_heights(v)
    assert len(heights) == 4
    for y in heights:
        screw = cq.Solid.makeCylinder(screw_d / 2, 60, cq.Vector(-20, y, box.zlen / 2), cq.Vector(1, 0, 0))
        assert interference(part, screw) == pytest.approx(0.0, abs=1e-6), y


def test_an_impossible_load_is_refused_with_the_reason() -> None:
    with pytest.raises(ParamError, match=r"40 kg at 300 mm needs a .* mm arm"):
        BRACKET.resolve({"load_kg": 40, "depth": 300, "height": 120, "width": 12})
