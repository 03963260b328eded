"""Square axial fans by frame size: screw-hole spacing, hole size, hub and blade sweep.

Source for every row: the frame dimensions common to Noctua NF-A4x10 / NF-A6x25 /
NF-A8 / NF-A12x25 and Sunon/Delta datasheets. Hole spacing and frame size are the
industry standard for each frame; hub and blade-sweep diameters vary by model and are
typical values (within ~1 mm), used only for a guard's solid centre and its opening.
"""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

# frame: (hole spacing, hole diameter, thickness, hub diameter, blade sweep diameter)
FAN_FRAMES: dict[int, tuple[float, float, float, float, float]] = {
    40: (32.0, 3.4, 10.0, 19.0, 38.0),
    60: (50.0, 4.4, 25.0, 27.0, 57.0),
    80: (71.5, 4.4, 25.0, 33.0, 76.0),
    120: (105.0, 4.4, 25.0, 43.0, 116.0),
}


def _fan(frame: int) -> MakerObject:
    spacing, hole_d, thickness, hub, sweep = FAN_FRAMES[frame]
    return MakerObject(
        id=f"fan_{frame}",
        title=f"{frame} mm fan",
        aliases=(f"{frame}mm fan", f"{frame} fan", f"{frame}x{frame} fan"),
        size=(float(frame), float(frame), thickness),
        source="Noctua NF-A series drawings; Sunon/Delta frame datasheets",
        features={"hole_spacing": spacing, "hole_d": hole_d, "hub_d": hub, "blade_d": sweep},
    )


OBJECTS = tuple(_fan(frame) for frame in FAN_FRAMES)
