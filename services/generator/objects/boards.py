"""Single-board computers and microcontroller boards: outline and mounting-hole patterns."""

from __future__ import annotations

from services.generator.objects import MakerObject

OBJECTS = (
    # Raspberry Pi 4 Model B: 85 x 56 mm board, 4 x M2.5 holes on a 58 x 49 mm rectangle,
    # hole centres 3.5 mm from the left and bottom edges. Source: raspberrypi.com mechanical
    # drawing "rpi4-mechanical-drawing.pdf".
    MakerObject(
        id="raspberry_pi_4",
        title="raspberry pi 4",
        aliases=("raspberry pi 4b", "rpi 4", "rpi4", "pi 4"),
        size=(85.0, 56.0, 17.0),
        source="Raspberry Pi 4 Model B mechanical drawing",
        features={"holes": ((3.5, 3.5), (61.5, 3.5), (3.5, 52.5), (61.5, 52.5)), "hole_d": 2.7},
    ),
)
