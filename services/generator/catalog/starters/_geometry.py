"""Shared solid-building helpers for starters (not a starter: the leading underscore
keeps it out of discovery).

Gridfinity feet, sockets and lips are profiles swept around a rounded rectangle; a
ruled loft through inset copies of one rounded rectangle builds them exactly (planar
sides, conical corners) without the fragile sweep-along-path OCCT operations.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import cadquery as cq


def rounded_rect_wire(width: float, depth: float, radius: float, z: float = 0.0) -> cq.Wire:
    """Closed rounded rectangle centred on the Z axis at height `z`; always 8 edges."""
    hx, hy = width / 2, depth / 2
    r = radius
    if not 0 < r < min(hx, hy):
        raise ValueError(f"corner radius {r} must be in (0, {min(hx, hy)}) for {width} x {depth}")
    edges: list[cq.Edge] = []
    corners = ((hx, hy, 0.0), (-hx, hy, 90.0), (-hx, -hy, 180.0), (hx, -hy, 270.0))
    for index, (cx, cy, start) in enumerate(corners):
        centre = (cx - math.copysign(r, cx), cy - math.copysign(r, cy), z)
        a0, a1 = math.radians(start), math.radians(start + 90)
        p0 = (centre[0] + r * math.cos(a0), centre[1] + r * math.sin(a0), z)
        pm = (centre[0] + r * math.cos((a0 + a1) / 2), centre[1] + r * math.sin((a0 + a1) / 2), z)
        p1 = (centre[0] + r * math.cos(a1), centre[1] + r * math.sin(a1), z)
        edges.append(cq.Edge.makeThreePointArc(cq.Vector(*p0), cq.Vector(*pm), cq.Vector(*p1)))
        ncx, ncy, _ = corners[(index + 1) % 4]
        next_start = math.radians(corners[(index + 1) % 4][2])
        ncentre = (ncx - math.copysign(r, ncx), ncy - math.copysign(r, ncy))
        q = (ncentre[0] + r * math.cos(next_start), ncentre[1] + r * math.sin(next_start), z)
        edges.append(cq.Edge.makeLine(cq.Vector(*p1), cq.Vector(*q)))
    return cq.Wire.assembleEdges(edges)


def profile_loft(
    width: float, depth: float, radius: float, sections: Sequence[tuple[float, float]]
) -> cq.Solid:
    """Ruled loft through (inset, z) sections of a width x depth rounded rectangle.

    Inset shrinks each side and the corner radius alike, i.e. a true 2D offset, so the
    45-degree segments of Gridfinity profiles come out as exact chamfers.
    """
    wires = [
        rounded_rect_wire(width - 2 * inset, depth - 2 * inset, radius - inset, z) for inset, z in sections
    ]
    return cq.Solid.makeLoft(wires, ruled=True)


def grid_centres(nx: int, ny: int, pitch: float) -> list[tuple[float, float]]:
    """Centres of an nx x ny grid of cells, centred on the origin."""
    return [((i - (nx - 1) / 2) * pitch, (j - (ny - 1) / 2) * pitch) for i in range(nx) for j in range(ny)]


def fuse_all(base: cq.Shape, others: Iterable[cq.Shape], touching_only: bool = False) -> cq.Shape:
    """Boolean union of many tools in one OCCT call (much faster than chained unions).

    `touching_only=True` promises the shapes share faces but never overlap in volume,
    which lets OCCT's glue mode skip most intersection work.
    """
    tools = list(others)
    return base.fuse(*tools, glue=touching_only).clean() if tools else base


def cut_all(base: cq.Shape, tools: Iterable[cq.Shape]) -> cq.Shape:
    tools = list(tools)
    return base.cut(*tools).clean() if tools else base


def cylinder(diameter: float, height: float, x: float = 0.0, y: float = 0.0, z: float = 0.0) -> cq.Solid:
    return cq.Solid.makeCylinder(diameter / 2, height, cq.Vector(x, y, z))


def _rounded_block(
    length: float,
    width: float,
    height: float,
    z: float,
    corner_radius: float,
    fillet_radius: float,
    what: str,
) -> cq.Shape:
    """A box centred on the Z axis from `z`, vertical corners and bottom edges rounded."""
    from printforge_services.generator.catalog.finish import fillet

    block: cq.Shape = cq.Solid.makeBox(length, width, height, cq.Vector(-length / 2, -width / 2, z))
    if corner_radius > 0:
        vertical = [e for e in block.Edges() if abs(e.tangentAt(0).z) > 0.999]
        block = block.fillet(corner_radius, vertical)
    bottom = [e for e in block.Edges() if abs(e.Center().z - z) < 1e-6]
    return fillet(block, bottom, fillet_radius, what)


def open_box(
    length: float,
    width: float,
    height: float,
    wall: float,
    corner_radius: float,
    fillet_radius: float = 0.0,
) -> cq.Shape:
    """A box centred on the Z axis from z=0, open at the top, walls and floor `wall` thick.

    Vertical corners are rounded by `corner_radius`, the bottom edges by `fillet_radius`
    (through `finish.fillet`: a radius that does not fit falls back or is skipped with a
    warning). The cavity is a second rounded block, `wall` smaller with radii `wall`
    smaller, cut out of the first: OCCT's shell() offsets fillet surfaces, and offsetting a
    blend is what fails (StdFail_NotDone, undefined normals) on simple enclosures.
    """
    outer = _rounded_block(length, width, height, 0.0, corner_radius, fillet_radius, "bottom edge fillet")
    inner = _rounded_block(
        length - 2 * wall,
        width - 2 * wall,
        height,
        wall,
        max(corner_radius - wall, 0.0),
        max(fillet_radius - wall, 0.0),
        "inside bottom fillet",
    )
    return outer.cut(inner).clean()


def rounded_plate(
    length: float,
    width: float,
    thickness: float,
    corner_radius: float,
    fillet_radius: float = 0.0,
    what: str = "top edge fillet",
) -> cq.Shape:
    """A plate centred on the Z axis from z=0, corners rounded, top edges filleted (or warned)."""
    from printforge_services.generator.catalog.finish import fillet

    plate: cq.Shape = cq.Solid.makeBox(length, width, thickness, cq.Vector(-length / 2, -width / 2, 0))
    if corner_radius > 0:
        vertical = [e for e in plate.Edges() if abs(e.tangentAt(0).z) > 0.999]
        plate = plate.fillet(corner_radius, vertical)
    top = [e for e in plate.Edges() if e.Center().z > thickness - 1e-6]
    return fillet(plate, top, fillet_radius, what, limit=round(thickness - 0.2, 2))


def countersunk_holes(
    points: Iterable[tuple[float, float]], diameter: float, thickness: float, z: float = 0.0
) -> list[cq.Shape]:
    """Cutters for 90-degree countersunk screw holes through a plate from z to z+thickness,
    heads sunk into the top face (head diameter 2 x screw, ISO 10642)."""
    head = 2 * diameter
    tools: list[cq.Shape] = []
    for x, y in points:
        tools.append(cq.Solid.makeCylinder(diameter / 2, thickness + 2, cq.Vector(x, y, z - 1)))
        # the cone starts 0.5 mm above the face, so the sunk head is exactly `head` wide there
        tip = z + thickness + 0.5 - (head / 2 + 0.5)
        tools.append(cq.Solid.makeCone(0, head / 2 + 0.5, head / 2 + 0.5, cq.Vector(x, y, tip)))
    return tools


def seat_lid(lid: cq.Shape, box_height: float, lid_thickness: float) -> cq.Shape:
    """A lid printed outside face down (on z=0) turned over and seated on a box of `box_height`."""
    return lid.mirror("XY").translate(cq.Vector(0, 0, box_height + lid_thickness))
