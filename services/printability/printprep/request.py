"""What a caller asks print-prep for, and the materials it knows: small and import-light, so the
service process and the CLI can validate and build a request without loading the checks (Open3D,
scipy), which only the process that runs them imports."""

from __future__ import annotations

from dataclasses import dataclass

#: Materials with a filament profile for every printer in `profiles`.
MATERIALS = ("PLA", "PETG", "ABS")
DEFAULT_MATERIAL = "PLA"
DEFAULT_SLICER_TIMEOUT_S = 120.0


class UnknownMaterialError(ValueError):
    """No filament profile has this name; the message lists the known ones."""


def canonical_material(name: str) -> str:
    """ "pla" -> "PLA"; raises UnknownMaterialError for a material without a filament profile."""
    upper = name.strip().upper()
    if upper not in MATERIALS:
        raise UnknownMaterialError(f"unknown material {name!r}; known materials: {', '.join(MATERIALS)}")
    return upper


@dataclass(frozen=True)
class PrepRequest:
    """Picklable, so it travels to a worker process as is."""

    printer: str | None = None
    material: str | None = None  # canonical (canonical_material); None: DEFAULT_MATERIAL
    auto_orient: bool = False  # slice (and, for repair, return) the part in its best orientation
    slicer_path: str = "prusa-slicer"
    slicer_timeout_s: float = DEFAULT_SLICER_TIMEOUT_S

    @property
    def wanted(self) -> bool:
        """Whether the request asks for print-prep at all (a printer, a material or auto-orient)."""
        return bool(self.printer or self.material or self.auto_orient)
