"""Pegboard hook for standard 1/4-inch-hole pegboard on a 1-inch (25.4 mm) grid.

Two pegs: the upper one hooks down behind the board, the lower one rests in the hole
below and stops the hook from rotating. Printed lying on its side (profile extruded
along the peg size) so the pegs are not weak across layer lines.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param

PARAMS = (
    Param(
        "pitch",
        "Hole pitch",
        "enum",
        25.4,
        unit="mm",
        options=[25.4, 38.1],
        group="Board",
        description="Hole spacing: 1 inch (most boards) or 1.5 inch.",
    ),
    Param(
        "peg_size",
        "Peg size",
        "number",
        5.4,
        unit="mm",
        min=4,
        max=6,
        step=0.1,
        group="Board",
        description="Square peg width; 5.4 mm fits 6.35 mm (1/4 in) holes.",
    ),
    Param(
        "board_thickness", "Board thickness", "number", 5.5, unit="mm", min=3, max=8, step=0.1, group="Board"
    ),
    Param("hook_length", "Hook length", "number", 50.0, unit="mm", min=15, max=120, step=1, group="Hook"),
    Param("tip_height", "Tip height", "number", 10.0, unit="mm", min=0, max=30, step=1, group="Hook"),
    Param("arm_thickness", "Arm thickness", "number", 6.0, unit="mm", min=4, max=12, step=0.5, group="Hook"),
)


def build(v: dict[str, Any]) -> cq.Shape:
    s, pitch, board = v["peg_size"], float(v["pitch"]), v["board_thickness"]
    arm_t, length, tip = v["arm_thickness"], v["hook_length"], v["tip_height"]
    plate_h = pitch + 2 * s
    plate_t = max(arm_t * 0.6, 3.0)
    boxes: list[tuple[float, float, float, float]] = [  # x0, y0, x1, y1 of each rectangle in XY
        (0.0, 0.0, plate_t, plate_h),  # plate against the board's front face at x = 0
        (-board - 0.5, plate_h - s * 1.5, 0.1, plate_h - s * 0.5),  # upper peg through the board
        (-board - 0.5 - s, plate_h - s * 1.5 - s, -board - 0.5, plate_h - s * 0.5),  # hooks down behind
        (-board * 0.8, s * 0.5, 0.1, s * 1.5),  # lower anti-rotation peg
        (plate_t - 0.1, 0.0, plate_t + length, arm_t),  # arm
    ]
    if tip > 0:
        boxes.append((plate_t + length - arm_t, arm_t - 0.1, plate_t + length, arm_t + tip))
    parts = [cq.Solid.makeBox(x1 - x0, y1 - y0, s, cq.Vector(x0, y0, 0)) for x0, y0, x1, y1 in boxes]
    return parts[0].fuse(*parts[1:]).clean()


TEMPLATE = Template(
    id="pegboard_hook",
    kind="starter",
    title="Pegboard hook",
    description="Straight pegboard hook with an anti-rotation peg for 1/4 in holes on a 1 in or 1.5 in grid.",
    params=PARAMS,
    build=build,
    aliases=("peg hook", "pegboard peg", "pegboard holder", "peg board hook"),
)
