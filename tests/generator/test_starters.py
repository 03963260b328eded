"""Every starter renders ONE valid solid with a healthy STL at its defaults and at the
all-minimum and all-maximum corners of its parameter space (booleans off/on, first/last
enum option), plus behaviour checks of individual starters.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
import trimesh

from printforge_services.generator.catalog import UnknownTemplateError, get_template, list_templates
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.render import render
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import load_mesh

REQUIRED = {
    "phone_stand",
    "gridfinity_bin",
    "gridfinity_baseplate",
    "box_with_lid",
    "l_bracket",
    "standoff",
    "cable_clip",
    "wall_hook",
    "pegboard_hook",
    "plant_pot",
    "knob",
    "spool_holder",
    "hex_bit_holder",
    "board_enclosure",
    "spur_gear",
    "snap_box",
    "hinged_box",
    "shelf_bracket",
    "fan_guard",
    "fan_duct",
    "gopro_mount",
    "desk_grommet",
    "lithophane_frame",
    "wall_anchor",
    "screwdriver_rack",
}
STARTER_IDS = sorted(t.id for t in list_templates("starter"))


def corner(template: Template, high: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for p in template.params:
        if p.type in ("number", "integer"):
            values[p.name] = p.max if high else p.min
        elif p.type == "boolean":
            values[p.name] = high
        elif p.type == "enum":
            assert p.options is not None
            values[p.name] = p.options[-1 if high else 0]
    return values


def test_catalog_has_the_starters_makers_print() -> None:
    assert set(STARTER_IDS) >= REQUIRED
    for template in list_templates("starter"):
        assert template.kind == "starter" and template.title and template.description
        json.dumps(template.to_json())
        for p in template.params:
            if p.type in ("number", "integer"):
                assert p.min is not None and p.max is not None and p.min < p.max, (template.id, p.name)


def test_unknown_starter_names_the_available_ones() -> None:
    with pytest.raises(UnknownTemplateError, match="phone_stand"):
        get_template("starter", "teapot")


@pytest.mark.parametrize("point", ["default", "min", "max"])
@pytest.mark.parametrize("starter_id", STARTER_IDS)
def test_starter_renders_one_healthy_solid(starter_id: str, point: str) -> None:
    template = get_template("starter", starter_id)
    values = {} if point == "default" else corner(template, point == "max")
    result = render("starter", starter_id, values, formats=("stl",))
    report = analyze(load_mesh(result.files["stl"], "part.stl"))
    assert report["status"] == "healthy", report["metrics"]
    assert report["extra"]["bodies"] == 1
    # chords of small circles (0.3 rad angular tolerance) lose up to ~1 % of their area
    assert report["metrics"]["volume"] * 1e9 == pytest.approx(result.volume_mm3, rel=1e-2)
    lo, hi = report["extra"]["bounding_box_mm"]["min"], report["extra"]["bounding_box_mm"]["max"]
    assert lo + hi == pytest.approx(list(result.bbox_mm), abs=0.06)
    assert result.bbox_mm[2] == pytest.approx(0.0, abs=1e-6) or starter_id == "gridfinity_baseplate"


def test_render_reports_all_bad_params_before_building() -> None:
    with pytest.raises(ParamError) as info:
        render("starter", "phone_stand", {"width": 1, "angle": 200, "nope": 1})
    assert set(info.value.errors) == {"width", "angle", "nope"}


def test_cross_field_check_rejects_impossible_combination() -> None:
    with pytest.raises(ParamError) as info:
        render("starter", "standoff", {"outer_diameter": 4, "hole_diameter": 3.5})
    assert "hole_diameter" in info.value.errors


@pytest.mark.parametrize(
    ("starter_id", "param", "value", "axis", "expected"),
    [
        ("phone_stand", "width", 100, 1, 100.0),
        ("l_bracket", "leg_a", 90, 0, 90.0),
        ("standoff", "height", 25, 2, 25.0),
        ("plant_pot", "top_diameter", 120, 0, 120.0),
        ("knob", "height", 20, 2, 20.0),
        ("box_with_lid", "length", 120, 0, 120.0),
    ],
)
def test_primary_dimension_follows_its_parameter(
    starter_id: str, param: str, value: float, axis: int, expected: float
) -> None:
    result = render("starter", starter_id, {param: value}, formats=())
    assert result.size_mm[axis] == pytest.approx(expected, abs=0.01)


def test_plant_pot_drains_through_its_floor() -> None:
    closed = render(
        "starter", "plant_pot", {"feet": False, "drain_holes": 1, "drain_diameter": 3}, formats=()
    )
    more = render("starter", "plant_pot", {"feet": False, "drain_holes": 5, "drain_diameter": 8}, formats=())
    assert closed.volume_mm3 - more.volume_mm3 == pytest.approx(
        np.pi * (5 * 16 - 2.25) * 2.5,
        rel=1e-3,  # 5 holes of r=4 minus one of r=1.5, floor 2.5 mm
    )


def test_box_lid_rim_fits_inside_the_box_with_clearance() -> None:
    values = {"length": 90, "width": 70, "wall": 2.0, "clearance": 0.3, "lid_thickness": 2.0}
    box = render("starter", "box_with_lid", values, formats=())
    lid = render("starter", "box_with_lid", {**values, "part": "lid"}, formats=("stl",))
    assert box.size_mm[:2] == pytest.approx(lid.size_mm[:2])
    mesh = trimesh.load(io.BytesIO(lid.files["stl"]), file_type="stl")
    rim = mesh.section(plane_origin=[0, 0, 3.5], plane_normal=[0, 0, 1])
    rim_size = rim.bounds[1] - rim.bounds[0]
    assert rim_size[:2] == pytest.approx([90 - 2 * 2.3, 70 - 2 * 2.3], abs=0.01)


MATING = {
    "knob", "box_with_lid", "board_enclosure", "spur_gear", "snap_box", "hinged_box", "gopro_mount",
    "fan_guard", "fan_duct", "desk_grommet", "lithophane_frame", "wall_anchor", "spool_holder",
    "cable_clip", "screwdriver_rack", "hex_bit_holder",
}  # fmt: skip
# Follow-ups makers ask for ("make it 20% taller", "add fillets", "add two mounting holes")
# and the parameter of each family that expresses them (None: the part has no such feature).
FOLLOW_UPS: dict[str, tuple[str | None, str | None, str | None]] = {
    "board_enclosure": ("height", "fillet_radius", "mounting_holes"),
    "spur_gear": ("height", None, None),
    "snap_box": ("height", "fillet_radius", None),
    "hinged_box": ("height", "fillet_radius", None),
    "box_with_lid": ("height", "fillet_radius", None),
    "gopro_mount": ("pivot_height", "fillet_radius", "mounting_holes"),
    "fan_guard": ("height", None, None),
    "fan_duct": ("height", None, None),
    "shelf_bracket": ("height", "fillet_radius", "mounting_holes"),
    "desk_grommet": ("desk_thickness", None, None),
    "lithophane_frame": ("panel_height", "fillet_radius", None),
    "wall_anchor": (None, "fillet_radius", "mounting_holes"),  # its size is the object's
    "wall_hook": ("plate_height", "fillet_radius", "mounting_holes"),
    "screwdriver_rack": ("height", "fillet_radius", "mounting_holes"),
    "knob": ("height", None, None),
}


def test_every_starter_has_aliases_no_two_share_one_and_mating_parts_share_the_clearance() -> None:
    seen: dict[str, str] = {}
    for template in list_templates("starter"):
        assert template.aliases, template.id
        for alias in template.aliases:
            assert alias not in seen, (alias, template.id, seen.get(alias))
            seen[alias] = template.id
    for starter_id in MATING:
        (clearance,) = [p for p in get_template("starter", starter_id).params if p.name == "clearance"]
        assert (clearance.default, clearance.unit, clearance.min) == (0.2, "mm", 0.0), starter_id


@pytest.mark.parametrize("starter_id", sorted(FOLLOW_UPS))
def test_follow_ups_have_parameters(starter_id: str) -> None:
    template = get_template("starter", starter_id)
    params = {p.name: p for p in template.params}
    size, fillet, holes = FOLLOW_UPS[starter_id]
    if size is not None:  # 20 % taller stays inside the manifest's range
        assert params[size].default * 1.2 <= params[size].max, starter_id
    if fillet is not None:
        assert params[fillet].type == "number" and params[fillet].min == 0 and params[fillet].unit == "mm"
    if holes is not None:
        assert params[holes].type == "integer" and params[holes].min <= 2 <= params[holes].max
