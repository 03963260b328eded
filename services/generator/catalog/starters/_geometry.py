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
