"""Filament spools a spool holder carries: outside diameter, width and hub bore."""

from __future__ import annotations

from services.generator.objects import MakerObject

OBJECTS = (
    # 1 kg spool of 1.75 mm filament: 200 mm across, 60-70 mm wide (Prusament: 200 x 67 mm,
    # hub bore 52 mm). Source: Prusament spool drawing (prusa3d.com), eSun 1 kg spool spec.
    MakerObject(
        id="spool_1kg",
        title="filament spool",
        aliases=("spool", "1kg spool", "1 kg spool", "filament roll", "filament"),
        size=(200.0, 200.0, 70.0),
        source="Prusament spool drawing; eSun 1 kg spool spec",
        features={"diameter": 200.0, "width": 70.0, "hub_bore": 52.0},
    ),
    # 250 g spool: ~140 mm across, ~45 mm wide, 52 mm hub. Source: Prusament 250 g spool drawing.
    MakerObject(
        id="spool_250g",
        title="250g spool",
        aliases=("250 g spool", "small spool", "sample spool"),
        size=(140.0, 140.0, 45.0),
        source="Prusament 250 g spool drawing",
        features={"diameter": 140.0, "width": 45.0, "hub_bore": 52.0},
    ),
    # 3 kg spool: 300 mm across, ~100 mm wide. Source: eSun 3 kg spool spec (300 x 100 mm).
    MakerObject(
        id="spool_3kg",
        title="3kg spool",
        aliases=("3 kg spool", "big spool", "large spool"),
        size=(300.0, 300.0, 100.0),
        source="eSun 3 kg spool spec",
        features={"diameter": 300.0, "width": 100.0, "hub_bore": 52.0},
    ),
)
