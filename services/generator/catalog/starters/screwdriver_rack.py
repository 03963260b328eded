"""Wall rack for screwdrivers (or files, awls, hex drivers): a shelf with a row of shaft
holes; each tool drops in from above and hangs by its handle.

Holes are the shaft plus `clearance` per side (catalog.fit) and are spaced by the handle
diameter plus 4 mm so neighbouring handles never touch. The rack prints on its back
plate: the shelf then stands upright, so neither it nor its gussets need supports.
Frame: back plate on z=0 (the wall), "up" on the wall is +Y, the shelf's top face at
y = `shelf_top(v)`, holes along Y at `hole_centres(v)` (x, z).
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param, hole_for
from printforge_services.generator.catalog.starters._geometry import (
    countersunk_holes,
    cut_all,
    fuse_all,
    rounded_plate,
)
from printforge_services.generator.catalog.starters._params import fillet_param
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param
from printforge_services.generator.planner.standards import thread

PLATE = 4.0
SHELF = 6.0
HANDLE_GAP = 4.0
MOUNT_SCREW = "M4"

PARAMS = (
    Param("tools", "Tools", "integer", 6, min=1, max=12, step=1, group="Layout"),
    Param("shaft_diameter", "Shaft diameter", "number", 6.0, unit="mm", min=2, max=14, step=0.5, group="Fit"),
    Param(
        "handle_diameter",
        "Handle diameter",
        "number",
        28.0,
        unit="mm",
        min=12,
        max=50,
        step=1,
        group="Fit",
        description="Widest handle; sets the hole spacing and how far the shelf sticks out.",
    ),
    Param("height", "Plate height", "number", 50.0, unit="mm", min=30, max=120, step=1, group="Size"),
    Param("mounting_holes", "Screw holes", "integer", 2, min=1, max=4, step=1, group="Mount"),
    fillet_param(1.0, 3, "Size"),
    clearance_param(description="Gap per side around each shaft."),
)


def pitch(v: dict[str, Any]) -> float:
    return v["handle_diameter"] + HANDLE_GAP


def length(v: dict[str, Any]) -> float:
    return v["tools"] * pitch(v)


def shelf_top(v: dict[str, Any]) -> float:
    return v["height"] / 2


def hole_centres(v: dict[str, Any]) -> list[tuple[float, float]]:
    z = PLATE + HANDLE_GAP + v["handle_diameter"] / 2
    return [((k - (v["tools"] - 1) / 2) * pitch(v), z) for k in range(v["tools"])]


def build(v: dict[str, Any]) -> cq.Shape:
    span, h = length(v), v["height"]
    plate = rounded_plate(span, h, PLATE, min(5.0, h / 4), v["fillet_radius"], "plate edge fillet")
    reach = HANDLE_GAP + v["handle_diameter"] + HANDLE_GAP
    top = shelf_top(v)
    shelf = cq.Solid.makeBox(span, SHELF, reach + 0.5, cq.Vector(-span / 2, top - SHELF, PLATE - 0.5))
    gussets = []
    for x in (-span / 2, span / 2 - SHELF):
        # a 45-degree triangle under the shelf at each end, in the YZ plane
        g = min(reach, top - SHELF + h / 2 - 2)
        points = [
            (top - SHELF + 0.5, PLATE - 0.5),
            (top - SHELF + 0.5, PLATE + g),
            (top - SHELF - g, PLATE - 0.5),
        ]
        wire = cq.Wire.makePolygon([cq.Vector(x, y, z) for y, z in points], close=True)
        gussets.append(cq.Solid.extrudeLinear(cq.Face.makeFromWires(wire), cq.Vector(SHELF, 0, 0)))
    rack = fuse_all(plate, [shelf, *gussets])
    d = hole_for(v["shaft_diameter"], v["clearance"])
    holes = [
        cq.Solid.makeCylinder(d / 2, SHELF + 2, cq.Vector(x, top - SHELF - 1, z), cq.Vector(0, 1, 0))
        for x, z in hole_centres(v)
    ]
    n = v["mounting_holes"]
    screw_y = -h / 4
    xs = [0.0] if n == 1 else [-span / 2 + 10 + (span - 20) * k / (n - 1) for k in range(n)]
    screws = countersunk_holes([(x, screw_y) for x in xs], thread(MOUNT_SCREW).clearance(), PLATE)
    return cut_all(rack, [*holes, *screws])


TEMPLATE = Template(
    id="screwdriver_rack",
    kind="starter",
    title="Screwdriver rack",
    description="Wall rack with a row of shaft holes for screwdrivers, files or hex drivers, spaced by "
    "the handle size.",
    params=PARAMS,
    build=build,
    aliases=("screwdriver holder", "tool rack", "tool holder", "screwdriver organizer", "plier holder"),
)
