"""Parts sized from the objects they are for: 'a wall hook for a bike helmet' reaches 60 mm.

`printforge_services.generator.objects` knows the real objects (helmets, phones, spools, cables, cells,
boards, motors, ...). Here the planner finds them in a prompt, keeps their names' numbers from
being read as sizes ('raspberry pi 4 case' has no 4 mm anything), picks the part to make when
the prompt only names the object or a generic container for it, and derives the part's
parameters from the object's size. A value the prompt states always wins over a derived one,
and every derived value is reported with the object it came from.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from printforge_services.generator import objects
from printforge_services.generator.objects import MakerObject
from printforge_services.generator.planner.families import Detection, Family, all_families
from printforge_services.generator.planner.phrases import Context

# Object classes (module names in printforge_services.generator.objects) the planner sizes parts for, and
# the families to make for them, best first, when the prompt names no part of its own.
FAMILIES_FOR: dict[str, tuple[str, ...]] = {
    "helmets": ("starter:wall_hook",),
    "headphones": ("starter:wall_hook",),
    "phones": ("starter:phone_stand", "phone_stand"),
    "spools": ("starter:spool_holder",),
    "cables": ("starter:cable_clip",),
    "hex_keys": ("hex_key_holder",),
    "cells": ("cell_holder",),
    "boards": ("starter:board_enclosure", "starter:box_with_lid"),
    "fans": ("starter:fan_guard", "starter:fan_duct"),
    "shafts": ("starter:knob",),
}
# Families too generic to be what an object-specific prompt meant ('a case for a Raspberry Pi').
GENERIC = frozenset({"box", "open_box", "plate", "cylinder", "tube", "ring"})
WEAK_SCORE = 4.0
# Clearance around an enclosed board, per side.
BOARD_GAP = 2.0


@dataclass(frozen=True)
class Found:
    obj: MakerObject
    category: str


@cache
def _categories() -> dict[str, str]:
    """Object id → the module (class of object) it is declared in."""
    out: dict[str, str] = {}
    for info in pkgutil.iter_modules(objects.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{objects.__name__}.{info.name}")
            out.update({obj.id: info.name for obj in module.OBJECTS})
    return out


def find(ctx: Context) -> list[Found]:
    """Objects of the sized classes named in the prompt; their names' words and numbers are used."""
    categories = _categories()
    named = sorted(objects.find_objects(ctx.text), key=lambda o: not _numbered(o, ctx.text))
    found = [Found(o, categories[o.id]) for o in named if categories[o.id] in FAMILIES_FOR]
    for item in found[:1]:
        for pattern in item.obj.patterns():
            for match in re.finditer(pattern, ctx.text):
                ctx.take_span(*match.span())
    return found[:1]


def _numbered(obj: MakerObject, text: str) -> bool:
    """Is the object named with a number ('3 kg spool', 'pi 4')? Such a name is the specific one
    and beats a longer generic one ('filament spool')."""
    return any(re.search(r"\d", m.group()) for p in obj.patterns() for m in re.finditer(p, text))


def route(found: list[Found], detection: Detection | None, ctx: Context) -> Detection | None:
    """The part to make for a named object when the prompt's own part word is missing or generic."""
    specific = detection is not None and detection.family.name not in GENERIC
    if not found or (specific and detection.score >= WEAK_SCORE):
        return detection
    families = all_families()
    item = found[0]
    for name in FAMILIES_FOR[item.category]:
        if name in families:
            family = families[name]
            ctx.notes.append(f"made a {family.title.lower()} for the {item.obj.title}")
            return Detection(family, WEAK_SCORE, (item.obj.title,))
    return detection


