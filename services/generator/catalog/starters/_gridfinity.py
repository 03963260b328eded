"""Gridfinity dimensions (https://gridfinity.xyz/specification/), shared by bin and baseplate.

All values in millimetres. Profiles are (inset from the outer outline, z) pairs.
"""

from __future__ import annotations

# The grid's own numbers live with the object table; re-exported for the bin and baseplate.
from printforge_services.generator.objects.gridfinity import HEIGHT_UNIT as HEIGHT_UNIT
from printforge_services.generator.objects.gridfinity import MAGNET_DEPTH as MAGNET_DEPTH
from printforge_services.generator.objects.gridfinity import MAGNET_DIAMETER as MAGNET_DIAMETER
from printforge_services.generator.objects.gridfinity import PITCH as PITCH

CLEARANCE = 0.5  # bins are PITCH * n - CLEARANCE wide
BIN_RADIUS = 3.75  # outer corner radius of a bin (and of a foot's top)
PLATE_RADIUS = 4.0  # outer corner radius of a baseplate cell
# Bin foot, bottom to top: 0.8 chamfer, 1.8 vertical, 2.15 chamfer = 4.75
FOOT_PROFILE = ((2.95, 0.0), (2.15, 0.8), (2.15, 2.6), (0.0, 4.75))
FOOT_HEIGHT = 4.75
FLOOR_Z = 7.0  # nominal height of the bin's inside floor (foot + 2.25 bridge)
# Stacking lip above the body (z relative to the body top): 0.7 chamfer, 1.8 vertical,
# 1.9 chamfer = 4.4 tall. The spec ends in a 0.6 fillet at the outer wall; we stop the
# last chamfer 0.4 mm short and finish vertically, so the rim is printable, not a knife edge.
LIP_HEIGHT = 4.4
LIP_PROFILE = ((2.6, 0.0), (1.9, 0.7), (1.9, 2.5), (0.4, 4.0), (0.4, 4.4))
LIP_DEPTH = 2.6
# Baseplate socket, top to bottom: 2.15 chamfer, 1.8 vertical, 0.7 chamfer = 4.65
SOCKET_PROFILE = ((0.0, 4.65), (2.15, 2.5), (2.15, 0.7), (2.85, 0.0))
SOCKET_HEIGHT = 4.65
SCREW_DIAMETER = 3.0
SCREW_DEPTH = 6.0
HOLE_OFFSET = 13.0  # from the cell centre, along both X and Y


def hole_positions(centre: tuple[float, float]) -> list[tuple[float, float]]:
    cx, cy = centre
    return [(cx + sx * HOLE_OFFSET, cy + sy * HOLE_OFFSET) for sx in (-1, 1) for sy in (-1, 1)]
