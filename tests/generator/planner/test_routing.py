"""Issue 13 'seen when tried': chat reaches every starter with every option it has."""

from __future__ import annotations

import pytest

from printforge_services.generator.planner import NotUnderstoodError, interpret, realise
from printforge_services.generator.planner.families import all_families


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


@pytest.mark.parametrize("prompt", ["SD card holder", "drawer label holder"])
def test_holders_we_cannot_make_are_said_so(prompt: str) -> None:
    with pytest.raises(NotUnderstoodError) as info:
        interpret(prompt)
    assert "phone" not in str(info.value).lower().split(":")[0]


def test_gopro_mount_adapter_is_not_a_nema_plate() -> None:
    """A GoPro mount is the catalog's GoPro starter when it has one, else an honest no."""
    if "starter:gopro_mount" in all_families():
        assert interpret("GoPro mount adapter").tree["family"] == "starter:gopro_mount"
        return
    with pytest.raises(NotUnderstoodError, match="gopro"):
        interpret("GoPro mount adapter")


def test_raspberry_pi_4_case_does_not_read_4_as_a_size() -> None:
    plan = interpret("raspberry pi 4 case")
    assert not any("4" in line for line in plan.report.unused)
    if "starter:board_enclosure" in all_families():
        assert plan.tree["family"] == "starter:board_enclosure"
        assert plan.tree["params"]["board"] == "raspberry_pi_4"
    else:
        assert plan.tree["family"] == "starter:box_with_lid"
        assert plan.tree["params"]["length"] == 85 + 8 and plan.tree["params"]["width"] == 56 + 8
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
        (
            "a box with lid 120x80x50 with M2.5 screws",
            "starter:box_with_lid",
            {"screw": "M2.5", "length": 120},
        ),
        ("L bracket 40x40, 3mm thick", "l_bracket", {"leg_a": 40, "leg_b": 40, "thickness": 3}),
        (
            "gridfinity bin without magnet holes, with screw holes and no stacking lip",
            "starter:gridfinity_bin",
            {"magnet_holes": False, "screw_holes": True, "stacking_lip": False},
        ),
        ("plant pot with no feet", "starter:plant_pot", {"feet": False}),
    ],
)
def test_every_option_a_starter_has_is_reachable(prompt: str, family: str, expect: dict) -> None:
    plan = interpret(prompt)
    assert plan.tree["family"] == family
    assert {k: plan.tree["params"].get(k) for k in expect} == expect
    assert plan.report.unused == []


CATALOG_STARTERS = [
    (
        "a 30 tooth gear with a hub and set screw for a 5mm D-shaft",
        "starter:spur_gear",
        {"teeth": 30, "hub": True, "set_screw": True, "bore": 5.0, "d_flat": 0.5},
    ),
    ("knurled knob with set screw", "starter:knob", {"grip": "knurled", "fit": "set_screw"}),
    (
        "enclosure for an arduino uno without vents",
        "starter:board_enclosure",
        {"board": "arduino_uno", "vents": False},
    ),
    ("fan guard for a 120mm fan", "starter:fan_guard", {"fan_size": 120}),
    ("gopro mount with 2 fingers", "starter:gopro_mount", {"fingers": 2}),
    (
        "hinged box 80 x 50 x 30 with an m3 pin",
        "starter:hinged_box",
        {"pin": "m3", "length": 80, "height": 30},
    ),
    ("snap-fit box 60x40x30", "starter:snap_box", {"length": 60, "width": 40, "height": 30}),
]


@pytest.mark.parametrize(("prompt", "family", "expect"), CATALOG_STARTERS)
def test_starters_are_reached_by_their_param_names(prompt: str, family: str, expect: dict) -> None:
    """Booleans ('without vents'), choices ('knurled'), counts ('2 fingers') and objects ('arduino
    uno', '120mm fan', '5mm D-shaft') reach any starter through its manifest names alone."""
    families = all_families()
    if family not in families or not set(expect) <= {p.name for p in families[family].params()}:
        pytest.skip(f"{family} with {', '.join(expect)} is not in this catalog yet")
    plan = interpret(prompt)
    assert plan.tree["family"] == family
    assert {k: plan.tree["params"].get(k) for k in expect} == expect
    assert plan.report.unused == []
