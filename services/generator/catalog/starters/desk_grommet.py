"""Desk cable grommet: a flanged sleeve for a drilled desk hole and a cap with a cable slot.

Standard desk holes are 60 mm or 80 mm across (the common grommet sizes). The sleeve is
`clearance` per side smaller than the hole (catalog.fit) and its flange rests on the desk
top; the cap drops into a recess in the flange, `clearance` smaller again. Both print
flange / cap face down. Frame of the sleeve as printed: flange on z=0..flange, sleeve
rising above it; on the desk it is turned over (`desk_top_z` gives where the desk's top
face touches the flange).
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param, peg_for
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

FLANGE_THICKNESS = 3.0
RECESS_DEPTH = 2.0
LEDGE = 1.5  # radial width of the step the cap rests on

PARAMS = (
    Param("part", "Part", "enum", "sleeve", options=["sleeve", "cap"], group="Part"),
    Param(
        "hole_diameter",
        "Desk hole diameter",
        "number",
        60.0,
        unit="mm",
        min=20,
        max=100,
        step=0.5,
        group="Desk",
        description="Diameter of the hole drilled in the desk (60 or 80 mm are the standard sizes).",
    ),
    Param(
        "desk_thickness", "Desk thickness", "number", 25.0, unit="mm", min=10, max=50, step=0.5, group="Desk"
    ),
    Param("flange_width", "Flange width", "number", 6.0, unit="mm", min=3, max=15, step=0.5, group="Body"),
    Param("wall", "Sleeve wall", "number", 2.0, unit="mm", min=1.2, max=4, step=0.1, group="Body"),
    Param("cable_slot", "Cable slot width", "number", 12.0, unit="mm", min=5, max=30, step=0.5, group="Cap"),
    clearance_param(description="Gap per side between sleeve and desk hole, and cap and sleeve."),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    bore = sleeve_diameter(v) - 2 * v["wall"]
    require(
        v["cable_slot"] <= bore / 2, "cable_slot", f"must be at most {bore / 2:.1f} mm for this hole", errors
    )
    raise_if(errors)


def sleeve_diameter(v: dict[str, Any]) -> float:
    return peg_for(v["hole_diameter"], v["clearance"])


def recess_diameter(v: dict[str, Any]) -> float:
    return sleeve_diameter(v) - 2 * v["wall"] + 2 * LEDGE


def _sleeve(v: dict[str, Any]) -> cq.Shape:
    outer = sleeve_diameter(v)
    bore = outer - 2 * v["wall"]
    flange = cq.Solid.makeCylinder(v["hole_diameter"] / 2 + v["flange_width"], FLANGE_THICKNESS)
    tube = cq.Solid.makeCylinder(
        outer / 2, v["desk_thickness"] + 0.5, cq.Vector(0, 0, FLANGE_THICKNESS - 0.5)
    )
    body = flange.fuse(tube)
    height = FLANGE_THICKNESS + v["desk_thickness"]
    cuts = [
        cq.Solid.makeCylinder(bore / 2, height + 2, cq.Vector(0, 0, -1)),
        cq.Solid.makeCylinder(recess_diameter(v) / 2, RECESS_DEPTH + 1, cq.Vector(0, 0, -1)),
    ]
    return body.cut(*cuts).clean()


def _cap(v: dict[str, Any]) -> cq.Shape:
    d = peg_for(recess_diameter(v), v["clearance"])
    cap = cq.Solid.makeCylinder(d / 2, RECESS_DEPTH)
    slot_w = v["cable_slot"]
    # the slot runs from the rim to just past the centre, rounded at its inner end
    slot = cq.Solid.makeBox(d / 2 + 1, slot_w, RECESS_DEPTH + 2, cq.Vector(0, -slot_w / 2, -1))
    end = cq.Solid.makeCylinder(slot_w / 2, RECESS_DEPTH + 2, cq.Vector(0, 0, -1))
    return cap.cut(slot, end).clean()


def desk_top_z(v: dict[str, Any]) -> float:
    """In the printed sleeve's frame, the desk's top face lies on the flange at this z."""
    return FLANGE_THICKNESS


def build(v: dict[str, Any]) -> cq.Shape:
    return _cap(v) if v["part"] == "cap" else _sleeve(v)


TEMPLATE = Template(
    id="desk_grommet",
    kind="starter",
    title="Desk grommet",
    description="Cable grommet for a drilled desk hole: flanged sleeve plus a cap with a cable slot.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("grommet", "cable grommet", "desk hole cover", "cable hole cover", "cable pass-through"),
)
