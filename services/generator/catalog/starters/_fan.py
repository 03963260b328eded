"""Shared by fan_guard and fan_duct: the fan size parameter and the screw flange that sits
on a fan's frame (outline, corner radius and the four screw holes of `objects.fans`).

Frame: the fan's outlet face is z=0, its axis is Z, the flange lies on it from z=0 up.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import hole_for
from printforge_services.generator.manifest import Param
from printforge_services.generator.objects.fans import FAN_FRAMES

FAN_SIZE = Param(
    "fan_size",
    "Fan size",
    "enum",
    40,
    unit="mm",
    options=list(FAN_FRAMES),
    group="Fan",
    description="Square frame size of the fan (40, 60, 80 or 120 mm).",
)


def fan(v: dict[str, Any]) -> dict[str, Any]:
    """The fan's table entry: size, hole spacing, hole diameter, hub and blade diameters."""
    from printforge_services.generator.catalog.mates import maker_object

    obj = maker_object(f"fan_{v['fan_size']}")
    return {"size": obj.size[0], "thickness": obj.size[2], **obj.features}


def hole_centres(v: dict[str, Any]) -> list[tuple[float, float]]:
    half = fan(v)["hole_spacing"] / 2
    return [(sx * half, sy * half) for sx in (-1, 1) for sy in (-1, 1)]


def flange_sketch(v: dict[str, Any]) -> cq.Sketch:
    """The fan's square outline with rounded corners, minus the screw holes (clearance added)."""
    f = fan(v)
    corner = f["size"] * 0.08
    hole = hole_for(f["hole_d"], v["clearance"])
    return (
        cq.Sketch()
        .rect(f["size"], f["size"])
        .vertices()
        .fillet(corner)
        .reset()
        .push(hole_centres(v))
        .circle(hole / 2, mode="s")
        .reset()
    )
