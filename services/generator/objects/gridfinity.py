"""Gridfinity: one grid cell, from the catalog's spec constants (one source of truth)."""

from __future__ import annotations

from services.generator.catalog.starters import _gridfinity as gf
from services.generator.objects import MakerObject

OBJECTS = (
    # Gridfinity (Zack Freedman): 42 mm grid, 7 mm height units, 6.5 x 2.4 mm magnets.
    # Source: https://gridfinity.xyz/specification/
    MakerObject(
        id="gridfinity_cell",
        title="gridfinity",
        aliases=("gridfinity grid", "gridfinity cell"),
        size=(gf.PITCH, gf.PITCH, gf.HEIGHT_UNIT),
        source="gridfinity.xyz specification",
        features={
            "pitch": gf.PITCH,
            "height_unit": gf.HEIGHT_UNIT,
            "magnet": (gf.MAGNET_DIAMETER, gf.MAGNET_DEPTH),
        },
    ),
)
