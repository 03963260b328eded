"""Phones and tablets a stand or dock holds: outside size in portrait (width x height x thickness)."""

from __future__ import annotations

from services.generator.objects import MakerObject

OBJECTS = (
    # A typical 6.1" smartphone: 147.6 x 71.6 x 7.8 mm (iPhone 15, apple.com/iphone-15/specs);
    # a case adds ~1.5 mm a side. Used when the prompt only says "phone".
    MakerObject(
        id="phone",
        title="phone",
        aliases=("smartphone", "cell phone", "cellphone", "mobile phone", "mobile"),
        size=(71.6, 147.6, 7.8),
        source="apple.com/iphone-15/specs",
        features={"case_allowance": 3.0},
    ),
    # iPhone 15 Pro Max: 159.9 x 76.7 x 8.25 mm. Source: apple.com/iphone-15-pro/specs.
    MakerObject(
        id="iphone_15_pro_max",
        title="iphone 15 pro max",
        aliases=("iphone pro max",),
        size=(76.7, 159.9, 8.25),
        source="apple.com/iphone-15-pro/specs",
        features={"case_allowance": 3.0},
    ),
    # iPhone 15: 147.6 x 71.6 x 7.8 mm. Source: apple.com/iphone-15/specs.
    MakerObject(
        id="iphone_15",
        title="iphone 15",
        aliases=("iphone",),
        size=(71.6, 147.6, 7.8),
        source="apple.com/iphone-15/specs",
        features={"case_allowance": 3.0},
    ),
    # Google Pixel 8: 150.5 x 70.8 x 8.9 mm. Source: store.google.com Pixel 8 tech specs.
    MakerObject(
        id="pixel_8",
        title="pixel 8",
        aliases=("google pixel 8", "pixel"),
        size=(70.8, 150.5, 8.9),
        source="store.google.com Pixel 8 tech specs",
        features={"case_allowance": 3.0},
    ),
    # Samsung Galaxy S24: 147.0 x 70.6 x 7.6 mm. Source: samsung.com Galaxy S24 specifications.
    MakerObject(
        id="galaxy_s24",
        title="galaxy s24",
        aliases=("samsung galaxy s24", "samsung galaxy", "galaxy"),
        size=(70.6, 147.0, 7.6),
        source="samsung.com Galaxy S24 specifications",
        features={"case_allowance": 3.0},
    ),
    # iPad (10th generation): 248.6 x 179.5 x 7.0 mm. Source: apple.com/ipad-10.9/specs.
    MakerObject(
        id="ipad",
        title="ipad",
        aliases=("tablet", "ipad air"),
        size=(179.5, 248.6, 7.0),
        source="apple.com/ipad-10.9/specs",
        features={"case_allowance": 4.0, "tablet": True},
    ),
    # iPad mini (6th generation): 195.4 x 134.8 x 6.3 mm. Source: apple.com/ipad-mini/specs.
    MakerObject(
        id="ipad_mini",
        title="ipad mini",
        aliases=("mini tablet",),
        size=(134.8, 195.4, 6.3),
        source="apple.com/ipad-mini/specs",
        features={"case_allowance": 4.0, "tablet": True},
    ),
)
