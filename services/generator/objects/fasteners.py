"""Metric screws, nuts and heat-set inserts, M2 to M8, for clearance holes and nut traps.

The numbers are the planner's ISO tables (`planner.standards`: ISO 273 clearance, ISO
4762 socket heads, ISO 4032 nuts, common heat-set insert holes) so a "screw" object
and an "M3 hole" feature can never disagree.
"""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject
from printforge_services.generator.planner.standards import SOCKET_HEAD, thread

SIZES = (2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def _screw(size: float) -> MakerObject:
    t = thread(size)
    name = t.name.lower()
    head = SOCKET_HEAD[size]
    return MakerObject(
        id=f"{name.replace('.', '_')}_screw",
        title=f"{name} screw",
        aliases=(
            f"{name} bolt",
            f"{name} socket head",
            f"{name} nut",
            f"{name} insert",
            f"{name} heat set insert",
        ),
        size=(head, head, t.size),  # the socket head (ISO 4762: head height = d)
        source="ISO 4762, ISO 4032, ISO 273 and the heat-set insert table of planner.standards",
        features={
            "diameter": t.size,
            "clearance_d": t.clearance(),
            "tap_drill": t.tap_drill,
            "head_d": head,
            "head_h": t.size,
            "nut": t.nut,  # (across flats, height)
            "insert": t.insert,  # (hole diameter, hole depth)
        },
    )


OBJECTS = tuple(_screw(size) for size in SIZES)
