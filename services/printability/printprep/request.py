"""What a caller asks print-prep for: small and import-light, so the service process can build one
without loading the checks (Open3D, scipy), which only the worker that runs them imports."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MATERIAL = "PLA"
DEFAULT_SLICER_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class PrepRequest:
    """Picklable, so it travels to a worker process as is."""

    printer: str | None = None
    material: str | None = None  # canonical (profiles.canonical_material); None: DEFAULT_MATERIAL
    auto_orient: bool = False  # slice (and, for repair, return) the part in its best orientation
    slicer_path: str = "prusa-slicer"
    slicer_timeout_s: float = DEFAULT_SLICER_TIMEOUT_S

    @property
    def wanted(self) -> bool:
        """Whether the request asks for print-prep at all (a printer, a material or auto-orient)."""
        return bool(self.printer or self.material or self.auto_orient)
