"""Coaster: a flat disc, square, hexagon or heart with one or two lines of text on top.

Text defaults to engraved so a glass stands flat; the lines shrink to fit the shape
(a heart's text sits where the heart is widest) and the layout rejects text that would
need letters thinner than a nozzle can print.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.gifts import _outlines
from printforge_services.generator.catalog.gifts._emboss import check_floor, emboss, text_params, top_face
from printforge_services.generator.catalog.gifts._layout import Line, PlacedLine, layout
from printforge_services.generator.catalog.template import Template, raise_if
from printforge_services.generator.manifest import Param

SHAPES = ("round", "square", "hexagon", "heart")
PRIMARY_SIZE_RATIO = 0.16  # nominal font size of the first line, as a share of the width
SECONDARY_SIZE_RATIO = 0.09
MARGIN_RATIO = 0.07  # clear border between text and the edge


def _outline(values: dict[str, Any]) -> _outlines.Outline:
    width = values["diameter"]
    shape = values["shape"]
    if shape == "round":
        return _outlines.circle(width)
    if shape == "square":
        return _outlines.regular_polygon(4, width)
    if shape == "hexagon":
        return _outlines.regular_polygon(6, width)
    return _outlines.heart(width)


def _layout(values: dict[str, Any], outline: _outlines.Outline) -> list[PlacedLine]:
    width = values["diameter"]
    lines = [Line("primaryText", values["primaryText"], PRIMARY_SIZE_RATIO * width)]
    if values["secondaryText"].strip():
        lines.append(Line("secondaryText", values["secondaryText"], SECONDARY_SIZE_RATIO * width))
    # candidate block centres: the middle first, then up to a fifth of the width either way
    centers = [0.0] + [width * k / 50 for k in range(-10, 11) if k]
    return layout(lines, outline.row, MARGIN_RATIO * width, centers)


def check(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    check_floor(values, values["thickness"], errors)
    raise_if(errors)
    _layout(values, _outline(values))


def build(values: dict[str, Any]) -> cq.Shape:
    outline = _outline(values)
    body = outline.solid(values["thickness"])
    lines = _layout(values, outline)
    return emboss(body, lines, values["textDepth"], values["textStyle"], top_face(values["thickness"]))


TEMPLATE = Template(
    id="coaster",
    kind="gift",
    title="Coaster",
    description="A drink coaster with a name or message on top.",
    params=(
        Param("primaryText", "Text", "text", "Cheers", min=1, max=24, group="Text"),
        Param(
            "secondaryText",
            "Second line",
            "text",
            "",
            max=32,
            group="Text",
            description="Optional smaller line under the main text.",
        ),
        Param("shape", "Shape", "enum", "round", options=SHAPES, group="Shape"),
        Param(
            "diameter",
            "Width",
            "number",
            95.0,
            unit="mm",
            min=70.0,
            max=120.0,
            step=1.0,
            group="Shape",
            description="Overall width of the coaster (diameter when round).",
        ),
        Param("thickness", "Thickness", "number", 4.0, unit="mm", min=2.0, max=8.0, step=0.5, group="Shape"),
        *text_params(default_style="engraved", default_depth=1.0, max_depth=2.0),
    ),
    build=build,
    check=check,
)
