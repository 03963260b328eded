"""Control knob for potentiometers/encoders: D-shaft bore, grip flutes, pointer mark.

Printed upside down is unnecessary: the bore opens at the bottom and the top is flat
apart from a shallow pointer groove, so it prints as is without supports.
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from services.generator.catalog.template import Template, raise_if, require
from services.generator.manifest import Param

PARAMS = (
    Param("diameter", "Diameter", "number", 25.0, unit="mm", min=10, max=60, step=0.5, group="Size"),
    Param("height", "Height", "number", 15.0, unit="mm", min=8, max=40, step=0.5, group="Size"),
    Param(
        "shaft_diameter",
        "Shaft diameter",
        "number",
        6.0,
        unit="mm",
        min=3,
        max=10,
        step=0.05,
        group="Shaft",
        description="6 mm for most potentiometers; add 0.1-0.2 mm for printer tolerance.",
    ),
    Param(
        "d_flat",
        "D-flat depth",
        "number",
        1.5,
        unit="mm",
        min=0,
        max=2.5,
        step=0.1,
        group="Shaft",
        description="0 for a round shaft.",
    ),
    Param("shaft_depth", "Bore depth", "number", 10.0, unit="mm", min=5, max=30, step=0.5, group="Shaft"),
    Param("flutes", "Grip flutes", "integer", 18, min=0, max=40, step=1, group="Grip"),
    Param("pointer", "Pointer groove", "boolean", True, group="Grip"),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(
        v["shaft_depth"] <= v["height"] - 1.5,
        "shaft_depth",
        "must leave at least 1.5 mm above the bore",
        errors,
    )
    require(
        v["shaft_diameter"] <= v["diameter"] - 4, "shaft_diameter", "leaves less than 2 mm of wall", errors
    )
    require(v["d_flat"] < v["shaft_diameter"] / 2, "d_flat", "must be less than the shaft radius", errors)
    raise_if(errors)


def build(v: dict[str, Any]) -> cq.Shape:
    d, h = v["diameter"], v["height"]
    chamfer = min(1.0, h / 10)
    # flutes are cut in 2D (one sketch boolean) before extruding: far faster than 3D cuts
    outline = cq.Sketch().circle(d / 2)
    if v["flutes"]:
        flute_r = max(d * 0.03, 0.6)
        ring = d / 2 + flute_r * 0.3
        angles = [2 * math.pi * k / v["flutes"] for k in range(v["flutes"])]
        outline = outline.push([(ring * math.cos(a), ring * math.sin(a)) for a in angles]).circle(
            flute_r, mode="s"
        )
    knob = cq.Workplane("XY").placeSketch(outline.reset()).extrude(h).val()
    # 45° top chamfer: keep only what lies inside a cone starting at the rim
    cone = cq.Solid.makeCone(d / 2, 0, d / 2, cq.Vector(0, 0, h - chamfer))
    knob = knob.cut(cq.Solid.makeCylinder(d, d, cq.Vector(0, 0, h - chamfer)).cut(cone))
    tools: list[cq.Shape] = []
    shaft_r = v["shaft_diameter"] / 2
    bore = cq.Solid.makeCylinder(shaft_r, v["shaft_depth"] + 1, cq.Vector(0, 0, -1))
    if v["d_flat"] > 0:
        # the flat: a block filling the bore's segment beyond (radius - d_flat) stays solid
        keep = cq.Solid.makeBox(
            2 * shaft_r + 2,
            2 * shaft_r + 2,
            v["shaft_depth"] + 4,
            cq.Vector(shaft_r - v["d_flat"], -shaft_r - 1, -2),
        )
        bore = bore.cut(keep)
    tools.append(bore)
    if v["pointer"]:
        width = max(d * 0.05, 1.0)
        tools.append(cq.Solid.makeBox(d / 2 - d * 0.1, width, 2, cq.Vector(d * 0.1, -width / 2, h - 0.8)))
    return knob.cut(*tools).clean()


TEMPLATE = Template(
    id="knob",
    kind="starter",
    title="Knob",
    description="Fluted knob with a D-shaft bore and pointer groove for potentiometers and rotary encoders.",
    params=PARAMS,
    build=build,
    check=check,
)
