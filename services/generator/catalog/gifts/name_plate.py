"""Name plate: a desk sign shaped as a wedge, with one or two lines on its sloped front.

A solid wedge stands on its own without a foot, and printed as it stands (on its flat
base) it needs no support: the sloped face leans back at `angle` from the table, and
raised letters on it overhang by 90 - angle degrees at most.
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.gifts._emboss import check_floor, emboss, text_params
from printforge_services.generator.catalog.gifts._layout import Line, PlacedLine, layout
from printforge_services.generator.catalog.template import Template, raise_if
from printforge_services.generator.manifest import Param

TOP_FLAT_MM = 4.0  # blunt ridge instead of a knife edge
PRIMARY_SIZE_RATIO = 0.4  # nominal font sizes as shares of the sloped face's height
SECONDARY_SIZE_RATIO = 0.22
MARGIN_RATIO = 0.1


def _slope(values: dict[str, Any]) -> tuple[float, float]:
    """(run, slant): horizontal depth and length of the sloped front face."""
    angle = math.radians(values["angle"])
    run = values["height"] / math.tan(angle)
    return run, math.hypot(run, values["height"])


def _layout(values: dict[str, Any]) -> list[PlacedLine]:
    _, slant = _slope(values)
    half_length = values["length"] / 2

    def row(y: float) -> tuple[float, float] | None:
        return (-half_length, half_length) if abs(y) < slant / 2 else None

    lines = [Line("primaryText", values["primaryText"], PRIMARY_SIZE_RATIO * slant)]
    if values["secondaryText"].strip():
        lines.append(Line("secondaryText", values["secondaryText"], SECONDARY_SIZE_RATIO * slant))
    return layout(lines, row, MARGIN_RATIO * slant)


def _front_face(values: dict[str, Any]) -> cq.Plane:
    """Plane of the sloped face: origin at its centre, x along the sign, normal outwards."""
    run, slant = _slope(values)
    height = values["height"]
    return cq.Plane(
        origin=(0.0, run / 2, height / 2),
        xDir=(1.0, 0.0, 0.0),
        normal=(0.0, -height / slant, run / slant),
    )


def _material_under_lettering(values: dict[str, Any]) -> float:
    """Least wedge thickness, measured straight into the part, under the lettering area.

    The lettering stays a margin away from the face's edges. Going inwards from a point
    at slope distance s, the wedge ends at the base after height * s / run, or at the
    back after (depth - run * s / slant) * slant / height; the first grows with s and the
    second shrinks, so the thinnest spots are the lowest and highest lettering rows.
    """
    run, slant = _slope(values)
    height = values["height"]
    margin = MARGIN_RATIO * slant
    to_base = height * margin / run
    to_back = (run + TOP_FLAT_MM - run * (slant - margin) / slant) * slant / height
    return min(to_base, to_back)


def check(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    check_floor(values, _material_under_lettering(values), errors)
    raise_if(errors)
    _layout(values)


def build(values: dict[str, Any]) -> cq.Shape:
    run, _ = _slope(values)
    height, length = values["height"], values["length"]
    depth = run + TOP_FLAT_MM
    profile = [(0.0, 0.0), (depth, 0.0), (depth, height), (run, height)]
    wedge = cq.Workplane("YZ", origin=(-length / 2, 0.0, 0.0)).polyline(profile).close().extrude(length).val()
    return emboss(wedge, _layout(values), values["textDepth"], values["textStyle"], _front_face(values))


TEMPLATE = Template(
    id="name_plate",
    kind="gift",
    title="Desk name plate",
    description="A wedge-shaped desk sign with a name and an optional title on its sloped front.",
    params=(
        Param("primaryText", "Name", "text", "Alex Morgan", min=1, max=32, group="Text"),
        Param(
            "secondaryText",
            "Second line",
            "text",
            "",
            max=40,
            group="Text",
            description="Optional smaller line, e.g. a job title.",
        ),
        Param("length", "Length", "number", 160.0, unit="mm", min=80.0, max=250.0, step=1.0, group="Shape"),
        Param("height", "Height", "number", 40.0, unit="mm", min=25.0, max=70.0, step=1.0, group="Shape"),
        Param(
            "angle",
            "Front slope",
            "number",
            60.0,
            unit="°",
            min=45.0,
            max=80.0,
            step=1.0,
            group="Shape",
            description="Angle of the lettered face from the table.",
        ),
        *text_params(default_style="raised", default_depth=1.2, max_depth=3.0),
    ),
    build=build,
    check=check,
)
