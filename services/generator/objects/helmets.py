"""Helmets a maker hangs on a wall hook."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

OBJECTS = (
    # Adult bike helmet, size M/L (head 55-61 cm): ~ 270 x 210 x 170 mm outside; the inner
    # shell rests on a hook at its crown, so a hook needs ~ 60 mm of reach to sit inside the
    # vents and retention cradle. Source: CPSC 16 CFR 1203 headform sizes; measured retail
    # helmets (Giro Register MIPS 270 x 205 x 165 mm, spec sheet).
    MakerObject(
        id="bike_helmet",
        title="bike helmet",
        aliases=("bicycle helmet", "cycling helmet", "helmet"),
        size=(270.0, 210.0, 170.0),
        source="CPSC 16 CFR 1203; Giro Register MIPS spec sheet",
        features={"hook_reach": 60.0, "rest_width": 80.0},
    ),
)
