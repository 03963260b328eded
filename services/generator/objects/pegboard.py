"""Pegboards: hole size, hole pitch and board thickness."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

OBJECTS = (
    # US/UK hardboard pegboard: 1/4 in (6.35 mm) holes on a 1 in (25.4 mm) grid, 1/4 in board.
    # Source: ANSI A135.4 hardboard; Home Depot/Wickes product specs for "1/4 in pegboard".
    MakerObject(
        id="pegboard_1in",
        title="pegboard",
        aliases=("peg board", "1/4 inch pegboard", "hardboard pegboard"),
        size=(610.0, 1220.0, 6.35),
        source="ANSI A135.4; retail 1/4 in pegboard specs",
        features={"hole_d": 6.35, "pitch": 25.4, "thickness": 6.35},
    ),
    # Light-duty pegboard: 3/16 in (4.8 mm) holes on a 1 in grid, 1/8 in (3.2 mm) board.
    # Source: retail 1/8 in pegboard specs (e.g. Home Depot model 832777).
    MakerObject(
        id="pegboard_thin",
        title="1/8 inch pegboard",
        aliases=("thin pegboard", "3/16 pegboard"),
        size=(610.0, 1220.0, 3.2),
        source="retail 1/8 in pegboard specs",
        features={"hole_d": 4.8, "pitch": 25.4, "thickness": 3.2},
    ),
    # IKEA SKADIS: 5 x 15 mm vertical slots, 20 mm apart horizontally, rows 20 mm apart and
    # offset by half a pitch (each column's slots 40 mm apart), 5 mm fibreboard.
    # Source: IKEA SKADIS assembly instructions and community measurements.
    MakerObject(
        id="ikea_skadis",
        title="skadis",
        aliases=("ikea skadis", "skadis pegboard"),
        size=(560.0, 560.0, 5.0),
        source="IKEA SKADIS instructions; measured",
        features={"slot": (5.0, 15.0), "pitch": 20.0, "column_pitch": 40.0, "thickness": 5.0},
    ),
)
