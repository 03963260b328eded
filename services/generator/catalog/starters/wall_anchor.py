"""Wall holder for a named object of `printforge_services.generator.objects`, sized from its table entry.

Objects with a `hook_reach` (a helmet, headphones) hang on a hook: an arm of that reach
ending in an upturned saddle as wide as the object's resting band. Everything else stands
on end in an open pocket: its two smallest dimensions plus `clearance` per side
(catalog.fit) and any `case_allowance` the entry states (a phone in its case), front
wall lower than the back so it lifts out. The holder prints on its back plate.
Frame: the back plate lies on z=0 (the wall), the holder grows towards +Z; "up" on the
wall is +Y. `pocket(v)` gives the pocket's inside box for fit checks.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.starters._geometry import (
    countersunk_holes,
    cut_all,
    fuse_all,
    rounded_plate,
)
from printforge_services.generator.catalog.starters._params import fillet_param
from printforge_services.generator.catalog.template import Template, raise_if
from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.planner.standards import thread

PLATE = 4.0
WALL = 2.4
SADDLE_LIP = 12.0  # height of the hook's upturned end
MOUNT_SCREW = "M4"
ARM_Y = -45.0  # the hook's arm leaves the 90 mm plate at its lower edge

PARAMS = (
    Param(
        "object",
        "Object",
        "text",
        "bike_helmet",
        min=2,
        max=40,
        group="Object",
        description="Id of the object to hold (objects table), e.g. bike_helmet, raspberry_pi_4, phone.",
    ),
    Param("mounting_holes", "Screw holes", "integer", 2, min=1, max=4, step=1, group="Mount"),
    fillet_param(1.0, 3, "Body"),
    clearance_param(description="Gap per side around the object in the pocket."),
)


def _object(v: dict[str, Any]) -> Any:
    from printforge_services.generator.catalog.mates import maker_object

    try:
        return maker_object(v["object"])
    except KeyError as exc:
        raise ParamError({"object": str(exc.args[0])}) from None


def is_hook(v: dict[str, Any]) -> bool:
    return "hook_reach" in _object(v).features


def pocket(v: dict[str, Any]) -> tuple[float, float, float]:
    """Inside (width along X, depth along Z, height along Y) of the pocket."""
    obj = _object(v)
    dims = sorted(obj.size)
    extra = 2 * (v["clearance"] + float(obj.features.get("case_allowance", 0.0)))
    return dims[1] + extra, dims[0] + extra, min(0.4 * dims[2], 60.0)


def check(v: dict[str, Any]) -> None:
    obj = _object(v)
    if not is_hook(v):
        width, depth, _ = pocket(v)
        errors = {} if max(width, depth) <= 200 else {"object": f"{obj.title} is too large for a wall pocket"}
        raise_if(errors)


def _plate(v: dict[str, Any], width: float, height: float) -> tuple[cq.Shape, list[cq.Shape]]:
    plate = rounded_plate(width, height, PLATE, min(6.0, width / 4), v["fillet_radius"], "plate edge fillet")
    n = v["mounting_holes"]
    ys = [height / 2 - 8.0] if n == 1 else [height / 2 - 8.0, -height / 2 + 8.0]
    xs = [0.0] if n < 3 else [-width / 2 + 8.0, width / 2 - 8.0]
    points = (
        [(x, y) for y in ys for x in xs][:n] if n != 3 else [(0.0, ys[0]), (xs[0], ys[1]), (xs[1], ys[1])]
    )
    return plate, countersunk_holes(points, thread(MOUNT_SCREW).clearance(), PLATE)


def _hook(v: dict[str, Any]) -> cq.Shape:
    f = _object(v).features
    reach = f["hook_reach"]
    band = float(f.get("rest_width", f.get("headband_width", 40.0)))
    arm_t = 8.0
    plate, holes = _plate(v, band, 90.0)
    y0 = ARM_Y + arm_t - 0.5
    arm = cq.Solid.makeBox(band, arm_t, reach + arm_t, cq.Vector(-band / 2, ARM_Y, PLATE - 0.5))
    # the upturned end (+Y) with a 45-degree underside: it prints without supports
    top = PLATE + reach + arm_t - 0.5
    profile = [
        (y0, top - arm_t - SADDLE_LIP),
        (y0, top),
        (y0 + SADDLE_LIP, top),
        (y0 + SADDLE_LIP, top - arm_t),
    ]
    wire = cq.Wire.makePolygon([cq.Vector(-band / 2, y, z) for y, z in profile], close=True)
    lip = cq.Solid.extrudeLinear(cq.Face.makeFromWires(wire), cq.Vector(band, 0, 0))
    return cut_all(fuse_all(plate, [arm, lip]), holes)


def _pocket(v: dict[str, Any]) -> cq.Shape:
    width, depth, height = pocket(v)
    outer_w, outer_d = width + 2 * WALL, depth + 2 * WALL
    plate_h = height + WALL + 30.0
    plate, holes = _plate(v, outer_w, plate_h)
    bottom = -plate_h / 2
    box = cq.Solid.makeBox(outer_w, height + WALL, outer_d, cq.Vector(-outer_w / 2, bottom, PLATE - 0.5))
    cavity = cq.Solid.makeBox(
        width, height + 1, depth, cq.Vector(-width / 2, bottom + WALL, PLATE + WALL - 0.5)
    )
    # front wall at 60 % height so the object lifts out forwards
    scoop = cq.Solid.makeBox(
        outer_w + 2,
        0.4 * height + 1,
        WALL + 1,
        cq.Vector(-outer_w / 2 - 1, bottom + WALL + 0.6 * height, PLATE + WALL + depth - 0.6),
    )
    return cut_all(fuse_all(plate, [box]), [cavity, scoop, *holes])


def pocket_origin(v: dict[str, Any]) -> tuple[float, float, float]:
    """Lower corner (min x, min y, min z) of the pocket's inside box."""
    width, _, height = pocket(v)
    plate_h = height + WALL + 30.0
    return (-width / 2, -plate_h / 2 + WALL, PLATE + WALL - 0.5)


def build(v: dict[str, Any]) -> cq.Shape:
    return _hook(v) if is_hook(v) else _pocket(v)


TEMPLATE = Template(
    id="wall_anchor",
    kind="starter",
    title="Wall holder",
    description="Screw-on wall holder sized for a named object: a hook for helmets and headphones, an "
    "open pocket for phones, boards and the like.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("wall mount", "wall holder", "wall anchor", "wall hanger"),
)
