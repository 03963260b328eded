"""Printing-community parts: Gridfinity bins and a phone stand.

Gridfinity follows the published grid (42 mm pitch, 7 mm height unit, 0.5 mm clearance,
stepped base feet) so the bins drop into existing baseplates; the stacking lip is not
modelled. The phone stand is a solid wedge profile: base, front lip, leaning back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.planner.families.base import (
    Family,
    Outline,
    count,
    first,
    length,
    rounded_rect,
)
from printforge_services.generator.planner.phrases import Context

GRID = 42.0
HEIGHT_UNIT = 7.0
CLEARANCE = 0.5
FOOT_HEIGHT = 4.75
# (inset from the cell edge, corner radius, z) of the stepped foot profile, bottom to top.
FOOT_STEPS = ((2.95, 0.8, 0.0), (2.15, 1.6, 0.8), (2.15, 1.6, 2.6), (0.0, 3.75, FOOT_HEIGHT))


class GridfinityBin(Family):
    name = "gridfinity_bin"
    title = "Gridfinity bin"
    keywords = ((r"\bgrid ?finity\b(?! ?base ?plate)", 12),)
    roles: ClassVar[Mapping[str, str]] = {"wall": "wall", "thickness": "wall"}

    def params(self) -> tuple[Param, ...]:
        return (
            count("grid_x", "Grid units (X)", 1, maximum=10),
            count("grid_y", "Grid units (Y)", 1, maximum=10),
            count("height_units", "Height units (7 mm)", 3, maximum=20),
            length("wall", "Wall thickness", 1.2, minimum=0.4, maximum=5),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        ctx.has(r"\bbins?\b|\bboxe?s?\b|\bcontainers?\b")
        group = ctx.take_group("grid units", unitless=True)
        if group:
            out["grid_x"], out["grid_y"] = int(group[0]), int(group[1])
        units = ctx.take_count("units", "height units")
        ctx.has(r"\btall\b|\bhigh\b|\bdeep\b")
        if units is None:
            height = ctx.take("height")
            if height is not None:
                units = max(1, round(height / HEIGHT_UNIT))
                ctx.assumed.append(f"{height:g} mm rounded to {units} height units of 7 mm")
        if units is not None:
            out["height_units"] = units
        wall = ctx.take("wall", "thickness")
        if wall is not None:
            out["wall"] = wall
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        if p["wall"] * 2 >= GRID - CLEARANCE - 2 * 3.75:
            raise ParamError({"wall": "walls leave no room inside the bin"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        sx = GRID * p["grid_x"] - CLEARANCE
        sy = GRID * p["grid_y"] - CLEARANCE
        height = HEIGHT_UNIT * p["height_units"]
        body = rounded_rect(sx, sy, 3.75).extrude(height - FOOT_HEIGHT).translate((0, 0, FOOT_HEIGHT))
        foot = _foot()
        feet = [
            foot.moved(
                cq.Location(
                    cq.Vector((i - (p["grid_x"] - 1) / 2) * GRID, (j - (p["grid_y"] - 1) / 2) * GRID, 0)
                )
            )
            for i in range(p["grid_x"])
            for j in range(p["grid_y"])
        ]
        body = cq.Workplane("XY").add(body.val().fuse(*feet).clean())
        floor_top = HEIGHT_UNIT
        if height - floor_top > 1.0:
            w = p["wall"]
            cavity = rounded_rect(sx - 2 * w, sy - 2 * w, max(3.75 - w, 0.5)).extrude(height)
            body = body.cut(cavity.translate((0, 0, floor_top)))
        return body

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("rect", GRID * p["grid_x"] - CLEARANCE, GRID * p["grid_y"] - CLEARANCE, HEIGHT_UNIT)


def _foot() -> cq.Shape:
    """One cell's stepped foot, lofted between rounded-square sections."""
    cell = GRID - CLEARANCE
    wires = []
    for inset, radius, z in FOOT_STEPS:
        side = cell - 2 * inset
        face = cq.Sketch().rect(side, side).vertices().fillet(radius)._faces.Faces()[0]
        wires.append(face.outerWire().moved(cq.Location(cq.Vector(0, 0, z))))
    return cq.Solid.makeLoft(wires, True)


class PhoneStand(Family):
    name = "phone_stand"
    title = "Phone stand"
    keywords = (
        (r"\b(?:phone|tablet|smartphone|iphone|ipad|mobile) (?:stand|holder|dock|rest)s?\b", 12),
        (r"\b(?:stand|holder|dock)s? for (?:a |an |the |my |your )?(?:\w+ )?(?:phone|tablet|ipad)\b", 12),
        (r"\bstand\b", 3),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "width": "width",
        "thickness": "thickness",
        "angle": "angle",
        "height": "back_length",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("width", "Width", 70, maximum=300),
            Param(
                "angle", "Back angle from horizontal", "number", 65.0, unit="°", min=40, max=85, group="shape"
            ),
            length("back_length", "Back support length", 90, maximum=300),
            length("thickness", "Wall thickness", 5, minimum=1.5, maximum=20),
            length("slot", "Phone slot (device thickness)", 12, minimum=4, maximum=40, group="shape"),
            length("lip", "Front lip height", 10, minimum=2, maximum=50, group="shape"),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        ctx.has(r"\b(?:cell ?|mobile |smart)?phones?\b|\biphone\b|\bdesk(?:top)?\b|\bhold(?:er|s)?\b")
        if ctx.has(r"\btablet\b|\bipad\b"):
            out.update(width=150.0, back_length=140.0, slot=14.0)
            ctx.assumed.append("tablet-sized stand")
        for role, key in (("width", "width"), ("thickness", "thickness"), ("height", "back_length")):
            value = ctx.take(role)
            if value is not None:
                out[key] = value
        angle = first(ctx.take_raw("angle", "back angle"))
        if angle is not None:
            out["angle"] = angle
        return out

    def profile(self, p: Mapping[str, Any]) -> list[tuple[float, float]]:
        t, a = p["thickness"], math.radians(p["angle"])
        x0, z0 = t + p["slot"], t
        fx, fz = x0 + p["back_length"] * math.cos(a), z0 + p["back_length"] * math.sin(a)
        bx, bz = fx + t * math.sin(a), fz - t * math.cos(a)
        return [(0, 0), (bx, 0), (bx, bz), (fx, fz), (x0, z0), (t, t), (t, t + p["lip"]), (0, t + p["lip"])]

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        pts = self.profile(p)
        depth = pts[1][0]
        return (
            cq.Workplane("XZ")
            .polyline(pts)
            .close()
            .extrude(p["width"] / 2, both=True)
            .translate((-depth / 2, 0, 0))
        )

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("rect", self.profile(p)[1][0], p["width"], p["thickness"])


FAMILIES: tuple[Family, ...] = (GridfinityBin(), PhoneStand())
