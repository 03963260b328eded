"""Block of hex sockets for 1/4-inch (6.35 mm across flats) screwdriver bits.

Sockets are hexagonal, not round, so bits do not spin or rattle; the shared printer
clearance (catalog.fit, per side) absorbs the printer's typical shrinkage of holes.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param

COS30 = 0.8660254037844386

PARAMS = (
    Param("rows", "Rows", "integer", 2, min=1, max=6, step=1, group="Layout"),
    Param("columns", "Columns", "integer", 6, min=1, max=10, step=1, group="Layout"),
    Param(
        "bit_size", "Bit size across flats", "number", 6.35, unit="mm", min=4, max=8, step=0.05, group="Fit"
    ),
    clearance_param(description="Gap per side between a bit's flats and its socket."),
    Param(
        "spacing",
        "Spacing",
        "number",
        11.0,
        unit="mm",
        min=9,
        max=16,
        step=0.5,
        group="Layout",
        description="Centre-to-centre distance between sockets.",
    ),
    Param("depth", "Socket depth", "number", 10.0, unit="mm", min=5, max=20, step=0.5, group="Fit"),
    Param("floor", "Floor thickness", "number", 2.0, unit="mm", min=1, max=5, step=0.5, group="Body"),
)


def build(v: dict[str, Any]) -> cq.Workplane:
    rows, cols, pitch = v["rows"], v["columns"], v["spacing"]
    margin = pitch / 2 + 1.0
    length = (cols - 1) * pitch + 2 * margin
    width = (rows - 1) * pitch + 2 * margin
    height = v["floor"] + v["depth"]
    block = cq.Workplane("XY").box(length, width, height, centered=(True, True, False))
    block = block.edges("|Z").fillet(min(3.0, margin - 0.5))
    flats = v["bit_size"] + 2 * v["clearance"]
    centres = [
        ((c - (cols - 1) / 2) * pitch, (r - (rows - 1) / 2) * pitch) for r in range(rows) for c in range(cols)
    ]
    return block.faces(">Z").workplane().pushPoints(centres).polygon(6, flats / COS30).cutBlind(-v["depth"])


TEMPLATE = Template(
    id="hex_bit_holder",
    kind="starter",
    title="Hex bit holder",
    description="Organiser block with hexagonal sockets for 1/4 in screwdriver bits.",
    params=PARAMS,
    build=build,
    aliases=("bit holder", "screwdriver bit holder", "bit organizer", "hex bit organiser", "bit case"),
)
