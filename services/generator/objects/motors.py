"""Stepper motors by NEMA frame size: face width, bolt pattern, pilot boss and shaft.

Face, bolt spacing, pilot and screw come from the planner's NEMA table (one source for
both packages); the shaft and body length are the common catalogue values.
"""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject
from printforge_services.generator.planner.standards import NEMA


def _nema(frame: int, shaft_d: float, body: float, flat: float, source: str) -> MakerObject:
    face, spacing, pilot, screw = NEMA[frame]
    return MakerObject(
        id=f"nema_{frame}",
        title=f"nema {frame}",
        aliases=(f"nema{frame}", f"nema-{frame}", f"{frame}hs", f"nema {frame} stepper"),
        size=(face, face, body),
        source=source,
        features={
            "hole_spacing": spacing,
            "screw": f"M{screw:g}",
            "pilot_d": pilot,
            "pilot_h": 2.0,
            "shaft_d": shaft_d,
            "shaft_flat": flat,
            "shaft_length": 24.0 if frame < 23 else 21.0,
        },
    )


OBJECTS = (
    # NEMA 14: 35.2 mm face, M3 on 26 mm, 22 mm pilot, 5 mm D-shaft (0.5 mm flat), 34 mm body.
    # Source: NEMA ICS 16-2001 frame 14; e.g. 14HS13 datasheets.
    _nema(14, 5.0, 34.0, 0.5, "NEMA ICS 16-2001; 14HS13-0804S datasheet"),
    # NEMA 17: 42.3 mm square face, M3 holes on a 31.0 mm square, 22.0 mm pilot boss
    # (2 mm proud), 5 mm D-shaft 24 mm long. Source: NEMA ICS 16-2001 frame 17 dimensions.
    _nema(17, 5.0, 40.0, 0.5, "NEMA ICS 16-2001"),
    # NEMA 23: 56.4 mm face, 5 mm holes on 47.14 mm, 38.1 mm pilot, 1/4 in (6.35 mm) shaft.
    # Source: NEMA ICS 16-2001 frame 23; e.g. 23HS22 datasheets.
    _nema(23, 6.35, 56.0, 0.5, "NEMA ICS 16-2001; 23HS22-2804S datasheet"),
)
