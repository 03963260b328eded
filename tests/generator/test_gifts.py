"""Gift templates: every gift at its defaults and parameter corners renders one healthy solid.

Each case goes through the real render path (validation, build, single-solid check, STL
export) and the STL is read back and judged by the printability analyzer users call.
"""

from __future__ import annotations

from typing import Any

import pytest

from printforge_services.generator.catalog import get_template, list_templates
from printforge_services.generator.catalog.gifts import GIFTS
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.render import RenderResult, render
from printforge_services.generator.text import min_font_size
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import load_mesh

GIFT_IDS = ("bookmark", "coaster", "keychain", "name_plate", "ornament")
# gifts whose text sits on the flat top of a plate lying on z=0
FLAT_GIFTS = ("bookmark", "coaster", "keychain", "ornament")


def corner(gift_id: str, end: str) -> dict[str, Any]:
    """Every numeric parameter at its min or max; other parameters at their defaults."""
    params = GIFTS[gift_id].params
    return {p.name: getattr(p, end) for p in params if p.type in ("number", "integer")}


CASES: list[tuple[str, dict[str, Any]]] = [
    *[(g, {}) for g in GIFT_IDS],
    *[(g, corner(g, "min")) for g in GIFT_IDS],
    *[(g, corner(g, "max")) for g in GIFT_IDS],
    ("coaster", {"shape": "heart", "secondaryText": "Anna & Ben", "textStyle": "raised"}),
    ("coaster", {"shape": "hexagon", "primaryText": "Happy Birthday", "secondaryText": "Grandpa"}),
    ("coaster", {"shape": "square", "primaryText": "Ünïcödé ß ©"}),
    ("ornament", {"shape": "star", "secondaryText": "2025", "textStyle": "engraved"}),
    ("name_plate", {"secondaryText": "Chief Printing Officer", "textStyle": "engraved", "angle": 45}),
    ("keychain", {"name": "Maximiliane", "textStyle": "engraved"}),
]


def case_id(case: tuple[str, dict[str, Any]]) -> str:
    gift_id, config = case
    return f"{gift_id}-" + ("-".join(f"{k}={v}" for k, v in config.items()) or "defaults")


def stl_analysis(result: RenderResult) -> dict:
    return analyze(load_mesh(result.files["stl"], "part.stl"))


def test_registry_lists_every_gift() -> None:
    assert tuple(t.id for t in list_templates("gift")) == GIFT_IDS
    for gift_id in GIFT_IDS:
        template = get_template("gift", gift_id)
        assert template.kind == "gift"
        names = [p["name"] for p in template.manifest()]
        assert "textStyle" in names and "textDepth" in names
        assert all("_" not in name and name[0].islower() for name in names)  # camelCase


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_gift_renders_one_healthy_solid(case: tuple[str, dict[str, Any]]) -> None:
    gift_id, config = case
    result = render("gift", gift_id, config, formats=("stl",))
    report = stl_analysis(result)
    assert report["status"] == "healthy", report
    assert report["extra"]["bodies"] == 1
    assert report["metrics"]["volume"] * 1e9 == pytest.approx(result.volume_mm3, rel=0.01)
    values = result.values
    if gift_id in FLAT_GIFTS:
        relief = values["textDepth"] if values["textStyle"] == "raised" else 0.0
        assert result.size_mm[2] == pytest.approx(values["thickness"] + relief, abs=1e-3)


@pytest.mark.parametrize("gift_id", FLAT_GIFTS)
def test_raised_adds_and_engraved_removes_material(gift_id: str) -> None:
    raised = render("gift", gift_id, {"textStyle": "raised"}, formats=())
    engraved = render("gift", gift_id, {"textStyle": "engraved"}, formats=())
    depth = raised.values["textDepth"]
    # the letters' volume is the same prism either way: raised - engraved = 2 * letters
    letters = (raised.volume_mm3 - engraved.volume_mm3) / 2
    assert letters > 0
    x0, y0, _, x1, y1, _ = engraved.bbox_mm
    plate = engraved.volume_mm3 + letters
    assert plate < (x1 - x0) * (y1 - y0) * raised.values["thickness"]
    assert letters / depth > 20  # at least 20 mm² of lettering: the text was really applied


def test_long_text_shrinks_but_stays_inside_the_coaster() -> None:
    short = render("gift", "coaster", {"primaryText": "Hi", "textStyle": "raised"}, formats=())
    long = render("gift", "coaster", {"primaryText": "Happy Birthday", "textStyle": "raised"}, formats=())
    assert long.size_mm[:2] == pytest.approx(short.size_mm[:2], abs=1e-6)
    assert long.size_mm[:2] == pytest.approx((95.0, 95.0), abs=1e-3)


@pytest.mark.parametrize(
    ("gift_id", "config", "field", "fragment"),
    [
        ("coaster", {"primaryText": "The quick brown fox jumps"[:24]}, "primaryText", "too long"),
        ("keychain", {"name": "Bartholomew-Ann"}, "name", "too long"),
        ("coaster", {"secondaryText": "snow ☃"}, "secondaryText", "U+2603"),
        ("ornament", {"primaryText": "中文"}, "primaryText", "not in font"),
        ("bookmark", {"primaryText": "   "}, "primaryText", "no visible characters"),
        ("keychain", {"textStyle": "engraved", "thickness": 2.0, "textDepth": 1.5}, "textDepth", "floor"),
        ("coaster", {"textStyle": "engraved", "thickness": 2.0, "textDepth": 2.0}, "textDepth", "floor"),
        (
            "name_plate",
            {"angle": 45, "height": 25, "textStyle": "engraved", "textDepth": 3.0},
            "textDepth",
            "floor",
        ),
        (
            "name_plate",
            {"primaryText": "Dr. Maximilian Oppenheimer-Smith", "length": 80},
            "primaryText",
            "too long",
        ),
    ],
)
def test_bad_config_is_a_param_error_before_any_cad(
    gift_id: str, config: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(ParamError) as info:
        GIFTS[gift_id].resolve(config)
    assert fragment in info.value.errors[field]


def test_too_long_message_says_how_much_room_is_needed() -> None:
    with pytest.raises(ParamError) as info:
        GIFTS["keychain"].resolve({"name": "Bartholomew-Ann"})
    message = info.value.errors["name"]
    assert f"minimum font size {min_font_size()} mm" in message
    assert "shorten it or make the part larger" in message