def size(found: list[Found], family: Family, values: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """Parameters derived from the object, for params the prompt did not set; each reported."""
    if not found:
        return {}
    item = found[0]
    sizer = SIZERS.get((family.name, item.category))
    if sizer is None:
        return {}
    names = {p.name: p for p in family.params()}
    out: dict[str, Any] = {}
    for name, (value, why) in sizer(item.obj, ctx).items():
        if name in values or name not in names:
            continue
        param = names[name]
        if param.type == "number":
            value = round(max(param.min or value, min(param.max or value, value)), 2)
        out[name] = value
        unit = f" {param.unit}" if param.unit else ""
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        ctx.understood.append(f"{param.label} = {shown}{unit} from the {item.obj.title} ({why})")
    return out


Sizer = Callable[[MakerObject, Context], dict[str, tuple[Any, str]]]


def _helmet_hook(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    reach = float(obj.features["hook_reach"])
    return {
        "reach": (reach, "reach into the helmet's crown"),
        "width": (float(obj.features["rest_width"]) / 2, "a wide arm for the shell to rest on"),
        "tip_height": (25.0, "a tall tip so the strap cannot slide off"),
    }


def _headphone_hook(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    band = float(obj.features["headband_width"])
    return {
        "reach": (float(obj.features["hook_reach"]), "clear of the ear cups"),
        "width": (band + 10.0, f"the {band:g} mm headband plus 5 mm a side"),
    }


def _phone_stand(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    width, height, thick = obj.size
    bare = ctx.has(r"\b(?:no|without(?: a)?) case\b")
    allowance = 0.0 if bare else float(obj.features.get("case_allowance", 0.0))
    why = "its thickness + 1 mm" + ("" if bare else f" + {allowance:g} mm for a case")
    return {
        "device_thickness": (round(thick + allowance + 1.0, 1), why),
        "width": (0.6 * width, "60% of its width") if obj.features.get("tablet") else (width, "its width"),
        "back_height": (round(height * 0.5), "half its height"),
    }


def _spool_holder(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    return {
        "spool_width": (float(obj.features["width"]) + 5.0, "its width + 5 mm play"),
        "spool_diameter": (float(obj.features["diameter"]), "its outside diameter"),
    }


def _cable_clip(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    return {"cable_diameter": (float(obj.features["diameter"]), "its jacket diameter")}


def _cell_holder(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    return {"cell": (obj.title.split()[0].upper(), "the cell named")}


def _board_box(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    x, y, z = obj.size
    wall = 2.0
    ctx.notes.append(
        f"enclosure for the {obj.title}: approximated by a box sized around the board "
        f"({BOARD_GAP:g} mm gap a side), without standoffs or port cut-outs"
    )
    return {
        "length": (x + 2 * (wall + BOARD_GAP), f"board {x:g} mm + walls and gap"),
        "width": (y + 2 * (wall + BOARD_GAP), f"board {y:g} mm + walls and gap"),
        "height": (z + 2 * wall + 8.0, f"board and parts {z:g} mm + floor, lid and standoff room"),
    }


def _board_enclosure(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    return {"board": (obj.id, "the board named")}


def _fan_size(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
    return {"fan_size": (round(obj.size[0]), "its frame size")}


def _shaft(bore: str) -> Sizer:
    def sizer(obj: MakerObject, ctx: Context) -> dict[str, tuple[Any, str]]:
        return {
            bore: (float(obj.features["diameter"]), "its diameter"),
            "d_flat": (float(obj.features["flat"]), "its flat"),
        }

    return sizer


SIZERS: dict[tuple[str, str], Sizer] = {
    ("starter:wall_hook", "helmets"): _helmet_hook,
    ("starter:wall_hook", "headphones"): _headphone_hook,
    ("starter:phone_stand", "phones"): _phone_stand,
    ("starter:spool_holder", "spools"): _spool_holder,
    ("starter:cable_clip", "cables"): _cable_clip,
    ("cell_holder", "cells"): _cell_holder,
    ("starter:box_with_lid", "boards"): _board_box,
    ("open_box", "boards"): _board_box,
    ("starter:board_enclosure", "boards"): _board_enclosure,
    ("starter:fan_guard", "fans"): _fan_size,
    ("starter:fan_duct", "fans"): _fan_size,
    ("starter:knob", "shafts"): _shaft("shaft_diameter"),
    ("starter:spur_gear", "shafts"): _shaft("bore"),
}
