"""Filament spools a spool holder carries: outside diameter, width and hub bore."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject


def _spool(id_: str, title: str, aliases: tuple[str, ...], d: float, w: float, source: str) -> MakerObject:
    # Every common spool has a ~52 mm hub bore (Prusament, eSun, Polymaker drawings).
    return MakerObject(id_, title, aliases, (d, d, w), source, {"diameter": d, "width": w, "hub_bore": 52.0})


OBJECTS = (
    # 1 kg spool of 1.75 mm filament: 200 mm across, 60-70 mm wide (Prusament: 200 x 67 mm,
    # hub bore 52 mm). Source: Prusament spool drawing (prusa3d.com), eSun 1 kg spool spec.
    _spool(
        "spool_1kg",
        "filament spool",
        ("spool", "1kg spool", "1 kg spool", "filament roll", "filament"),
        200.0,
        70.0,
        "Prusament spool drawing; eSun 1 kg spool spec",
    ),
    # 250 g spool: ~140 mm across, ~45 mm wide. Source: Prusament 250 g spool drawing.
    _spool(
        "spool_250g",
        "250g spool",
        ("250 g spool", "small spool", "sample spool"),
        140.0,
        45.0,
        "Prusament 250 g spool drawing",
    ),
    # 3 kg spool: 300 mm across, ~100 mm wide. Source: eSun 3 kg spool spec (300 x 100 mm).
    _spool(
        "spool_3kg",
        "3kg spool",
        ("3 kg spool", "big spool", "large spool"),
        300.0,
        100.0,
        "eSun 3 kg spool spec",
    ),
)
