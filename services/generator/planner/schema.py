"""JSON schema of the feature tree: the planner state that chat turns, manifest edits
and an optional language model all produce and that `build` consumes.

Validating against one schema is what lets model output be accepted as data only:
anything that does not fit is rejected with the path of the offending field, and no
model-written code is ever executed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema

SCHEMA_ID = "printforge.feature-tree/1"
_NUM = {"type": "number", "exclusiveMinimum": 0, "maximum": 5000}
_NUM0 = {"type": "number", "minimum": 0, "maximum": 5000}
_THREAD = {"type": "string", "pattern": r"^M\d+(\.\d+)?$"}

PATTERN: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "count"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["center", "corners", "circle", "row", "grid", "end", "ends", "per_leg"]},
        "count": {"type": "integer", "minimum": 1, "maximum": 500},
        "offset": _NUM0,
        "pcd": _NUM,
        "spacing": _NUM0,
        "nx": {"type": "integer", "minimum": 1, "maximum": 100},
        "ny": {"type": "integer", "minimum": 1, "maximum": 100},
        "angle": {"type": "number", "minimum": -360, "maximum": 360},
    },
    "allOf": [
        {"if": {"properties": {"kind": {"const": "circle"}}}, "then": {"required": ["pcd"]}},
        {
            "if": {"properties": {"kind": {"enum": ["corners", "end", "ends"]}}},
            "then": {"required": ["offset"]},
        },
        {"if": {"properties": {"kind": {"const": "row"}}}, "then": {"required": ["spacing"]}},
        {"if": {"properties": {"kind": {"const": "grid"}}}, "then": {"required": ["nx", "ny", "spacing"]}},
    ],
}


def _feature(name: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", *required],
        "additionalProperties": False,
        "properties": {"type": {"const": name}, **props},
    }


FEATURES: list[dict[str, Any]] = [
    _feature(
        "hole",
        {
            "diameter": _NUM,
            "depth": {"oneOf": [{"type": "null"}, _NUM]},
            "thread": {"oneOf": [{"type": "null"}, _THREAD]},
            "pattern": PATTERN,
            "counterbore": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["diameter", "depth"],
                        "additionalProperties": False,
                        "properties": {"diameter": _NUM, "depth": _NUM},
                    },
                ]
            },
            "countersink": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["diameter", "angle"],
                        "additionalProperties": False,
                        "properties": {
                            "diameter": _NUM,
                            "angle": {"type": "number", "minimum": 60, "maximum": 120},
                        },
                    },
                ]
            },
        },
        ["diameter", "pattern"],
    ),
    _feature("slot", {"width": _NUM, "length": _NUM, "pattern": PATTERN}, ["width", "length", "pattern"]),
    _feature("nut_pocket", {"thread": _THREAD, "pattern": PATTERN}, ["thread", "pattern"]),
    _feature("insert", {"thread": _THREAD, "pattern": PATTERN}, ["thread", "pattern"]),
    _feature(
        "fillet",
        {"radius": _NUM, "edges": {"enum": ["vertical", "top", "bottom", "all"]}},
        ["radius", "edges"],
    ),
    _feature(
        "chamfer", {"size": _NUM, "edges": {"enum": ["vertical", "top", "bottom", "all"]}}, ["size", "edges"]
    ),
    _feature("shell", {"thickness": _NUM}, ["thickness"]),
    _feature(
        "text",
        {
            "text": {"type": "string", "minLength": 1, "maxLength": 64},
            "size": _NUM,
            "depth": _NUM,
            "mode": {"enum": ["emboss", "engrave"]},
        },
        ["text", "size", "depth", "mode"],
    ),
]

FEATURE_TREE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "printforge feature tree",
    "type": "object",
    "required": ["schema", "family", "params", "features"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "family": {"type": "string", "pattern": r"^[a-z0-9_]+(:[A-Za-z0-9_.-]+)?$"},
        "params": {
            "type": "object",
            "additionalProperties": {"type": ["number", "integer", "boolean", "string"]},
        },
        "features": {"type": "array", "maxItems": 64, "items": {"oneOf": FEATURES}},
    },
}
_VALIDATOR = jsonschema.Draft202012Validator(FEATURE_TREE_SCHEMA)


class TreeError(ValueError):
    """The feature tree does not match the schema; the message names the bad field."""


def validate(tree: Mapping[str, Any]) -> None:
    errors = sorted(_VALIDATOR.iter_errors(tree), key=lambda e: list(e.absolute_path))
    if errors:
        detail = "; ".join(
            f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:200]}" for e in errors[:5]
        )
        raise TreeError(f"invalid feature tree: {detail}")


def new_tree(family: str, params: Mapping[str, Any], features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": SCHEMA_ID, "family": family, "params": dict(params), "features": list(features)}
