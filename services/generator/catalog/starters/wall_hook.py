"""Wall hook: back plate with two countersunk screw holes and a J-shaped arm.

The side profile is extruded along the hook width so it prints lying on its side:
the arm's bending load then runs along the layers instead of peeling them apart.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from services.generator.catalog.template import Template, raise_if, require
from services.generator.manifest import Param

PARAMS = (
    Param("plate_height", "Plate height", "number", 60.0, unit="mm", min=30, max=150, step=1, group="Size"),
    Param("width", "Width", "number", 20.0, unit="mm", min=12, max=60, step=1, group="Size"),
    Param(
        "reach",
        "Reach",
        "number",
        35.0,
        unit="mm",
        min=15,
        max=100,
        step=1,
        group="Size",
        description="How far the arm sticks out from the wall.",
    ),
    Param("tip_height", "Tip height", "number", 15.0, unit="mm", min=6, max=50, step=1, group="Size"),
    Param("thickness", "Thickness", "number", 5.0, unit="mm", min=3, max=10, step=0.5, group="Size"),
    Param(
        "screw_diameter", "Screw diameter", "number", 4.0, unit="mm", min=2.5, max=6, step=0.1, group="Mount"
    ),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(
        v["width"] >= v["screw_diameter"] * 2 + 2,
        "width",
        f"must be at least {v['screw_diameter'] * 2 + 2:.1f} mm for the countersunk screw heads",
        errors,
    )
    require(v["tip_height"] > v["thickness"] + 1, "tip_height", "must exceed the thickness by 1 mm", errors)
    raise_if(errors)


def build(v: dict[str, Any]) -> cq.Shape:
    h, w, reach, tip, t = v["plate_height"], v["width"], v["reach"], v["tip_height"], v["thickness"]
    # XY profile: plate along Y at x in [0, t], arm along X at the bottom, tip going up
    profile = [(0, 0), (reach, 0), (reach, tip), (reach - t, tip), (reach - t, t), (t, t), (t, h), (0, h)]
    hook = cq.Workplane("XY").polyline(profile).close().extrude(w).edges("|Z").fillet(min(t / 3, 1.5)).val()
    screw = v["screw_diameter"]
    head = 2 * screw
    upper, lower = h - head, max(t + 1.5 * head, h / 2)
    heights = [upper, lower] if upper - lower >= 2 * head else [upper]
    axis = cq.Vector(-1, 0, 0)
    tools: list[cq.Shape] = []
    for y in heights:
        tools.append(cq.Solid.makeCylinder(screw / 2, t + 2, cq.Vector(t + 1, y, w / 2), axis))
        tools.append(cq.Solid.makeCone(head / 2 + 0.5, 0, head / 2 + 0.5, cq.Vector(t + 0.5, y, w / 2), axis))
    return hook.cut(*tools).clean()


TEMPLATE = Template(
    id="wall_hook",
    kind="starter",
    title="Wall hook",
    description="Screw-on J hook for coats, bags or tools; prints on its side for strength.",
    params=PARAMS,
    build=build,
    check=check,
)
