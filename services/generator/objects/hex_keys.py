"""Metric hex (Allen) keys a tool holder takes: across-flats sizes of a standard set."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

# ISO 2936 metric hex key sizes (across flats, mm) of a common 9-piece set.
SET_SIZES = (1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)

OBJECTS = (
    # A 9-piece metric L-key set, 1.5-10 mm across flats; long arm of the 10 mm key ~ 200 mm.
    # Source: ISO 2936:2014 table 1 (sizes and arm lengths).
    MakerObject(
        id="hex_key_set",
        title="hex key set",
        aliases=(
            "hex keys",
            "hex key",
            "allen keys",
            "allen key",
            "allen wrenches",
            "allen wrench",
            "hex wrenches",
            "hex wrench",
            "allen key set",
        ),
        size=(10.0, 10.0, 200.0),
        source="ISO 2936:2014",
        features={"sizes": SET_SIZES},
    ),
)
