"""Single-board computers and microcontroller boards: outline, mounting holes and ports.

Coordinates are millimetres from the board's lower-left corner seen from the component
side (x along the long edge). `ports` are the wall openings an enclosure needs: (edge,
start, end, top) with edge one of x0/x1/y0/y1, start..end measured along that edge and
`top` the connector height above the PCB's top face; `overhang` is how far connectors
stick out past the PCB edge. `below` is the height of solder joints and pins under the
PCB, `above` the tallest component on top.
"""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

# Pi 4 and Pi 5 share the outline, the hole pattern, the PCB and the connector envelope.
_PI = {
    "holes": ((3.5, 3.5), (61.5, 3.5), (3.5, 52.5), (61.5, 52.5)),
    "hole_d": 2.7,
    "screw": "M2.5",
    "pcb_thickness": 1.4,
    "above": 16.0,
    "below": 1.5,
    "overhang": 2.5,
}

OBJECTS = (
    # Raspberry Pi 4 Model B: 85 x 56 x 1.4 mm board, 4 x M2.5 holes (2.7 mm) on a 58 x 49 mm
    # rectangle, hole centres 3.5 mm from the left and bottom edges; USB-C, 2 micro-HDMI and
    # audio on the long edge (y0), USB and Ethernet (16 mm tall stack, ~2.5 mm proud) on the
    # short edge (x1). Source: raspberrypi.com "rpi4-mechanical-drawing.pdf".
    MakerObject(
        id="raspberry_pi_4",
        title="raspberry pi 4",
        aliases=("raspberry pi 4b", "rpi 4", "rpi4", "pi 4"),
        size=(85.0, 56.0, 17.0),
        source="Raspberry Pi 4 Model B mechanical drawing",
        features={**_PI, "ports": (("y0", 6.0, 58.0, 7.0), ("x1", 1.5, 54.5, 16.0))},
    ),
    # Raspberry Pi 5: same 85 x 56 mm outline and 58 x 49 mm M2.5 hole pattern as the Pi 4;
    # USB-C and 2 micro-HDMI on the long edge, USB/Ethernet stack on the short edge (Ethernet
    # and USB swapped relative to the Pi 4, same envelope; the port spans here are that
    # envelope, not each connector). Source: raspberrypi.com "raspberry-pi-5-mechanical-drawing.pdf".
    MakerObject(
        id="raspberry_pi_5",
        title="raspberry pi 5",
        aliases=("raspberry pi5", "rpi 5", "rpi5", "pi 5"),
        size=(85.0, 56.0, 17.0),
        source="Raspberry Pi 5 mechanical drawing",
        features={**_PI, "ports": (("y0", 6.0, 46.0, 7.0), ("x1", 1.5, 54.5, 16.0))},
    ),
    # Arduino Uno Rev3: 2.7 x 2.1 in (68.58 x 53.34 mm) board, 1.6 mm thick; four 0.125 in
    # (3.2 mm) holes at (550, 100), (600, 2000), (2600, 300), (2600, 1400) mils; USB-B
    # (12 mm wide, 11 mm tall, 6.2 mm proud) and the DC barrel jack on the left edge (x0).
    # Source: Arduino "UNO-TH_Rev3e" board drawing / Eagle files on docs.arduino.cc.
    MakerObject(
        id="arduino_uno",
        title="arduino uno",
        aliases=("arduino uno r3", "arduino", "uno r3"),
        size=(68.58, 53.34, 15.0),
        source="Arduino UNO Rev3 board drawing (docs.arduino.cc)",
        features={
            "holes": ((13.97, 2.54), (15.24, 50.8), (66.04, 7.62), (66.04, 35.56)),
            "hole_d": 3.2,
            "screw": "M3",
            "pcb_thickness": 1.6,
            "above": 11.5,
            "below": 2.0,
            "ports": (("x0", 2.0, 45.0, 11.5),),
            "overhang": 6.2,
        },
    ),
)
