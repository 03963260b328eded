"""Finger guard for a 40/60/80/120 mm fan: concentric rings and spokes over the blades,
screwed on with the fan's own screws through its four frame holes.

Ring spacing keeps a 12 mm probe out (the IEC 60335 test finger is 12 mm across), so
rings never leave a gap that wide; the spokes carry the rings. The guard covers the
blade sweep of `objects.fans` and leaves the frame face free for the screw heads.
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.starters._fan import FAN_SIZE, fan, flange_sketch
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

TEST_FINGER = 12.0

PARAMS = (
    FAN_SIZE,
    Param("height", "Thickness", "number", 2.0, unit="mm", min=1.2, max=6, step=0.1, group="Body"),
    Param("ring_width", "Ring width", "number", 1.6, unit="mm", min=0.8, max=4, step=0.1, group="Grille"),
    Param(
        "ring_gap",
        "Gap between rings",
        "number",
        5.0,
        unit="mm",
        min=2,
        max=10,
        step=0.5,
        group="Grille",
        description="Open width between rings; under 12 mm keeps fingers out.",
    ),
    Param("spokes", "Spokes", "integer", 4, min=3, max=12, step=1, group="Grille"),
    clearance_param(description="Gap per side around the fan screws."),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(v["ring_gap"] < TEST_FINGER, "ring_gap", f"must stay under {TEST_FINGER:g} mm", errors)
    raise_if(errors)


def ring_radii(v: dict[str, Any]) -> list[float]:
    """Centre radii of the rings, from the hub outwards to the blade sweep."""
    f = fan(v)
    pitch = v["ring_gap"] + v["ring_width"]
    inner, outer = f["hub_d"] / 2, f["blade_d"] / 2
    count = max(1, math.ceil((outer - inner) / pitch) - 1)
    step = (outer - inner) / (count + 1)
    return [inner + step * (k + 1) for k in range(count)]


def _spoke(angle: float, length: float, width: float, height: float) -> cq.Solid:
    bar = cq.Solid.makeBox(length, width, height, cq.Vector(0, -width / 2, 0))
    return bar.rotate(cq.Vector(0, 0, 0), cq.Vector(0, 0, 1), math.degrees(angle))


def build(v: dict[str, Any]) -> cq.Shape:
    f = fan(v)
    w, h = v["ring_width"], v["height"]
    opening = f["blade_d"] / 2
    plate = cq.Workplane("XY").placeSketch(flange_sketch(v).circle(opening, mode="s")).extrude(h).val()
    # a solid disc over the hub (the motor: nothing to guard), rings, and spokes into the frame
    grille: list[cq.Shape] = [cq.Solid.makeCylinder(f["hub_d"] / 2 + w / 2, h)]
    for r in ring_radii(v):
        ring = cq.Solid.makeCylinder(r + w / 2, h).cut(
            cq.Solid.makeCylinder(r - w / 2, h + 2, cq.Vector(0, 0, -1))
        )
        grille.append(ring)
    reach = opening + 0.5  # into the frame, which is only ~1 mm wide mid-side on small fans
    grille += [_spoke(2 * math.pi * k / v["spokes"], reach, w, h) for k in range(v["spokes"])]
    return plate.fuse(*grille).clean()


TEMPLATE = Template(
    id="fan_guard",
    kind="starter",
    title="Fan guard",
    description="Finger guard for 40/60/80/120 mm fans: rings and spokes over the blades, fan screw holes.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("fan grill", "fan grille", "fan cover", "fan protector", "finger guard"),
)
