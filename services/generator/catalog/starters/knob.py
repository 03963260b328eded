"""Control knob for potentiometers, encoders and stepper shafts: D-bore, grip, pointer.

The bore opens at the bottom and the top is flat apart from a shallow pointer groove,
so it prints as is without supports. The bore is sized by the shared printer clearance
(`catalog.fit`): a slip fit (`set_screw`, `clearance` per side, locked by an M3 screw
that bears on the flat) or a press fit (half that gap; the flat and the printer's
slightly small holes grip the shaft). The D-flat face is set back by the same gap, so
the shaft enters freely but cannot turn. Defaults are the 6 mm potentiometer shaft of
`objects.shafts` (flat 1.5 mm deep).
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param
from printforge_services.generator.planner.standards import thread

SET_SCREW = "M3"

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
        description="Nominal shaft diameter (6 mm potentiometers, 5 mm steppers); clearance is added.",
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
        description="How much the flat removes from the round shaft; 0 for a round shaft.",
    ),
    Param("shaft_depth", "Bore depth", "number", 10.0, unit="mm", min=5, max=30, step=0.5, group="Shaft"),
    Param(
        "fit",
        "Shaft fit",
        "enum",
        "press",
        options=["press", "set_screw"],
        group="Shaft",
        description="press: half-clearance bore; set_screw: full clearance and an M3 set-screw hole.",
    ),
    clearance_param(group="Shaft"),
    Param(
        "grip",
        "Grip",
        "enum",
        "flutes",
        options=["smooth", "flutes", "knurled"],
        group="Grip",
        description="Round flutes, a fine straight knurl, or smooth.",
    ),
    Param("flutes", "Grip flutes / knurl ridges", "integer", 18, min=6, max=60, step=1, group="Grip"),
    Param("pointer", "Pointer groove", "boolean", True, group="Grip"),
)


def bore_diameter(v: dict[str, Any]) -> float:
    """Round part of the bore: shaft + clearance per side (slip) or + half of it (press)."""
    gap = v["clearance"] if v["fit"] == "set_screw" else v["clearance"] / 2
    return v["shaft_diameter"] + 2 * gap


def flat_offset(v: dict[str, Any]) -> float:
    """Distance from the axis to the bore's flat face: the shaft's flat plus the gap."""
    gap = v["clearance"] if v["fit"] == "set_screw" else v["clearance"] / 2
    return v["shaft_diameter"] / 2 - v["d_flat"] + gap


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(
        v["shaft_depth"] <= v["height"] - 1.5,
        "shaft_depth",
        "must leave at least 1.5 mm above the bore",
        errors,
    )
    require(bore_diameter(v) <= v["diameter"] - 4, "shaft_diameter", "leaves less than 2 mm of wall", errors)
    require(v["d_flat"] < v["shaft_diameter"] / 2, "d_flat", "must be less than the shaft radius", errors)
    if v["fit"] == "set_screw":
        require(
            v["shaft_depth"] >= thread(SET_SCREW).size + 2,
            "shaft_depth",
            "must be at least 5 mm to take the M3 set screw",
            errors,
        )
    raise_if(errors)


def _outline(v: dict[str, Any]) -> cq.Sketch:
    """Grip profile, cut in 2D (one sketch boolean) before extruding: far faster than 3D cuts."""
    d, n = v["diameter"], v["flutes"]
    if v["grip"] == "knurled":
        # straight knurl: a star of n shallow 90-degree ridges around the rim
        depth = min(0.8, d * 0.03)
        r_out, r_in = d / 2, d / 2 - depth
        points = []
        for k in range(2 * n):
            r = r_out if k % 2 == 0 else r_in
            a = math.pi * k / n
            points.append((r * math.cos(a), r * math.sin(a)))
        return cq.Sketch().polygon([*points, points[0]])
    outline = cq.Sketch().circle(d / 2)
    if v["grip"] == "flutes":
        flute_r = max(d * 0.03, 0.6)
        ring = d / 2 + flute_r * 0.3
        angles = [2 * math.pi * k / n for k in range(n)]
        outline = outline.push([(ring * math.cos(a), ring * math.sin(a)) for a in angles]).circle(
            flute_r, mode="s"
        )
    return outline.reset()


def build(v: dict[str, Any]) -> cq.Shape:
    d, h = v["diameter"], v["height"]
    chamfer = min(1.0, h / 10)
    knob = cq.Workplane("XY").placeSketch(_outline(v)).extrude(h).val()
    # 45° top chamfer: keep only what lies inside a cone starting at the rim
    cone = cq.Solid.makeCone(d / 2, 0, d / 2, cq.Vector(0, 0, h - chamfer))
    knob = knob.cut(cq.Solid.makeCylinder(d, d, cq.Vector(0, 0, h - chamfer)).cut(cone))
    tools: list[cq.Shape] = []
    bore_r = bore_diameter(v) / 2
    bore = cq.Solid.makeCylinder(bore_r, v["shaft_depth"] + 1, cq.Vector(0, 0, -1))
    if v["d_flat"] > 0:
        # the flat: material beyond the flat face (on +X) stays solid
        keep = cq.Solid.makeBox(
            2 * bore_r + 2, 2 * bore_r + 2, v["shaft_depth"] + 4, cq.Vector(flat_offset(v), -bore_r - 1, -2)
        )
        bore = bore.cut(keep)
    tools.append(bore)
    if v["fit"] == "set_screw":
        # radial M3 hole (tap drill, the screw cuts its own thread) bearing on the flat (+X)
        pilot = thread(SET_SCREW).tap_drill
        z = v["shaft_depth"] / 2
        tools.append(cq.Solid.makeCylinder(pilot / 2, d, cq.Vector(0, 0, z), cq.Vector(1, 0, 0)))
    if v["pointer"]:
        width = max(d * 0.05, 1.0)
        tools.append(cq.Solid.makeBox(d / 2 - d * 0.1, width, 2, cq.Vector(d * 0.1, -width / 2, h - 0.8)))
    return knob.cut(*tools).clean()


TEMPLATE = Template(
    id="knob",
    kind="starter",
    title="Knob",
    description="Knob for potentiometer, encoder or stepper D-shafts: press or set-screw fit, fluted or "
    "knurled grip, pointer groove.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("dial", "control knob", "potentiometer knob", "pot knob", "encoder knob", "volume knob"),
)
