"""Issue 13 'seen when tried': chat reaches every starter with every option it has."""

from __future__ import annotations

import pytest

from services.generator.planner import NotUnderstoodError, interpret, realise


def params(prompt: str) -> tuple[str, dict]:
    plan = interpret(prompt)
    return plan.tree["family"], plan.tree["params"]


def test_box_with_a_screw_down_lid_keeps_its_dimensions() -> None:
    family, p = params("a box with a screw-down lid 100x60x40")
    assert family == "starter:box_with_lid"
    assert (p["length"], p["width"], p["height"]) == (100, 60, 40)


@pytest.mark.parametrize("prompt", ["a planter with drainage holes", "a flower pot", "pot for my succulents"])
def test_planters_are_plant_pots(prompt: str) -> None:
    family, _ = params(prompt)
    assert family == "starter:plant_pot"


def test_plant_pot_width_and_drainage_count_are_used() -> None:
    plan = interpret("plant pot 120 mm wide with 7 drainage holes")
    assert plan.tree["params"] == {"top_diameter": 120.0, "drain_holes": 7}
    assert plan.tree["features"] == [] and plan.report.unused == []


def test_gridfinity_dividers_and_label_tab_are_honoured() -> None:
    plan = interpret("gridfinity bin with 2 dividers and a label tab")
    assert plan.tree["family"] == "starter:gridfinity_bin"
    assert plan.tree["params"]["dividers_x"] == 2 and plan.tree["params"]["label_tab"] is True
    assert plan.tree["features"] == [] and plan.report.unused == []


def test_hex_key_holder_is_not_a_phone_stand() -> None:
    family, p = params("hex key holder for 2 to 8 mm keys")
    assert family == "hex_key_holder" and (p["smallest"], p["largest"]) == (2, 8)


@pytest.mark.parametrize("prompt", ["SD card holder", "drawer label holder", "GoPro mount adapter"])
def test_holders_we_cannot_make_are_said_so(prompt: str) -> None:
    with pytest.raises(NotUnderstoodError) as info:
        interpret(prompt)
    assert "phone" not in str(info.value).lower().split(":")[0]
    assert "nema" not in str(info.value).lower().split(":")[0]


def test_raspberry_pi_4_case_does_not_read_4_as_a_size() -> None:
    plan = interpret("raspberry pi 4 case")
    assert plan.tree["family"] == "starter:box_with_lid"
    assert plan.tree["params"]["length"] == 85 + 8 and plan.tree["params"]["width"] == 56 + 8
    assert not any("4" in line for line in plan.report.unused)
    box = realise(plan).shape.BoundingBox()
    assert box.xlen >= 85 and box.ylen >= 56


@pytest.mark.parametrize(
    ("prompt", "family", "expect"),
    [
        ("knob for a 1/4 inch shaft", "starter:knob", {"shaft_diameter": 6.35}),
        ("knob with 24 flutes, no pointer", "starter:knob", {"flutes": 24, "pointer": False}),
        ("hex bit holder, 3 rows", "starter:hex_bit_holder", {"rows": 3}),
        ("cable clip for an 8mm cable", "starter:cable_clip", {"cable_diameter": 8.0}),
        ("wall hook for M4 screws", "starter:wall_hook", {"screw_diameter": 4.0}),
        ("a box with lid 120x80x50 with M2.5 screws", "starter:box_with_lid", {"screw": "M2.5", "length": 120}),
        ("L bracket 40x40, 3mm thick", "l_bracket", {"leg_a": 40, "leg_b": 40, "thickness": 3}),
    ],
)
def test_every_option_a_starter_has_is_reachable(prompt: str, family: str, expect: dict) -> None:
    plan = interpret(prompt)
    assert plan.tree["family"] == family
    assert {k: plan.tree["params"].get(k) for k in expect} == expect
    assert plan.report.unused == []
