"""Flat gift outlines, each as a row function for text layout AND a solid for CAD.

Keeping both views of a shape in one place means the layout never disagrees with the
part it decorates: the rows are computed from the same numbers the solid is built from.
Every outline is centred on its bounding box in XY; solids sit on z=0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cadquery as cq

from printforge_services.generator.catalog.gifts._layout import Row

Span = tuple[float, float]


@dataclass(frozen=True)
class Outline:
    """A flat shape: `row` for layout, `top` (highest y) for hangers, `solid` to extrude it."""

    row: Row
    top: float
    solid: Callable[[float], cq.Shape]


def _span_containing(spans: Sequence[Span], x: float = 0.0) -> Span | None:
    """Merge overlapping spans and return the merged one containing `x`."""
    merged: list[list[float]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    for lo, hi in merged:
        if lo <= x <= hi:
            return (lo, hi)
    return None


def _polygon_spans(points: Sequence[tuple[float, float]], y: float) -> list[Span]:
    """Spans of a simple polygon's interior on the row y (even-odd rule)."""
    crossings = []
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        if (y0 <= y < y1) or (y1 <= y < y0):
            crossings.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    return [(crossings[i], crossings[i + 1]) for i in range(0, len(crossings) - 1, 2)]


def _extrude(sketch: cq.Sketch) -> Callable[[float], cq.Shape]:
    def solid(thickness: float) -> cq.Shape:
        return cq.Workplane("XY").placeSketch(sketch).extrude(thickness).val()

    return solid


def circle(diameter: float) -> Outline:
    r = diameter / 2

    def row(y: float) -> Span | None:
        if abs(y) >= r:
            return None
        half = math.sqrt(r * r - y * y)
        return (-half, half)

    return Outline(row=row, top=r, solid=_extrude(cq.Sketch().circle(r)))


def polygon(points: Sequence[tuple[float, float]]) -> Outline:
    """A simple polygon, already centred by the caller."""
    pts = [(float(x), float(y)) for x, y in points]
    return Outline(
        row=lambda y: _span_containing(_polygon_spans(pts, y)),
        top=max(y for _, y in pts),
        solid=_extrude(cq.Sketch().polygon([*pts, pts[0]])),
    )


def regular_polygon(sides: int, width: float) -> Outline:
    """`sides`-gon whose x extent is `width`: flat sides face the axes when 4 divides
    `sides` (a square), otherwise a vertex points along +x (a hexagon gets a flat top)."""
    if sides % 4 == 0:
        radius = width / 2 / math.cos(math.pi / sides)
        start = math.pi / sides
    else:
        radius = width / 2
        start = 0.0
    angles = [start + 2 * math.pi * i / sides for i in range(sides)]
    return polygon([(radius * math.cos(a), radius * math.sin(a)) for a in angles])


def star(points: int, width: float, inner_ratio: float) -> Outline:
    """Star with a tip pointing up; centred on its bounding box, x extent `width`."""
    vertices = []
    for i in range(2 * points):
        radius = 1.0 if i % 2 == 0 else inner_ratio
        angle = math.pi / 2 + math.pi * i / points
        vertices.append((radius * math.cos(angle), radius * math.sin(angle)))
    xs, ys = [x for x, _ in vertices], [y for _, y in vertices]
    scale = width / (max(xs) - min(xs))
    y_mid = (max(ys) + min(ys)) / 2
    return polygon([(x * scale, (y - y_mid) * scale) for x, y in vertices])


def heart(width: float) -> Outline:
    """Classic heart: a square on its corner plus two discs on its upper edges."""
    d = width / (1 + math.sqrt(2))  # half-diagonal of the square
    r = d / math.sqrt(2)  # disc radius: half the square's side
    top, bottom = d / 2 + r, -d
    shift = -(top + bottom) / 2
    centers = [(-d / 2, d / 2 + shift), (d / 2, d / 2 + shift)]

    def row(y: float) -> Span | None:
        spans: list[Span] = []
        v = y - shift
        if abs(v) < d:
            spans.append((-(d - abs(v)), d - abs(v)))
        for cx, cy in centers:
            if abs(y - cy) < r:
                half = math.sqrt(r * r - (y - cy) ** 2)
                spans.append((cx - half, cx + half))
        return _span_containing(spans)

    side = d * math.sqrt(2)
    sketch = (
        cq.Sketch()
        .push([(0.0, shift)])
        .rect(side, side, angle=45)
        .reset()
        .push(centers)
        .circle(r)
        .reset()
        .clean()
    )
    return Outline(row=row, top=top + shift, solid=_extrude(sketch))


def rounded_rect(length: float, width: float, radius: float) -> Outline:
    """Rectangle along x with corner radius `radius` (a stadium when radius = width / 2)."""
    radius = min(radius, width / 2)

    def row(y: float) -> Span | None:
        if abs(y) >= width / 2:
            return None
        into_corner = abs(y) - (width / 2 - radius)
        inset = radius - math.sqrt(radius * radius - into_corner**2) if into_corner > 0 else 0.0
        return (-length / 2 + inset, length / 2 - inset)

    def solid(thickness: float) -> cq.Shape:
        plate = cq.Workplane("XY")
        if radius >= width / 2:
            return plate.slot2D(length, width).extrude(thickness).val()
        return plate.rect(length, width).extrude(thickness).edges("|Z").fillet(radius).val()

    return Outline(row=row, top=width / 2, solid=solid)
