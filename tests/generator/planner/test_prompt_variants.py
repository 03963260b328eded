"""Prompts of the public kinds worded differently, with geometry worked out by hand.

Generality matters more than the public list: these use other word orders, units
(inches, cm, fractions), synonyms and feature phrasings. Expected values come from
the formulas written next to each case, not from running the planner.
"""

from __future__ import annotations

import math

import pytest

from printforge_services.generator.planner import generate
from tests.generator.planner.geometry import check

PI = math.pi
SQ3 = math.sqrt(3)
IN = 25.4


def cyl(d: float, h: float) -> float:
    return PI * d * d / 4 * h


def annulus(od: float, inner: float, h: float) -> float:
    return PI / 4 * (od * od - inner * inner) * h


CASES: list[tuple[str, dict]] = [
    ("block 30 by 20 by 10 mm", {"dims": [30, 20, 10], "volume": 6000, "genus": 0}),
    ("a box 50 mm long, 30 mm wide and 20 mm high", {"dims": [50, 30, 20], "volume": 30000, "genus": 0}),
    ("cube, 2 cm on each side", {"dims": [20, 20, 20], "volume": 8000, "genus": 0}),
    ("a 1 inch cube", {"dims": [IN] * 3, "volume": IN**3, "genus": 0}),
    ("rod 8 mm diameter, 120 mm long", {"dims": [8, 8, 120], "volume": cyl(8, 120), "genus": 0}),
    ("cylinder with radius 10 and height 25", {"dims": [20, 20, 25], "volume": cyl(20, 25), "genus": 0}),
    (
        'a cylinder, 1.5" diameter, 3" tall',
        {"dims": [1.5 * IN, 1.5 * IN, 3 * IN], "volume": cyl(1.5 * IN, 3 * IN)},
    ),
    ("a 2 inch diameter sphere", {"dims": [2 * IN] * 3, "volume": PI / 6 * (2 * IN) ** 3, "genus": 0}),
    ("ball 40mm", {"dims": [40, 40, 40], "volume": PI / 6 * 40**3}),
    ("a ball 1.5 in across", {"dims": [1.5 * IN] * 3}),
    (
        "pipe, OD 1 inch, wall 1/8 inch, 6 inches long",
        {"dims": [IN, IN, 6 * IN], "volume": annulus(IN, IN - IN / 4, 6 * IN), "genus": 1},
    ),
    (
        "tube 25 mm OD, 21 mm ID, 40 mm long",
        {"dims": [25, 25, 40], "volume": annulus(25, 21, 40), "genus": 1},
    ),
    (
        "square tube 20x20 mm, 2 mm wall, 150 mm long",
        {"dims": [20, 20, 150], "volume": (400 - 256) * 150, "genus": 1},
    ),
    ("M10 washer", {"dims": [20, 20, 2], "volume": annulus(20, 10.5, 2), "genus": 1}),
    ("washer for an M8 bolt", {"dims": [16, 16, 1.6], "volume": annulus(16, 8.4, 1.6), "genus": 1}),
    ("M4 nut", {"dims": [7, 7 / SQ3 * 2, 3.2], "genus": 1}),
    ("hex nut, size M12", {"dims": [18, 18 / SQ3 * 2, 10.8], "genus": 1}),
    ("M5 x 20 hex head bolt", {"dims": [8, 8 / SQ3 * 2, 23.5], "genus": 0, "abs": 0.3}),
    ("bolt M6, 30 mm long", {"dims": [10, 10 / SQ3 * 2, 34], "genus": 0, "abs": 0.3}),
    ("hex standoff M3 15 mm tall", {"dims": [6, 6 / SQ3 * 2, 15], "genus": 1}),
    ("spacer, 8 mm outer diameter, 12 mm long", {"dims": [8, 8, 12], "genus": 1}),
    (
        "round plate 100 mm diameter, 3 mm thick, with 4 holes of 6 mm on an 80 mm PCD",
        {"dims": [100, 100, 3], "volume": cyl(100, 3) - 4 * cyl(6, 3), "genus": 4},
    ),
    (
        "triangular plate with 60 mm sides, 4 mm thick",
        {"dims": [60, 60 * SQ3 / 2, 4], "volume": SQ3 / 4 * 3600 * 4, "genus": 0},
    ),
    (
        "plate 120x80x6 mm with a 3x2 grid of 5 mm holes",
        {"dims": [120, 80, 6], "volume": 57600 - 6 * cyl(5, 6), "genus": 6},
    ),
    ("a 200 x 30 x 5 strip with three 4 mm holes in a row", {"dims": [200, 30, 5], "genus": 3}),
    (
        "mounting plate 80x50x4 mm with four counterbored M4 holes 6 mm from the corners",
        {"dims": [80, 50, 4], "genus": 4},
    ),
    ("mounting plate 80x50x4 mm with four countersunk M4 holes", {"dims": [80, 50, 4], "genus": 4}),
    (
        "disk 60 mm diameter 5 mm thick with six 4 mm holes evenly spaced",
        {"dims": [60, 60, 5], "volume": cyl(60, 5) - 6 * cyl(4, 5), "genus": 6},
    ),
    (
        "a cone 50 mm tall with a 20 mm radius base",
        {"dims": [40, 40, 50], "volume": PI / 3 * 400 * 50, "genus": 0},
    ),
    (
        "truncated cone, base diameter 40, top diameter 20, height 30",
        {"dims": [40, 40, 30], "volume": PI * 30 / 3 * (400 + 200 + 100), "genus": 0},
    ),
    (
        "hexagon bar 17 mm across flats, 50 mm long",
        {"dims": [17, 17 / SQ3 * 2, 50], "volume": SQ3 / 2 * 289 * 50, "genus": 0},
    ),
    ("ring, ID 20 mm, OD 26 mm, 5 mm wide", {"dims": [26, 26, 5], "volume": annulus(26, 20, 5), "genus": 1}),
    (
        "flange, 100 mm OD, 12 mm thick, 40 mm bore, six 10 mm bolt holes on an 80 mm bolt circle",
        {"dims": [100, 100, 12], "volume": annulus(100, 40, 12) - 6 * cyl(10, 12), "genus": 7},
    ),
    ("gear with 32 teeth, module 1.5, 6 mm thick, 8 mm bore", {"dims": [51, 51, 6], "genus": 1}),
    ("NEMA 23 stepper mount plate 6 mm thick", {"dims": [56.4, 56.4, 6], "genus": 5}),
    # 6 x 7 mm + the 4.4 mm stacking lip of the Gridfinity starter.
    ("gridfinity bin 1x1, 6 units high", {"dims": [41.5, 41.5, 46.4], "genus": 0}),
    (
        "open top box 100 x 60 x 40 mm, 3 mm walls",
        {"dims": [100, 60, 40], "volume": 100 * 60 * 40 - 94 * 54 * 37, "genus": 0},
    ),
    ("a tray 120 x 80 x 20", {"dims": [120, 80, 20], "volume": 120 * 80 * 20 - 116 * 76 * 18, "genus": 0}),
    ("keychain 50 x 30 x 4 mm with a 5 mm hole", {"dims": [50, 30, 4], "genus": 1}),
    ("square coaster 100 mm, 6 mm thick", {"largest2": [100, 100], "smallest": 6, "genus": 0}),
    (
        "L-shaped bracket, legs 60 mm and 40 mm, 25 mm wide, 5 mm thick, with four 4 mm holes",
        {"dims": [60, 40, 25], "volume": 25 * (60 * 5 + 35 * 5) - 4 * cyl(4, 5), "genus": 4},
    ),
    (
        "a 30 mm cube with a 10 mm hole through the middle",
        {"dims": [30, 30, 30], "volume": 27000 - cyl(10, 30), "genus": 1},
    ),
    (
        "a cylinder 40 mm across and 20 mm high with a 3 mm fillet on the top edge",
        {"dims": [40, 40, 20], "genus": 0},
    ),
    ("20 x 20 x 20 mm block with 2 mm chamfers on all edges", {"dims": [20, 20, 20], "genus": 0}),
    (
        "a plate 100 mm x 50 mm x 3 mm with 2 slots 20 mm long and 5 mm wide",
        {"dims": [100, 50, 3], "genus": 2},
    ),
    (
        "box 60x40x30 with four M3 heat-set insert holes in the corners",
        {"dims": [60, 40, 30], "volume": 72000 - 4 * cyl(4.0, 5.7), "genus": 0},
    ),
    (
        "a 3/4 inch thick round plate, 4 inches in diameter",
        {"dims": [4 * IN, 4 * IN, 0.75 * IN], "volume": cyl(4 * IN, 0.75 * IN)},
    ),
    ("phone holder", {"max_dim_range": [60, 250]}),
    ("60 x 40 x 5 mm", {"dims": [60, 40, 5], "volume": 12000}),
    ("a block 40x40x20 with an M3 captive nut pocket in the center", {"dims": [40, 40, 20], "genus": 1}),
    ("a box 50x30x10 mm with the text 'HI' engraved on top", {"dims": [50, 30, 10], "genus": 0}),
    ("a 40 mm dia. puck, 8 mm high", {"dims": [40, 40, 8], "volume": cyl(40, 8)}),
]


@pytest.mark.parametrize(("prompt", "expect"), CASES, ids=[c[0][:40] for c in CASES])
def test_variant_prompt(prompt: str, expect: dict) -> None:
    result = generate(prompt)
    check(result.shape, expect)
    assert not result.warnings, result.warnings
