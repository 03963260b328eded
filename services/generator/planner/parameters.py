"""The parameter manifest of a feature tree, and applying edited values back to it.

Family parameters keep their names; feature numbers are exposed as
`<type><n>_<field>` (e.g. `hole1_diameter`, `fillet1_radius`) so one flat manifest,
validated by `printforge_services.generator.manifest.resolve`, drives both. Editing a value
rewrites the tree; the part is then rebuilt from the tree, never from the prompt.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from printforge_services.generator.manifest import Param, resolve
from printforge_services.generator.planner import standards
from printforge_services.generator.planner.families import get_family
from printforge_services.generator.planner.families.base import length

# (feature type, path inside the feature, label, kind) — kind: length | count | thread | text | length0
FEATURE_KNOBS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("hole", ("diameter",), "diameter", "length"),
    ("hole", ("depth",), "depth (0 = through)", "length0"),
    ("hole", ("pattern", "count"), "count", "count"),
    ("hole", ("pattern", "offset"), "edge offset", "length0"),
    ("hole", ("pattern", "pcd"), "bolt circle diameter", "length"),
    ("hole", ("pattern", "spacing"), "spacing", "length0"),
    ("slot", ("width",), "width", "length"),
    ("slot", ("length",), "length", "length"),
    ("slot", ("pattern", "count"), "count", "count"),
    ("nut_pocket", ("thread",), "nut size", "thread"),
    ("insert", ("thread",), "insert size", "thread"),
    ("fillet", ("radius",), "radius", "length"),
    ("chamfer", ("size",), "size", "length"),
    ("shell", ("thickness",), "wall thickness", "length"),
    ("text", ("text",), "text", "text"),
    ("text", ("size",), "height", "length"),
    ("text", ("depth",), "depth", "length"),
)


def _get(feature: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = feature
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _knobs(tree: Mapping[str, Any]) -> list[tuple[Param, int, tuple[str, ...]]]:
    out = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(tree["features"]):
        kind = feature["type"]
        seen[kind] = seen.get(kind, 0) + 1
        prefix = f"{kind}{seen[kind]}"
        group = f"{kind.replace('_', ' ')} {seen[kind]}"
        for ftype, path, label, knob in FEATURE_KNOBS:
            if ftype != kind:
                continue
            value = _get(feature, path)
            if value is None and knob != "length0":
                continue
            if kind == "hole" and path == ("pattern", "count") and feature["pattern"]["kind"] == "grid":
                continue
            name = f"{prefix}_{path[-1]}"
            full_label = f"{group.capitalize()} {label}"
            if knob == "count":
                param = Param(name, full_label, "integer", value, min=1, max=500, step=1, group=group)
            elif knob == "thread":
                param = Param(name, full_label, "enum", value, options=standards.SIZE_NAMES, group=group)
            elif knob == "text":
                param = Param(name, full_label, "text", value, min=1, max=64, group=group)
            else:
                param = length(
                    name, full_label, value or 0.0, group=group, minimum=0 if knob == "length0" else 0.1
                )
            out.append((param, index, path))
    return out


def manifest(tree: Mapping[str, Any]) -> tuple[list[Param], dict[str, Any]]:
    """(params, current values) for the whole tree."""
    family = get_family(tree["family"])
    params = list(family.params())
    values = resolve(params, tree["params"])
    for param, _, _ in _knobs(tree):
        params.append(param)
        values[param.name] = param.default
    return params, values


def apply_values(tree: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A new tree with `values` applied; raises ParamError listing every bad field."""
    params, _ = manifest(tree)
    resolved = resolve(params, values)  # validates names and types of the edits
    edited = {k: resolved[k] for k in values}
    out = copy.deepcopy(dict(tree))
    family = get_family(tree["family"])
    family_names = {p.name for p in family.params()}
    for name, value in edited.items():
        if name in family_names:
            out["params"][name] = value
    for param, index, path in _knobs(tree):
        if param.name in edited:
            target = out["features"][index]
            for key in path[:-1]:
                target = target[key]
            value = edited[param.name]
            if path == ("depth",) and value == 0:
                value = None
            target[path[-1]] = value
    family.check(resolve(family.params(), out["params"]))
    return out
