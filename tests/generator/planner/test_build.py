"""A build that loses its intent fails with a message instead of shipping a fragment."""

from __future__ import annotations

import pytest

from printforge_services.generator.planner.build import BuildError, build
from printforge_services.generator.planner.schema import SCHEMA_ID


def flange(od: float, bore: float, hole: float, pcd: float) -> dict:
    pattern = {"kind": "circle", "count": 4, "pcd": pcd}
    hole_feature = {"type": "hole", "diameter": hole, "depth": None, "thread": None, "pattern": pattern}
    return {
        "schema": SCHEMA_ID,
        "family": "flange",
        "params": {"outer_diameter": od, "bore": bore},
        "features": [hole_feature],
    }


def test_holes_that_cut_a_ring_apart_fail() -> None:
    with pytest.raises(BuildError, match="4 separate pieces"):
        build(flange(32, 26, 5, 29))


def test_cuts_that_leave_a_sliver_fail() -> None:
    centre = {"kind": "center", "count": 1}
    tree = {
        "schema": SCHEMA_ID,
        "family": "cylinder",
        "params": {"diameter": 40, "height": 10},
        "features": [{"type": "hole", "diameter": 38, "depth": None, "thread": None, "pattern": centre}],
    }
    with pytest.raises(BuildError, match="sliver"):
        build(tree)


def test_a_sound_flange_builds_as_one_solid() -> None:
    built = build(flange(80, 32, 8, 56))
    assert len(built.shape.Solids()) == 1 and not built.warnings


def test_a_fillet_too_big_for_thin_walls_shrinks_and_says_so() -> None:
    from printforge_services.generator.planner import interpret, realise

    plan = interpret("an open top box 60x40x30 with fillets")
    asked = plan.tree["features"][0]["radius"]
    result = realise(plan)
    used = result.tree["features"][0]["radius"]
    assert used < asked
    assert f"radius {asked:g} mm does not fit this part; {used:g} mm used" in " ".join(result.warnings)
    box = result.shape.BoundingBox()
    assert (round(box.xlen, 3), round(box.ylen, 3), round(box.zlen, 3)) == (60, 40, 30)
    assert result.shape.isValid() and len(result.shape.Solids()) == 1
