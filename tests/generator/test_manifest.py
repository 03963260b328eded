"""Parameter manifest: JSON shape and validation of overrides (all errors at once)."""

from __future__ import annotations

import json
import math

import pytest

from printforge_services.generator.manifest import Param, ParamError, manifest_json, resolve

PARAMS = (
    Param("width", "Width", "number", 80.0, unit="mm", min=10, max=200, step=1, group="Size"),
    Param("count", "Count", "integer", 2, min=1, max=6),
    Param("label", "Label", "text", "hi", max=5),
    Param("style", "Style", "enum", "a", options=["a", "b"]),
    Param("pitch", "Pitch", "enum", 25.4, options=[25.4, 38.1]),
    Param("lip", "Lip", "boolean", True, description="stacking lip"),
)


def test_resolve_fills_defaults_and_coerces_types() -> None:
    values = resolve(PARAMS, {"width": 100, "count": 3.0, "pitch": 38.1})
    assert values == {"width": 100.0, "count": 3, "label": "hi", "style": "a", "pitch": 38.1, "lip": True}
    assert isinstance(values["width"], float) and isinstance(values["count"], int)


def test_resolve_reports_every_bad_field_naming_it() -> None:
    bad = {"width": 5, "count": 2.5, "label": "toolong", "style": "c", "lip": 1, "colour": "red"}
    with pytest.raises(ParamError) as info:
        resolve(PARAMS, bad)
    errors = info.value.errors
    assert set(errors) == {"width", "count", "label", "style", "lip", "colour"}
    assert "minimum" in errors["width"]
    assert "integer" in errors["count"]
    assert "length" in errors["label"]
    assert "not one of" in errors["style"]
    assert "boolean" in errors["lip"]
    assert "unknown" in errors["colour"]
    assert "width" in str(info.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("width", 201),
        ("width", math.nan),
        ("width", math.inf),
        ("width", "80"),
        ("width", True),
        ("count", 0),
        ("count", 7),
        ("pitch", True),
        ("label", 5),
        ("label", "a\x00b"),
    ],
)
def test_resolve_rejects(name: str, value: object) -> None:
    with pytest.raises(ParamError) as info:
        resolve(PARAMS, {name: value})
    assert list(info.value.errors) == [name]


def test_limits_are_inclusive() -> None:
    assert resolve(PARAMS, {"width": 10, "count": 6, "label": "12345"})["width"] == 10.0


def test_to_json_is_json_ready_and_omits_unset_fields() -> None:
    data = json.loads(json.dumps(manifest_json(PARAMS)))
    assert data[0] == {
        "name": "width",
        "label": "Width",
        "type": "number",
        "default": 80.0,
        "unit": "mm",
        "min": 10,
        "max": 200,
        "step": 1,
        "group": "Size",
    }
    assert data[3]["options"] == ["a", "b"]
    assert data[5]["description"] == "stacking lip"
    assert "options" not in data[0] and "unit" not in data[5]


def test_param_rejects_invalid_declarations() -> None:
    with pytest.raises(ValueError, match="default"):
        Param("w", "W", "number", 500, min=0, max=100)
    with pytest.raises(ValueError, match="options"):
        Param("e", "E", "enum", "a")
    with pytest.raises(ValueError, match="type"):
        Param("x", "X", "float", 1.0)  # type: ignore[arg-type]
