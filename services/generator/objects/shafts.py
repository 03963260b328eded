"""D-shafts knobs, gears and pulleys fit on: diameter and the depth of the flat.

`flat` is how much the flat removes from the round (diameter minus the across-flat size).
"""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject

OBJECTS = (
    # 6 mm potentiometer / encoder shaft, flat 4.5 mm across (1.5 mm deep), 15-20 mm long.
    # Source: Alps Alpine RK09K and Bourns PEC11R datasheets.
    MakerObject(
        id="d_shaft_6",
        title="6 mm d-shaft",
        aliases=("6mm d shaft", "potentiometer shaft", "pot shaft", "encoder shaft", "6 mm d shaft"),
        size=(6.0, 6.0, 15.0),
        source="Alps RK09K / Bourns PEC11R datasheets",
        features={"diameter": 6.0, "flat": 1.5, "length": 15.0},
    ),
    # 5 mm stepper shaft, 0.5 mm flat (4.5 mm across), 24 mm long. Source: NEMA 17 motor
    # datasheets (e.g. 17HS4401).
    MakerObject(
        id="d_shaft_5",
        title="5 mm d-shaft",
        aliases=("5mm d shaft", "stepper shaft", "5 mm d shaft"),
        size=(5.0, 5.0, 24.0),
        source="17HS4401 stepper datasheet",
        features={"diameter": 5.0, "flat": 0.5, "length": 24.0},
    ),
    # 1/8 in (3.175 mm) shaft of small DC/TT gear motors with two flats ~2.5 mm across;
    # modelled as one flat of 0.7 mm. Source: Adafruit TT motor (product 3777) drawing.
    MakerObject(
        id="d_shaft_3",
        title="3 mm d-shaft",
        aliases=("3mm d shaft", "tt motor shaft", "3 mm d shaft"),
        size=(3.175, 3.175, 10.0),
        source="Adafruit TT motor (3777) drawing",
        features={"diameter": 3.175, "flat": 0.7, "length": 10.0},
    ),
)
