"""Issue 13: the reported values are the values used; pockets sit under the screws they hold."""

from __future__ import annotations

from printforge_services.generator.planner import interpret, realise
from printforge_services.generator.planner.families import get_family
from printforge_services.generator.planner.features import points

NEMA_PROMPT = "a vibration-damping motor mount for a NEMA 17 with M3 captive nut slots"


def test_nema_17_nut_pockets_are_at_the_screw_holes() -> None:
    plan = interpret("NEMA 17 motor plate with M3 captive nut slots")
    (pocket,) = [f for f in plan.tree["features"] if f["type"] == "nut_pocket"]
    family = get_family("nema_plate")
    from printforge_services.generator.manifest import resolve

    outline = family.outline(resolve(family.params(), plan.tree["params"]))
    xy = sorted({round(abs(c), 3) for point in points(pocket["pattern"], outline) for c in point})
    assert xy == [15.5]


def test_derived_plate_size_is_reported_as_built() -> None:
    plan = interpret(NEMA_PROMPT)
    result = realise(plan)
    width = round(result.shape.BoundingBox().xlen, 2)
    assert not any("0.0 mm" in line or "= 0 mm" in line for line in plan.report.assumed)
    assert any(f"Plate size = {width:g} mm" in line for line in plan.report.assumed)


def test_vibration_damping_is_named_as_an_approximation() -> None:
    plan = interpret(NEMA_PROMPT)
    assert plan.report.unused == []
    assert plan.report.approximated == [
        "vibration-damping: approximated by 4 slots for rubber grommets outside the motor face"
    ]
    assert sum(f["type"] == "slot" for f in plan.tree["features"]) == 1
    assert len(realise(plan).shape.Solids()) == 1


def test_standard_hardware_reports_table_values() -> None:
    assumed = interpret("M8 washer").report.assumed
    assert "Outer diameter = 16 mm (ISO 7089 d2)" in assumed


def test_flange_for_a_pipe_takes_the_pipe_as_its_bore() -> None:
    plan = interpret("pipe flange for a 32 mm pipe with 4 bolt holes")
    p = plan.tree["params"]
    assert p["bore"] == 32 and p["outer_diameter"] > 32 + 4 * 5
    (holes,) = plan.tree["features"]
    assert holes["diameter"] == (p["outer_diameter"] - 32) / 2 / 3, "bolt holes sized for the ring"
    pcd = holes["pattern"]["pcd"]
    assert 32 + holes["diameter"] < pcd < p["outer_diameter"] - holes["diameter"]
    assert len(realise(plan).shape.Solids()) == 1
