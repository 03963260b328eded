"""Wall or under-desk hook: a screw plate with countersunk holes and a J-shaped arm.

`mount="wall"`: the plate stands against the wall, the arm sticks out at its foot.
`mount="under_desk"`: the plate lies against the desk's underside and a drop of
`plate_height` carries the arm below it (headphones, bags). The side profile is extruded
along the hook width so it prints lying on its side: the arm's bending load then runs
along the layers instead of peeling them apart.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.finish import fillet
from printforge_services.generator.catalog.starters._params import fillet_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

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
    Param(
        "mount",
        "Mounted on",
        "enum",
        "wall",
        options=["wall", "under_desk"],
        group="Mount",
        description="wall: plate on the wall; under_desk: plate under a desk top, arm hanging below.",
    ),
    Param(
        "mounting_holes",
        "Screw holes",
        "integer",
        2,
        min=1,
        max=3,
        step=1,
        group="Mount",
        description="Holes that do not fit the plate are left out (reported).",
    ),
    fillet_param(1.5, 4, "Size"),
)

DESK_PLATE = 40.0  # length of the under-desk plate, behind the drop


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


def _holes(along: float, lo: float, hi: float, count: int, head: float) -> list[float]:
    """Up to `count` hole positions in [lo, hi], at least two head diameters apart."""
    from printforge_services.generator.catalog.finish import warn

    positions = [hi] if count == 1 else [hi - (hi - lo) * k / (count - 1) for k in range(count)]
    if count > 1 and (hi - lo) / (count - 1) < 2 * head:
        fit = max(1, int((hi - lo) // (2 * head)) + 1)
        warn(f"mounting holes: {count} do not fit a {along:g} mm plate, made {fit}")
        positions = [hi] if fit == 1 else [hi - (hi - lo) * k / (fit - 1) for k in range(fit)]
    return positions


def hole_positions(v: dict[str, Any]) -> list[float]:
    """Screw positions: heights on the wall plate, or x along the under-desk plate."""
    h, t, head = v["plate_height"], v["thickness"], 2 * v["screw_diameter"]
    if v["mount"] == "under_desk":
        return _holes(DESK_PLATE, t - DESK_PLATE + head, -head, v["mounting_holes"], head)
    return _holes(h, max(t + 1.5 * head, h / 2), h - head, v["mounting_holes"], head)


def build(v: dict[str, Any]) -> cq.Shape:
    h, w, reach, tip, t = v["plate_height"], v["width"], v["reach"], v["tip_height"], v["thickness"]
    # XY profile: plate/drop along Y at x in [0, t], arm along X at the bottom, tip going up
    profile = [(0, 0), (reach, 0), (reach, tip), (reach - t, tip), (reach - t, t), (t, t)]
    back = t - DESK_PLATE
    if v["mount"] == "under_desk":
        # a plate along the desk's underside (y = h), reaching back (-X) behind the drop so
        # a screwdriver coming up from below is not blocked by the arm
        profile += [(t, h), (back, h), (back, h - t), (0, h - t)]
    else:
        profile += [(t, h), (0, h)]
    hook = cq.Workplane("XY").polyline(profile).close().extrude(w).val()
    hook = fillet(hook, [e for e in hook.Edges() if abs(e.tangentAt(0).z) > 0.999], v["fillet_radius"])
    screw = v["screw_diameter"]
    head = 2 * screw
    tools: list[cq.Shape] = []
    if v["mount"] == "under_desk":
        down = cq.Vector(0, -1, 0)
        for x in hole_positions(v):
            tools.append(cq.Solid.makeCylinder(screw / 2, t + 2, cq.Vector(x, h + 1, w / 2), down))
            tools.append(
                cq.Solid.makeCone(
                    head / 2 + 0.5, 0, head / 2 + 0.5, cq.Vector(x, h - t - 0.5, w / 2), cq.Vector(0, 1, 0)
                )
            )
    else:
        axis = cq.Vector(-1, 0, 0)
        for y in hole_positions(v):
            tools.append(cq.Solid.makeCylinder(screw / 2, t + 2, cq.Vector(t + 1, y, w / 2), axis))
            tools.append(
                cq.Solid.makeCone(head / 2 + 0.5, 0, head / 2 + 0.5, cq.Vector(t + 0.5, y, w / 2), axis)
            )
    return hook.cut(*tools).clean()


TEMPLATE = Template(
    id="wall_hook",
    kind="starter",
    title="Wall hook",
    description="Screw-on J hook for a wall or under a desk (coats, bags, headphones); prints on its side.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("coat hook", "hook", "towel hook", "key hook", "bag hook", "under-desk hook", "headphone hook"),
)
