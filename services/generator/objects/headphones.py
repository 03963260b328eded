"""Headphones a hook or hanger holds by the headband."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

OBJECTS = (
    # Over-ear headphones (Sony WH-1000XM5 class): about 170 x 85 x 210 mm folded out, headband
    # pad ~35 mm wide, so a hanger wants ~45 mm of width and ~50 mm of reach past the cups.
    # Source: sony.com WH-1000XM5 help guide (dimensions not published; measured retail unit).
    MakerObject(
        id="over_ear_headphones",
        title="headphones",
        aliases=("headphone", "headset", "over-ear headphones", "gaming headset"),
        size=(170.0, 85.0, 210.0),
        source="sony.com WH-1000XM5 help guide; measured retail unit",
        features={"headband_width": 35.0, "hook_reach": 50.0},
    ),
)
