"""Ornament: a round or star-shaped flat ornament with a hanging loop and text.

The loop is a ring fused above the top of the shape (on a star it is centred on the top
tip, so the ring grips the whole arm rather than a sharp point); the text is placed
where the shape leaves it the most room.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.gifts import _outlines
from printforge_services.generator.catalog.gifts._emboss import check_floor, emboss, text_params, top_face
from printforge_services.generator.catalog.gifts._layout import Line, PlacedLine, layout
from printforge_services.generator.catalog.template import Template, raise_if
from printforge_services.generator.manifest import Param
from printforge_services.generator.solids import single_solid

SHAPES = ("round", "star")
STAR_POINTS = 5
STAR_INNER_RATIO = 0.5
LOOP_WALL_MM = 2.0
# nominal font sizes (first line, second line) as shares of the width
TEXT_SIZE_RATIOS = {"round": (0.2, 0.12), "star": (0.15, 0.09)}
MARGIN_RATIO = 0.06


def _outline(values: dict[str, Any]) -> _outlines.Outline:
    if values["shape"] == "round":
        return _outlines.circle(values["diameter"])
    return _outlines.star(STAR_POINTS, values["diameter"], STAR_INNER_RATIO)


def _layout(values: dict[str, Any], outline: _outlines.Outline) -> list[PlacedLine]:
    width = values["diameter"]
    primary, secondary = TEXT_SIZE_RATIOS[values["shape"]]
    lines = [Line("primaryText", values["primaryText"], primary * width)]
    if values["secondaryText"].strip():
        lines.append(Line("secondaryText", values["secondaryText"], secondary * width))
    centers = [0.0] + [width * k / 50 for k in range(-10, 11) if k]
    return layout(lines, outline.row, MARGIN_RATIO * width, centers)


def check(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    check_floor(values, values["thickness"], errors)
    raise_if(errors)
    _layout(values, _outline(values))


def build(values: dict[str, Any]) -> cq.Shape:
    outline = _outline(values)
    thickness = values["thickness"]
    hole_radius = values["loopDiameter"] / 2
    # a round top is smooth: hang the ring just above it; a star tip goes inside the ring
    above = hole_radius + LOOP_WALL_MM / 2 if values["shape"] == "round" else 0.0
    center = cq.Vector(0.0, outline.top + above, 0.0)
    ring = cq.Solid.makeCylinder(hole_radius + LOOP_WALL_MM, thickness, center)
    hole = cq.Solid.makeCylinder(hole_radius, thickness, center)
    body = single_solid(outline.solid(thickness).fuse(ring).cut(hole).clean())
    lines = _layout(values, outline)
    return emboss(body, lines, values["textDepth"], values["textStyle"], top_face(thickness))


TEMPLATE = Template(
    id="ornament",
    kind="gift",
    title="Hanging ornament",
    description="A round or star ornament with a hanging loop and a name or date.",
    params=(
        Param("primaryText", "Text", "text", "Noel", min=1, max=16, group="Text"),
        Param(
            "secondaryText",
            "Second line",
            "text",
            "",
            max=16,
            group="Text",
            description="Optional smaller line, e.g. a year.",
        ),
        Param("shape", "Shape", "enum", "round", options=SHAPES, group="Shape"),
        Param(
            "diameter",
            "Width",
            "number",
            75.0,
            unit="mm",
            min=50.0,
            max=110.0,
            step=1.0,
            group="Shape",
            description="Overall width of the ornament, without the loop.",
        ),
        Param("thickness", "Thickness", "number", 3.0, unit="mm", min=2.0, max=5.0, step=0.5, group="Shape"),
        Param(
            "loopDiameter",
            "Loop hole",
            "number",
            5.0,
            unit="mm",
            min=3.0,
            max=8.0,
            step=0.5,
            group="Shape",
            description="Diameter of the hole for the hanging string.",
        ),
        *text_params(default_style="raised", default_depth=0.8, max_depth=1.5),
    ),
    build=build,
    check=check,
)
