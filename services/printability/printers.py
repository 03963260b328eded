"""Build volumes of common FDM printers, so "does it fit my printer?" needs only a name.

A small static table rather than a database: these numbers change only when a printer is released, and
the analyzer must not depend on a network lookup. Sizes are the manufacturers' published X x Y x Z in mm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class UnknownPrinterError(ValueError):
    """No printer has this name; the message lists the known ones."""


@dataclass(frozen=True)
class Printer:
    name: str
    build_volume_mm: tuple[float, float, float]
    aliases: tuple[str, ...] = ()


PRINTERS: tuple[Printer, ...] = (
    Printer("Prusa MK4", (250.0, 210.0, 220.0), ("prusa mk4s", "mk4", "mk4s", "original prusa mk4")),
    Printer("Prusa MK3S+", (250.0, 210.0, 210.0), ("prusa mk3s", "mk3s", "mk3s+", "prusa mk3")),
    Printer("Prusa MINI+", (180.0, 180.0, 180.0), ("prusa mini", "mini", "mini+")),
    Printer("Prusa XL", (360.0, 360.0, 360.0), ()),
    Printer("Prusa Core One", (250.0, 220.0, 270.0), ("core one",)),
    Printer("Bambu Lab X1 Carbon", (256.0, 256.0, 256.0), ("bambu x1c", "x1c", "x1 carbon", "bambu x1")),
    Printer("Bambu Lab P1S", (256.0, 256.0, 256.0), ("bambu p1s", "p1s")),
    Printer("Bambu Lab P1P", (256.0, 256.0, 256.0), ("bambu p1p", "p1p")),
    Printer("Bambu Lab A1", (256.0, 256.0, 256.0), ("bambu a1", "a1")),
    Printer("Bambu Lab A1 mini", (180.0, 180.0, 180.0), ("bambu a1 mini", "a1 mini")),
    Printer("Creality Ender-3 V3", (220.0, 220.0, 250.0), ("ender-3 v3", "ender 3 v3", "ender3v3")),
    Printer("Creality Ender-3 V3 SE", (220.0, 220.0, 250.0), ("ender-3 v3 se", "ender 3 v3 se")),
    Printer("Creality Ender-3 V2", (220.0, 220.0, 250.0), ("ender-3 v2", "ender 3 v2")),
    Printer("Creality K1", (220.0, 220.0, 250.0), ("k1",)),
    Printer("Creality K1 Max", (300.0, 300.0, 300.0), ("k1 max",)),
    Printer("Voron 2.4 250", (250.0, 250.0, 250.0), ()),
    Printer("Voron 2.4 300", (300.0, 300.0, 300.0), ()),
    Printer("Voron 2.4 350", (350.0, 350.0, 350.0), ("voron 2.4",)),
    Printer("Voron Trident 300", (300.0, 300.0, 250.0), ()),
)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9+.]", "", name.lower())


_INDEX: dict[str, Printer] = {_norm(alias): p for p in PRINTERS for alias in (p.name, *p.aliases)}


def printer_names() -> list[str]:
    return [p.name for p in PRINTERS]


def lookup_printer(name: str) -> Printer:
    """Case-, space- and dash-insensitive lookup by name or alias ("prusa mk4", "Bambu X1C", "x1c")."""
    try:
        return _INDEX[_norm(name)]
    except KeyError:
        raise UnknownPrinterError(
            f"unknown printer {name!r}; known printers: {', '.join(printer_names())}"
        ) from None
