"""Tapered plant pot with drainage holes and small feet so water can escape.

Built by revolving a wall profile (one smooth conical shell, no seams), then cutting
a centre hole plus a ring of holes through the floor.
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

FOOT_HEIGHT = 2.0

PARAMS = (
    Param("top_diameter", "Top diameter", "number", 90.0, unit="mm", min=40, max=200, step=1, group="Size"),
    Param(
        "bottom_diameter", "Bottom diameter", "number", 65.0, unit="mm", min=30, max=200, step=1, group="Size"
    ),
    Param("height", "Height", "number", 80.0, unit="mm", min=30, max=200, step=1, group="Size"),
    Param("wall", "Wall thickness", "number", 2.0, unit="mm", min=1.2, max=4, step=0.1, group="Body"),
    Param("floor", "Floor thickness", "number", 2.5, unit="mm", min=1.2, max=5, step=0.1, group="Body"),
    Param(
        "drain_holes",
        "Drainage holes",
        "integer",
        5,
        min=0,
        max=9,
        step=1,
        group="Drainage",
        description="One centre hole plus the rest on a ring; 0 for a closed pot (succulents, cachepots).",
    ),
    Param(
        "drain_diameter",
        "Drainage hole diameter",
        "number",
        6.0,
        unit="mm",
        min=3,
        max=12,
        step=0.5,
        group="Drainage",
    ),
    Param("feet", "Feet", "boolean", True, group="Drainage", description="Three 2 mm feet lift the holes."),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(
        v["bottom_diameter"] <= v["top_diameter"],
        "bottom_diameter",
        "must not exceed the top diameter",
        errors,
    )
    require(
        v["drain_diameter"] * 3 <= v["bottom_diameter"] - 2 * v["wall"],
        "drain_diameter",
        "too large for the floor; at most a third of the inside bottom diameter",
        errors,
    )
    raise_if(errors)


def build(v: dict[str, Any]) -> cq.Shape:
    r_top, r_bot, h = v["top_diameter"] / 2, v["bottom_diameter"] / 2, v["height"]
    wall, floor = v["wall"], v["floor"]
    slope = (r_top - r_bot) / h
    profile = [
        (0, 0),
        (r_bot, 0),
        (r_top, h),
        (r_top - wall, h),
        (r_bot - wall + slope * floor, floor),
        (0, floor),
    ]
    pot = cq.Workplane("XZ").polyline(profile).close().revolve(360, (0, 0, 0), (0, 1, 0)).val()
    ring_r = (r_bot - wall) * 0.55
    d = v["drain_diameter"]
    holes = [cq.Solid.makeCylinder(d / 2, floor + 2, cq.Vector(0, 0, -1))][: v["drain_holes"]]
    ring_count = max(v["drain_holes"] - 1, 0)
    for k in range(ring_count):
        angle = 2 * math.pi * k / ring_count
        centre = cq.Vector(ring_r * math.cos(angle), ring_r * math.sin(angle), -1)
        holes.append(cq.Solid.makeCylinder(d / 2, floor + 2, centre))
    if holes:
        pot = pot.cut(*holes)
    if v["feet"]:
        foot_r = r_bot * 0.8
        feet = [
            cq.Solid.makeCylinder(
                min(5.0, r_bot * 0.12),
                FOOT_HEIGHT + 0.5,
                cq.Vector(foot_r * math.cos(a), foot_r * math.sin(a), -FOOT_HEIGHT),
            )
            for a in (math.pi / 3, math.pi, 5 * math.pi / 3)
        ]
        pot = pot.fuse(*feet).translate(cq.Vector(0, 0, FOOT_HEIGHT))
    return pot.clean()


TEMPLATE = Template(
    id="plant_pot",
    kind="starter",
    title="Plant pot",
    description="Tapered plant pot with a drainage hole pattern and optional feet.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("planter", "pot", "flower pot", "succulent pot", "herb pot", "plant container"),
)
