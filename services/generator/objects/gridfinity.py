"""Gridfinity: one grid cell. The catalog's bins and baseplates read these numbers from here
(objects are data the catalog depends on, never the other way round)."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

# Gridfinity (Zack Freedman): 42 mm grid, 7 mm height units, 6.5 x 2.4 mm magnets.
# Source: https://gridfinity.xyz/specification/
PITCH = 42.0
HEIGHT_UNIT = 7.0
MAGNET_DIAMETER = 6.5
MAGNET_DEPTH = 2.4

OBJECTS = (
    MakerObject(
        id="gridfinity_cell",
        title="gridfinity",
        aliases=("gridfinity grid", "gridfinity cell"),
        size=(PITCH, PITCH, HEIGHT_UNIT),
        source="gridfinity.xyz specification",
        features={
            "pitch": PITCH,
            "height_unit": HEIGHT_UNIT,
            "magnet": (MAGNET_DIAMETER, MAGNET_DEPTH),
        },
    ),
)
