"""PCB/panel standoff: round or hex spacer with a through hole or blind pilot holes."""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

PARAMS = (
    Param("height", "Height", "number", 10.0, unit="mm", min=2, max=60, step=0.5, group="Size"),
    Param(
        "outer_diameter",
        "Outer size",
        "number",
        7.0,
        unit="mm",
        min=4,
        max=20,
        step=0.1,
        group="Size",
        description="Diameter (round) or width across flats (hex).",
    ),
    Param("shape", "Shape", "enum", "hex", options=["round", "hex"], group="Size"),
    Param(
        "hole_diameter",
        "Hole diameter",
        "number",
        3.2,
        unit="mm",
        min=1.5,
        max=8,
        step=0.1,
        group="Hole",
        description="3.2 for M3 clearance, 2.5 for an M3 tapped/self-tapping hole.",
    ),
    Param(
        "flange",
        "Base flange",
        "boolean",
        False,
        group="Body",
        description="Wider foot for gluing to a panel.",
    ),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(
        v["outer_diameter"] - v["hole_diameter"] >= 1.6,
        "hole_diameter",
        "leaves walls thinner than 0.8 mm; reduce the hole or enlarge the standoff",
        errors,
    )
    raise_if(errors)


def build(v: dict[str, Any]) -> cq.Workplane:
    d, h = v["outer_diameter"], v["height"]
    base = cq.Workplane("XY")
    if v["shape"] == "hex":
        body = base.polygon(6, d / 0.8660254037844386).extrude(h)  # across flats -> circumscribed
    else:
        body = base.circle(d / 2).extrude(h)
    if v["flange"]:
        flange_h = min(1.5, h / 2)
        body = body.union(cq.Workplane("XY").circle(d).extrude(flange_h))
    hole = cq.Workplane("XY", origin=(0, 0, -1)).circle(v["hole_diameter"] / 2).extrude(h + 2)
    return body.cut(hole)


TEMPLATE = Template(
    id="standoff",
    kind="starter",
    title="Standoff",
    description="Round or hex spacer for mounting PCBs and panels, optionally with a base flange.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("pcb standoff", "pcb spacer"),
)
