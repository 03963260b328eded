"""Overhang area and support volume of a part built along one direction.

Overhang: the definition of the analyzer's `overhang_area_mm2` (analyze.OVERHANG_ANGLE_DEG), for any
build direction: a face overhangs when its outward normal points more than 45 degrees below the
horizontal, i.e. n . down > sin(45 deg), unless it lies on the build plate.

Support volume: every overhanging face is a prism's roof. One ray per overhanging face goes down from
its centroid; its length to the first surface below (another part of the model) or, when it meets
none, to the build plate is the prism's height, and the face's area projected on the plate
(area * n . down) its base. The support volume is the sum of the prisms. For a flat face over a flat
floor this is exact, and for a sloped face over a flat floor too (the height varies linearly over the
triangle, so its value at the centroid is the mean); it ignores the slicer's support spacing, gap and
interface layers, so it is the volume to be filled, not the filament a slicer would extrude for it.

`max_rays` lets the orientation search cast a seeded random sample of the overhanging faces' rays and
scale the sum (an unbiased estimate); the reported estimates use every face.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from printforge_services.printability.analyze import OVERHANG_ANGLE_DEG
from printforge_services.printability.printprep.mesh import PrepMesh

#: Corners within this fraction of the bbox diagonal of the lowest point are on the build plate.
PLATE_TOLERANCE = 1e-6

METHOD = (
    "overhang: faces whose normal points more than 45 deg below horizontal, not on the plate; support: "
    "sum over overhanging faces of projected area x height of a ray cast down from the centroid to the "
    "part below or the build plate"
)


@dataclass(frozen=True)
class SupportEstimate:
    overhang_area_mm2: float
    support_volume_mm3: float
    contact_area_mm2: float  # area of the faces lying on the build plate
    overhang_faces: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "overhang_area_mm2": self.overhang_area_mm2,
            "support_volume_mm3": self.support_volume_mm3,
            "contact_area_mm2": self.contact_area_mm2,
            "overhang_faces": self.overhang_faces,
        }


def estimate_supports(mesh: PrepMesh, down: np.ndarray, max_rays: int | None = None) -> SupportEstimate:
    """Overhang and support of `mesh` printed with unit vector `down` (model coordinates) to the plate."""
    down = np.asarray(down, dtype=np.float64)
    depth = mesh.depth(down)  # how far below the model's origin each vertex lies along `down`
    plate = float(depth.max()) if len(depth) else 0.0
    near = depth >= plate - PLATE_TOLERANCE * mesh.diagonal
    facing = mesh.facing(down)
    # A face on the plate has its corners at one depth, so it faces straight down: only the faces
    # steep enough to overhang need the corner test.
    steep = np.flatnonzero(mesh.valid & (facing > math.sin(math.radians(OVERHANG_ANGLE_DEG))))
    a, b, c = mesh.corner_columns
    resting = near[a[steep]] & near[b[steep]] & near[c[steep]]
    on_plate, overhang = steep[resting], steep[~resting]
    rays = overhang
    if max_rays is not None and len(overhang) > max_rays:
        rays = np.random.default_rng(0).choice(overhang, max_rays, replace=False)
    to_plate = plate - mesh.centroids[rays] @ down
    eps = 1e-6 * mesh.diagonal
    hits = mesh.scene.cast(mesh.centroids[rays] + down * eps, down)
    height = np.minimum(to_plate, hits.distance + eps)
    volume = float(np.dot(mesh.areas[rays] * facing[rays], np.maximum(height, 0.0)))
    if len(rays) < len(overhang):
        volume *= len(overhang) / len(rays)
    return SupportEstimate(
        overhang_area_mm2=float(mesh.areas[overhang].sum()),
        support_volume_mm3=volume,
        contact_area_mm2=float(mesh.areas[on_plate].sum()),
        overhang_faces=len(overhang),
    )
