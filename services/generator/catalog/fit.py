"""The printer-clearance preset every mating feature shares.

FDM printers print holes small and pegs fat by roughly one extrusion half-width, so a
5 mm shaft does not enter a 5 mm bore. Every starter that mates with a real object
(D-bores, standoff holes, bearing seats, lid rims, finger gaps) takes the same
`clearance` parameter and applies it the same way: it is the gap per side, so a hole
for a part of diameter d is `d + 2 * clearance` and a rim that drops into an opening
is `2 * clearance` smaller than the opening. One name and one default (0.2 mm, the
usual figure for a tuned 0.4 mm nozzle, e.g. Prusa's "Dimensional accuracy" guide)
means the planner can honour "my printer needs 0.3 mm" for any family.
"""

from __future__ import annotations

from printforge_services.generator.manifest import Param

PRINTER_CLEARANCE_MM = 0.2
CLEARANCE_MAX_MM = 0.8


def clearance_param(group: str = "Fit", description: str = "") -> Param:
    """The shared `clearance` parameter (mm per side), default PRINTER_CLEARANCE_MM."""
    return Param(
        "clearance",
        "Printer clearance",
        "number",
        PRINTER_CLEARANCE_MM,
        unit="mm",
        min=0.0,
        max=CLEARANCE_MAX_MM,
        step=0.05,
        group=group,
        description=description or "Gap per side between this part and what it mates with.",
    )


def hole_for(diameter: float, clearance: float) -> float:
    """Diameter of a printed hole that admits a part of `diameter` with `clearance` per side."""
    return diameter + 2 * clearance


def peg_for(hole_diameter: float, clearance: float) -> float:
    """Diameter of a printed peg that enters a hole of `hole_diameter` with `clearance` per side."""
    return hole_diameter - 2 * clearance
