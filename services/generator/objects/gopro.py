"""GoPro-style mounting buckle fingers.

GoPro publishes no drawing; these are the measured values that community mount models
and camera-accessory makers use: fingers 3.0 mm thick, 3.2 mm gaps (so a 2-finger and a
3-finger part interleave with 0.1 mm play per side), finger tips 15 mm wide with a fully
rounded end, an M5 thumb screw (5.2 mm hole) 7.5 mm from the finger base.
Source: measurements of a GoPro "Curved + Flat Adhesive Mounts" buckle (AACFT-001).
"""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

OBJECTS = (
    MakerObject(
        id="gopro_mount",
        title="gopro mount",
        aliases=("gopro", "go pro", "gopro buckle", "action camera mount"),
        size=(15.0, 15.4, 15.0),
        source="measured GoPro AACFT-001 buckle",
        features={
            "finger_thickness": 3.0,
            "finger_gap": 3.2,
            "finger_width": 15.0,
            "bolt": "M5",
            "bolt_hole_d": 5.2,
            "pivot_height": 7.5,
        },
    ),
)
