"""The printers and materials print-prep can slice for, and the PrusaSlicer profile files of each.

The .ini files in `profiles/` are flattened by scripts/gen_slicer_profiles.py from the vendor bundles
of Debian's prusa-slicer 2.5.0 (PrusaResearch.ini 1.5.1, Creality.ini 0.2.1): each printer's own
profile, the print profile its bundle names as default, and the bundle's generic filaments. Printers
are named as in `printers.py`, so one name serves the build-volume check and the slicer; each has a
filament file for every material in `request.MATERIALS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from printforge_services.printability.printers import lookup_printer

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
#: The nozzle the thin-wall check assumes when the printer (or its profile) is unknown.
DEFAULT_NOZZLE_MM = 0.4


@dataclass(frozen=True)
class SlicerProfile:
    printer: str  # the canonical name in printers.py
    stem: str  # file-name stem of its .ini files in PROFILE_DIR

    def files(self, material: str) -> list[Path]:
        """The --load files, in order: printer, print settings, filament."""
        return [PROFILE_DIR / f"{self.stem}.{part}.ini" for part in ("printer", "print", material.lower())]

    @property
    def nozzle_mm(self) -> float:
        for line in (PROFILE_DIR / f"{self.stem}.printer.ini").read_text().splitlines():
            if line.startswith("nozzle_diameter = "):
                return float(line.split(" = ", 1)[1].split(",")[0])
        return DEFAULT_NOZZLE_MM


SLICER_PROFILES: dict[str, SlicerProfile] = {
    p.printer: p
    for p in (
        SlicerProfile("Prusa MK3S+", "prusa-mk3s"),
        SlicerProfile("Prusa MINI+", "prusa-mini"),
        SlicerProfile("Creality Ender-3 V2", "creality-ender-3-v2"),
    )
}


def slicer_profile(printer: str) -> SlicerProfile | None:
    """The profile of `printer` (any name or alias printers.py knows); None when none is shipped.

    Raises printers.UnknownPrinterError for a name printers.py does not know.
    """
    return SLICER_PROFILES.get(lookup_printer(printer).name)
