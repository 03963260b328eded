"""Keychain: a rounded tag with a key-ring hole at one end and a name beside it.

The name shrinks to fit the length left of the hole; a name that would need letters
thinner than a nozzle can print is rejected with a message saying how much room it needs.
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

TEXT_SIZE_RATIO = 0.6  # nominal font size as a share of the tag height
MARGIN_RATIO = 0.1
HOLE_CLEARANCE_MM = 1.5  # material kept between the ring hole and the first letter


def _hole_center_x(values: dict[str, Any]) -> float:
    return -values["length"] / 2 + values["height"] / 2


def _layout(values: dict[str, Any]) -> list[PlacedLine]:
    outline = _outlines.rounded_rect(values["length"], values["height"], values["height"] / 2)
    text_start = _hole_center_x(values) + values["holeDiameter"] / 2 + HOLE_CLEARANCE_MM

    def row(y: float) -> tuple[float, float] | None:
        span = outline.row(y)
        return None if span is None else (max(span[0], text_start), span[1])

    line = Line("name", values["name"], TEXT_SIZE_RATIO * values["height"])
    return layout([line], row, MARGIN_RATIO * values["height"])


def check(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    check_floor(values, values["thickness"], errors)
    raise_if(errors)
    _layout(values)


def build(values: dict[str, Any]) -> cq.Shape:
    thickness = values["thickness"]
    tag = _outlines.rounded_rect(values["length"], values["height"], values["height"] / 2).solid(thickness)
    hole = cq.Solid.makeCylinder(
        values["holeDiameter"] / 2, thickness, cq.Vector(_hole_center_x(values), 0.0, 0.0)
    )
    body = single_solid(tag.cut(hole))
    return emboss(body, _layout(values), values["textDepth"], values["textStyle"], top_face(thickness))


TEMPLATE = Template(
    id="keychain",
    kind="gift",
    title="Name keychain",
    description="A rounded key tag with a ring hole and a name.",
    params=(
        Param("name", "Name", "text", "Alex", min=1, max=16, group="Text"),
        Param("length", "Length", "number", 60.0, unit="mm", min=40.0, max=100.0, step=1.0, group="Shape"),
        Param("height", "Height", "number", 20.0, unit="mm", min=15.0, max=35.0, step=1.0, group="Shape"),
        Param("thickness", "Thickness", "number", 3.5, unit="mm", min=2.0, max=6.0, step=0.5, group="Shape"),
        Param(
            "holeDiameter",
            "Ring hole",
            "number",
            5.0,
            unit="mm",
            min=3.0,
            max=8.0,
            step=0.5,
            group="Shape",
            description="Diameter of the hole for the key ring.",
        ),
        *text_params(default_style="raised", default_depth=1.0, max_depth=2.0),
    ),
    build=build,
    check=check,
)
