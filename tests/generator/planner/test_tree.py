"""Feature-tree schema, parameter manifest round trips and interpretation reports."""

from __future__ import annotations

import copy
import json

import pytest

from printforge_services.generator.manifest import ParamError, resolve
from printforge_services.generator.planner import generate, interpret, rebuild
from printforge_services.generator.planner.build import build
from printforge_services.generator.planner.parameters import apply_values, manifest
from printforge_services.generator.planner.schema import TreeError, validate
from tests.generator.planner.geometry import measure

FLANGE = (
    "pipe flange with 80 mm outer diameter, 10 mm thick, 30 mm bore and 4 bolt holes of 8 mm "
    "on a 60 mm bolt circle"
)


def test_tree_is_json_and_valid() -> None:
    plan = interpret(FLANGE)
    validate(json.loads(json.dumps(plan.tree)))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.update(family="Box!"),
        lambda t: t["features"].append(
            {"type": "hole", "diameter": -1, "pattern": {"kind": "center", "count": 1}}
        ),
        lambda t: t["features"].append(
            {"type": "hole", "diameter": 3, "pattern": {"kind": "circle", "count": 4}}
        ),
        lambda t: t["features"].append({"type": "exec", "code": "print(1)"}),
        lambda t: t.pop("params"),
    ],
)
def test_schema_rejects_bad_trees(mutate) -> None:
    tree = copy.deepcopy(interpret(FLANGE).tree)
    mutate(tree)
    with pytest.raises(TreeError, match="invalid feature tree"):
        validate(tree)


def test_manifest_exposes_family_and_feature_params() -> None:
    params, values = manifest(interpret(FLANGE).tree)
    names = [p.name for p in params]
    assert names[:3] == ["outer_diameter", "thickness", "bore"]
    assert {"hole1_diameter", "hole1_count", "hole1_pcd"} <= set(names)
    assert values["hole1_pcd"] == 60 and values["hole1_count"] == 4
    assert resolve(params, values) == values
    assert all(p.to_json()["name"] for p in params)


def test_editing_params_rebuilds_from_the_tree() -> None:
    result = generate(FLANGE)
    edited = rebuild(result.tree, {"hole1_count": 6, "thickness": 12})
    measured = measure(edited.shape)
    assert measured.genus == 7 and measured.dims[0] == pytest.approx(12)
    assert edited.values["hole1_count"] == 6


def test_bad_param_edit_lists_every_field() -> None:
    tree = interpret(FLANGE).tree
    with pytest.raises(ParamError) as info:
        apply_values(tree, {"hole1_count": 0, "nope": 1})
    assert set(info.value.errors) == {"hole1_count", "nope"}


def test_cross_field_error_on_edit() -> None:
    tree = interpret(FLANGE).tree
    with pytest.raises(ParamError, match="bore"):
        apply_values(tree, {"bore": 90.0})


def test_report_says_what_was_understood_assumed_and_unused() -> None:
    report = interpret("a purple 40x20x10mm box with a 5 mm hole").report
    assert report.family == "box"
    assert "purple" in report.unused
    assert any("40" in line for line in report.understood)
    assert 0 < report.confidence < 1


def test_defaults_are_reported() -> None:
    report = interpret("a washer").report
    assert any("Metric size = M5" in line for line in report.assumed)


def test_misspelt_family_is_guessed_and_said() -> None:
    plan = interpret("a cylindar 20 mm diameter 30 mm tall")
    assert plan.tree["family"] == "cylinder"
    assert any("cylindar" in note for note in plan.report.notes)
    assert plan.report.confidence < 0.8


def test_numbers_without_a_family_fall_back_and_say_so() -> None:
    plan = interpret("something 30 mm diameter, 10 mm tall")
    assert plan.tree["family"] == "cylinder"
    assert any("closest" in note for note in plan.report.notes)


def test_conflicting_dimensions_fall_back_to_defaults() -> None:
    plan = interpret("tube, outer diameter 10 mm, inner diameter 20 mm")
    assert plan.tree["params"].get("inner_diameter", 16) < plan.tree["params"].get("outer_diameter", 20)
    assert plan.report.notes
    build(plan.tree)


def test_catalog_starters_are_reachable_by_name() -> None:
    plan = interpret("a plant pot")
    assert plan.tree["family"] == "starter:plant_pot"
    assert len(build(plan.tree).shape.Solids()) == 1


@pytest.mark.parametrize(
    "prompt",
    [
        "   ",
        "1/0 inch cube",
        "M99 bolt",
        "a box -5 mm",
        "gear fillet all edges",
        "open-top 0x0 99 slot holes",
        "Ø∅× ‘’ “” — 😀",
        "plate with 400 holes in a row",
        "a 10 x 10 x 1 mm plate with a 50 mm hole",
    ],
)
def test_hostile_prompts_end_in_a_solid_or_a_clean_error(prompt: str) -> None:
    try:
        result = generate(prompt)
    except ValueError as exc:
        assert str(exc)
        return
    assert len(result.shape.Solids()) == 1 and result.shape.isValid()


@pytest.mark.parametrize(
    ("prompt", "family"),
    [
        ("a round spacer for M3 screws, 6 mm diameter, 10 mm long", "standoff"),
        ("nut for an M5 bolt", "hex_nut"),
        ("a plain washer to fit an M6 screw", "washer"),
        ("mounting plate for a NEMA17 stepper motor, 4 mm thick", "nema_plate"),
        ("hollow cylinder, outside diameter 20, inside diameter 16, 100 long", "tube"),
        ("box without a lid, 50 by 50 by 30 mm", "open_box"),
        ("ISO 4032 nut, M10", "hex_nut"),
    ],
)
def test_part_named_by_its_purpose_is_not_the_part(prompt: str, family: str) -> None:
    assert interpret(prompt).tree["family"] == family


@pytest.mark.parametrize(
    ("prompt", "params"),
    [
        ("cylinder diameter 30 mm, 50 mm", {"diameter": 30.0, "height": 50.0}),
        ("round coaster, radius 45 mm, 5 mm", {"size": 90.0, "thickness": 5.0}),
        ("square plate 50 mm, 3 mm thick", {"length": 50.0, "width": 50.0, "thickness": 3.0}),
    ],
)
def test_a_fallback_does_not_use_up_a_number_it_does_not_need(prompt: str, params: dict) -> None:
    assert interpret(prompt).tree["params"] == params


def test_a_feature_word_does_not_swallow_the_body_size() -> None:
    plan = interpret("a rounded 50x30x20 box")
    assert plan.tree["params"] == {"length": 50, "width": 30, "height": 20}
    assert [f["type"] for f in plan.tree["features"]] == ["fillet"]


def test_ring_with_both_diameters_reads_thick_as_its_width() -> None:
    plan = interpret("a ring 30mm OD 24mm ID 5mm thick")
    assert plan.tree["params"] == {"inner_diameter": 24, "band": 3, "width": 5}
