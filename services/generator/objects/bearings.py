"""Deep-groove ball bearings (bore x outer diameter x width).

Source: ISO 15 boundary dimensions, as listed in the SKF rolling bearing catalogue
(608: 8 x 22 x 7 mm, the skateboard/spool-holder bearing; 625 and 623 are the small
bearings in printer idlers).
"""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

BEARINGS: dict[str, tuple[float, float, float]] = {
    "608": (8.0, 22.0, 7.0),
    "625": (5.0, 16.0, 5.0),
    "623": (3.0, 10.0, 4.0),
}

OBJECTS = tuple(
    MakerObject(
        id=f"bearing_{name}",
        title=f"{name} bearing",
        aliases=(f"{name}zz", f"{name}-2rs", f"{name} zz bearing", f"{name}rs"),
        size=(outer, outer, width),
        source="ISO 15; SKF catalogue",
        features={"bore": bore, "outer_d": outer, "width": width},
    )
    for name, (bore, outer, width) in BEARINGS.items()
)
