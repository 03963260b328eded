"""The `print_prep` object of an analyze result: the checks a request asks for, assembled.

It sits next to the Meshy block's keys (`printability.print_prep`), so a Meshy client never sees a
changed shape, and it is computed only when a request names a printer, a material or asks for
auto-orient: the plain analyze stays as fast as the Meshy contract needs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from printforge_services.printability.analyze import OVERHANG_ANGLE_DEG
from printforge_services.printability.printprep.mesh import PrepMesh
from printforge_services.printability.printprep.orientation import apply_orientation, best_orientation
from printforge_services.printability.printprep.profiles import DEFAULT_NOZZLE_MM, slicer_profile
from printforge_services.printability.printprep.request import DEFAULT_MATERIAL, PrepRequest
from printforge_services.printability.printprep.slicer import estimate_print
from printforge_services.printability.printprep.supports import METHOD as SUPPORT_METHOD
from printforge_services.printability.printprep.thin_walls import thin_walls


def print_prep(vertices: np.ndarray, faces: np.ndarray, request: PrepRequest) -> dict[str, Any]:
    """Thin walls, overhangs and supports (current and best orientation) and the slicer's estimate."""
    mesh = PrepMesh(vertices, faces)
    profile = slicer_profile(request.printer) if request.printer else None
    nozzle = profile.nozzle_mm if profile is not None else DEFAULT_NOZZLE_MM
    orientation = best_orientation(mesh)
    material = request.material or DEFAULT_MATERIAL
    sliced = apply_orientation(mesh.vertices, orientation["best"]) if request.auto_orient else mesh.vertices
    estimate = estimate_print(
        sliced, mesh.faces, request.printer, material, request.slicer_path, request.slicer_timeout_s
    )
    return {
        "_version": "v1",
        "nozzle_diameter_mm": nozzle,
        "nozzle_source": "printer profile" if profile is not None else "default",
        "thin_walls": thin_walls(mesh, nozzle),
        "overhangs": {
            "angle_deg": OVERHANG_ANGLE_DEG,
            "current": orientation["current"],
            "best": orientation["best"],
            "candidates": orientation["candidates"],
            "method": f"{SUPPORT_METHOD}; search: {orientation['method']}",
        },
        "print_estimate": {**estimate, "orientation": "best" if request.auto_orient else "current"},
    }
