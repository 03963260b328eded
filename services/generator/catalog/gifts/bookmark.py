"""Bookmark: a thin strip with rounded corners, a tassel hole and text along its length.

Text runs along the strip (the layout's x axis is the strip's length) and shrinks to
fit between the tassel hole and the far end.
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

CORNER_RADIUS_MM = 4.0
HOLE_INSET_MM = 8.0  # from the end of the strip to the tassel hole's centre
HOLE_CLEARANCE_MM = 3.0
TEXT_SIZE_RATIO = 0.5  # nominal font size as a share of the strip width
MARGIN_RATIO = 0.12


def _outline(values: dict[str, Any]) -> _outlines.Outline:
    return _outlines.rounded_rect(values["length"], values["width"], CORNER_RADIUS_MM)


def _hole_center_x(values: dict[str, Any]) -> float:
    return -values["length"] / 2 + HOLE_INSET_MM


def _layout(values: dict[str, Any]) -> list[PlacedLine]:
    outline = _outline(values)
    text_start = _hole_center_x(values) + values["holeDiameter"] / 2 + HOLE_CLEARANCE_MM

    def row(y: float) -> tuple[float, float] | None:
        span = outline.row(y)
        return None if span is None else (max(span[0], text_start), span[1])

    line = Line("primaryText", values["primaryText"], TEXT_SIZE_RATIO * values["width"])
    return layout([line], row, MARGIN_RATIO * values["width"])


def check(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    check_floor(values, values["thickness"], errors)
    raise_if(errors)
    _layout(values)


def build(values: dict[str, Any]) -> cq.Shape:
    thickness = values["thickness"]
    strip = _outline(values).solid(thickness)
    hole = cq.Solid.makeCylinder(
        values["holeDiameter"] / 2, thickness, cq.Vector(_hole_center_x(values), 0.0, 0.0)
    )
    body = single_solid(strip.cut(hole))
    return emboss(body, _layout(values), values["textDepth"], values["textStyle"], top_face(thickness))


TEMPLATE = Template(
    id="bookmark",
    kind="gift",
    title="Bookmark",
    description="A bookmark with a tassel hole and your text along its length.",
    params=(
        Param("primaryText", "Text", "text", "Read more", min=1, max=24, group="Text"),
        Param("length", "Length", "number", 150.0, unit="mm", min=120.0, max=200.0, step=1.0, group="Shape"),
        Param("width", "Width", "number", 35.0, unit="mm", min=25.0, max=60.0, step=1.0, group="Shape"),
        Param("thickness", "Thickness", "number", 2.0, unit="mm", min=1.2, max=4.0, step=0.2, group="Shape"),
        Param(
            "holeDiameter",
            "Tassel hole",
            "number",
            4.0,
            unit="mm",
            min=3.0,
            max=6.0,
            step=0.5,
            group="Shape",
        ),
        *text_params(default_style="raised", default_depth=0.8, max_depth=1.5),
    ),
    build=build,
    check=check,
)
