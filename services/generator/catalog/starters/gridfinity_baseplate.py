"""Gridfinity baseplate: a grid of 42 mm sockets that bins drop into.

The socket is the spec profile (2.15 chamfer, 1.8 vertical, 0.7 chamfer, 4.65 mm)
cut through a plate whose cells are exactly 42 mm with 4 mm corners. The optional
magnet floor adds a 2.4 mm + 0.6 mm floor with magnet pockets under the bin's holes.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.starters import _gridfinity as gf
from printforge_services.generator.catalog.starters._geometry import (
    cut_all,
    cylinder,
    fuse_all,
    grid_centres,
    profile_loft,
)
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param

MAGNET_FLOOR = gf.MAGNET_DEPTH + 0.6

PARAMS = (
    Param("grid_x", "Width", "integer", 3, unit="cells", min=1, max=5, step=1, group="Size"),
    Param("grid_y", "Depth", "integer", 3, unit="cells", min=1, max=5, step=1, group="Size"),
    Param(
        "magnet_floor",
        "Magnet floor",
        "boolean",
        False,
        group="Base",
        description="Closed floor with 6.5 × 2.4 mm magnet pockets and M3 screw holes under each cell.",
    ),
)


def build(v: dict[str, Any]) -> cq.Shape:
    """One cell frame is built once, copied across the grid and glued (neighbours share
    whole side faces, which OCCT's glue mode fuses cheaply), then trimmed to the rounded
    outline. Cutting N sockets from one plate gives the same solid several times slower."""
    nx, ny = v["grid_x"], v["grid_y"]
    floor = MAGNET_FLOOR if v["magnet_floor"] else 0.0
    half = gf.PITCH / 2
    block = cq.Solid.makeBox(gf.PITCH, gf.PITCH, gf.SOCKET_HEIGHT + floor, cq.Vector(-half, -half, -floor))
    # continue the top chamfer above the plate and (when open) the bottom below it, so
    # the cutter never leaves coplanar skins
    profile = [(-1.0, gf.SOCKET_HEIGHT + 1.0), *gf.SOCKET_PROFILE]
    if not v["magnet_floor"]:
        profile.append((gf.SOCKET_PROFILE[-1][0], -1.0))
    tools: list[cq.Shape] = [profile_loft(gf.PITCH, gf.PITCH, gf.PLATE_RADIUS, list(reversed(profile)))]
    if v["magnet_floor"]:
        for x, y in gf.hole_positions((0.0, 0.0)):
            tools.append(cylinder(gf.MAGNET_DIAMETER, gf.MAGNET_DEPTH + 1.0, x, y, -gf.MAGNET_DEPTH))
            tools.append(cylinder(gf.SCREW_DIAMETER, floor + 2.0, x, y, -floor - 1.0))
    cell = cut_all(block, tools)
    cells = [cell.moved(cq.Location(cq.Vector(x, y, 0))) for x, y in grid_centres(nx, ny, gf.PITCH)]
    plate = fuse_all(cells[0], cells[1:], touching_only=True)
    outline = profile_loft(gf.PITCH * nx, gf.PITCH * ny, gf.PLATE_RADIUS, [(0.0, -floor - 1.0), (0.0, 6.0)])
    return plate.intersect(outline).clean()


TEMPLATE = Template(
    id="gridfinity_baseplate",
    kind="starter",
    title="Gridfinity baseplate",
    description="Baseplate of 42 mm Gridfinity sockets, optionally with a magnet floor.",
    params=PARAMS,
    build=build,
    aliases=("baseplate", "gridfinity base", "gridfinity grid", "gridfinity plate"),
)
