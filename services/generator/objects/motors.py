"""Stepper motors by NEMA frame size: face width, bolt pattern, pilot boss and shaft."""

from __future__ import annotations

from services.generator.objects import MakerObject

OBJECTS = (
    # NEMA 17: 42.3 mm square face, M3 holes on a 31.0 mm square, 22.0 mm pilot boss
    # (2 mm proud), 5 mm D-shaft 24 mm long. Source: NEMA ICS 16-2001 frame 17 dimensions.
    MakerObject(
        id="nema_17",
        title="nema 17",
        aliases=("nema17", "nema-17", "17hs", "nema 17 stepper"),
        size=(42.3, 42.3, 40.0),
        source="NEMA ICS 16-2001",
        features={"hole_spacing": 31.0, "screw": "M3", "pilot_d": 22.0, "shaft_d": 5.0},
    ),
)
