"""Gridfinity bin: per-cell feet, stacking lip, optional magnet/screw holes, dividers, label tab.

Dimensions come from `_gridfinity` (the published spec); only the comfort features
(wall, dividers, tab) are free parameters. Height is counted in 7 mm units measured to
the top of the body, the stacking lip adds 4.4 mm above it, as in the spec.
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.starters import _gridfinity as gf
from printforge_services.generator.catalog.starters._geometry import (
    cut_all,
    cylinder,
    fuse_all,
    grid_centres,
    profile_loft,
    rounded_rect_wire,
)
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param

DIVIDER_THICKNESS = 1.2
TAB_DEPTH = 12.0
TAB_ANGLE_DEG = 36.0
TAB_THICKNESS = 1.2
STACK_CLEARANCE = 0.5  # dividers and tab stop below the body top so a stacked foot fits

PARAMS = (
    Param("grid_x", "Width", "integer", 2, unit="cells", min=1, max=5, step=1, group="Size"),
    Param("grid_y", "Depth", "integer", 1, unit="cells", min=1, max=5, step=1, group="Size"),
    Param("height_units", "Height", "integer", 3, unit="× 7 mm", min=2, max=12, step=1, group="Size"),
    Param("wall", "Wall thickness", "number", 1.2, unit="mm", min=0.95, max=2.4, step=0.05, group="Body"),
    Param("stacking_lip", "Stacking lip", "boolean", True, group="Body"),
    Param("magnet_holes", "Magnet holes (6.5 × 2.4 mm)", "boolean", True, group="Base"),
    Param("screw_holes", "Screw holes (M3)", "boolean", False, group="Base"),
    Param("dividers_x", "Dividers across X", "integer", 0, min=0, max=5, step=1, group="Inside"),
    Param("dividers_y", "Dividers across Y", "integer", 0, min=0, max=5, step=1, group="Inside"),
    Param("label_tab", "Label tab", "boolean", False, group="Inside"),
)


def build(v: dict[str, Any]) -> cq.Shape:
    nx, ny = v["grid_x"], v["grid_y"]
    width, depth = gf.PITCH * nx - gf.CLEARANCE, gf.PITCH * ny - gf.CLEARANCE
    top = gf.HEIGHT_UNIT * v["height_units"]
    rim = top + (gf.LIP_HEIGHT if v["stacking_lip"] else 0.0)
    wall = v["wall"]
    centres = grid_centres(nx, ny, gf.PITCH)

    body_wire = rounded_rect_wire(width, depth, gf.BIN_RADIUS, gf.FOOT_HEIGHT)
    body = cq.Solid.extrudeLinear(cq.Face.makeFromWires(body_wire), cq.Vector(0, 0, rim - gf.FOOT_HEIGHT))
    foot = profile_loft(
        width=gf.PITCH - gf.CLEARANCE,
        depth=gf.PITCH - gf.CLEARANCE,
        radius=gf.BIN_RADIUS,
        sections=gf.FOOT_PROFILE,
    )
    # feet only touch the body's underside: glue mode
    solid = fuse_all(
        body, (foot.moved(cq.Location(cq.Vector(x, y, 0))) for x, y in centres), touching_only=True
    )

    cavity_sections = [(wall, gf.FLOOR_Z)]
    if v["stacking_lip"]:
        cavity_sections.append((wall, top - (gf.LIP_DEPTH - wall)))
        cavity_sections += [(inset, top + z) for inset, z in gf.LIP_PROFILE]
        cavity_sections.append((gf.LIP_PROFILE[-1][0], rim + 1.0))
    else:
        cavity_sections.append((wall, rim + 1.0))
    holes = [profile_loft(width, depth, gf.BIN_RADIUS, cavity_sections)]
    for centre in centres:
        for x, y in gf.hole_positions(centre):
            if v["magnet_holes"]:
                holes.append(cylinder(gf.MAGNET_DIAMETER, gf.MAGNET_DEPTH + 1.0, x, y, -1.0))
            if v["screw_holes"]:
                holes.append(cylinder(gf.SCREW_DIAMETER, gf.SCREW_DEPTH + 1.0, x, y, -1.0))
    solid = cut_all(solid, holes)

    inner_top = top - STACK_CLEARANCE
    additions = _dividers(v, width - 2 * wall, depth - 2 * wall, wall, inner_top)
    if v["label_tab"]:
        additions.append(_label_tab(width - 2 * wall, depth / 2 - wall / 2, inner_top))
    return fuse_all(solid, additions)


def _dividers(v: dict[str, Any], inner_w: float, inner_d: float, wall: float, top: float) -> list[cq.Shape]:
    height = top - gf.FLOOR_Z + 0.5
    z0 = gf.FLOOR_Z - 0.5  # sink into the floor so the union is a real overlap
    walls: list[cq.Shape] = []
    for k in range(1, v["dividers_x"] + 1):
        x = -inner_w / 2 + k * inner_w / (v["dividers_x"] + 1)
        walls.append(
            cq.Solid.makeBox(
                DIVIDER_THICKNESS,
                inner_d + wall,
                height,
                cq.Vector(x - DIVIDER_THICKNESS / 2, -(inner_d + wall) / 2, z0),
            )
        )
    for k in range(1, v["dividers_y"] + 1):
        y = -inner_d / 2 + k * inner_d / (v["dividers_y"] + 1)
        walls.append(
            cq.Solid.makeBox(
                inner_w + wall,
                DIVIDER_THICKNESS,
                height,
                cq.Vector(-(inner_w + wall) / 2, y - DIVIDER_THICKNESS / 2, z0),
            )
        )
    return walls


def _label_tab(length: float, wall_y: float, top: float) -> cq.Shape:
    """Sloped shelf along the back (+Y) wall; its underside is a 36° self-supporting overhang."""
    drop = TAB_THICKNESS + TAB_DEPTH * math.tan(math.radians(TAB_ANGLE_DEG))
    bottom = max(top - drop, gf.FLOOR_Z - 0.5)
    # where the sloped underside meets `bottom` (equal to the wall when not clipped)
    y_low = wall_y - TAB_DEPTH * (top - TAB_THICKNESS - bottom) / (drop - TAB_THICKNESS)
    points = [
        (wall_y, top),
        (wall_y - TAB_DEPTH, top),
        (wall_y - TAB_DEPTH, top - TAB_THICKNESS),
        (y_low, bottom),
        (wall_y, bottom),
    ]
    profile = cq.Workplane("YZ", origin=(-length / 2, 0, 0)).polyline(points).close()
    return profile.extrude(length).val()


TEMPLATE = Template(
    id="gridfinity_bin",
    kind="starter",
    title="Gridfinity bin",
    description="Stackable Gridfinity storage bin (42 mm grid, 7 mm height units) with optional "
    "magnet and screw holes, dividers and a label tab.",
    params=PARAMS,
    build=build,
    aliases=("gridfinity box", "gridfinity cup", "parts bin", "storage bin"),
)
