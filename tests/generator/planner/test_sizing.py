"""Issue 13 item 2: a part for a named object is sized from the object."""

from __future__ import annotations

from printforge_services.generator.objects import OBJECTS
from printforge_services.generator.planner import interpret


def test_helmet_hook_reaches_into_the_helmet() -> None:
    plan = interpret("wall hook for a bike helmet")
    helmet = OBJECTS["bike_helmet"]
    assert plan.tree["family"] == "starter:wall_hook"
    assert plan.tree["params"]["reach"] == helmet.features["hook_reach"]
    assert plan.report.unused == []
    assert any("from the bike helmet" in line for line in plan.report.understood)


def test_a_stated_size_beats_the_object() -> None:
    plan = interpret("wall hook for a bike helmet, 45 mm reach")
    assert plan.tree["params"]["reach"] == 45


def test_phone_stand_slot_fits_the_phone_in_a_case() -> None:
    plan = interpret("a stand for my iphone 15 pro max")
    phone = OBJECTS["iphone_15_pro_max"]
    slot = plan.tree["params"]["device_thickness"]
    assert phone.size[2] + phone.features["case_allowance"] < slot <= phone.size[2] + 5


def test_spool_holder_takes_the_spool_width_and_diameter() -> None:
    p = interpret("spool holder for a 1kg spool").tree["params"]
    assert p["spool_diameter"] == 200 and p["spool_width"] > 70


def test_cable_clip_takes_the_cable_diameter() -> None:
    assert interpret("clip for an hdmi cable").tree["params"]["cable_diameter"] == 7.5


def test_battery_holder_takes_the_cell_and_count() -> None:
    plan = interpret("a holder for 8 AAA batteries")
    assert plan.tree["family"] == "cell_holder"
    assert plan.tree["params"] == {"cell": "AAA", "columns": 8, "rows": 1}
