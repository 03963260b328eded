"""One ray-casting BVH over a mesh, shared by the thin-wall, support and orientation checks.

Open3D's `RaycastingScene` wraps Intel Embree (a bounding-volume hierarchy built once, rays cast in
parallel batches); trimesh's ray module would need rtree or pyembree, neither of which is installed,
and a hand-written BVH in numpy would be orders of magnitude slower. Open3D costs about a second to
import, so it is imported here only, and only print-prep imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Hits:
    """What the first hit of each ray found; `distance` is inf where the ray escaped."""

    distance: np.ndarray  # (r,) float64
    face: np.ndarray  # (r,) int64, -1 where nothing was hit


class RayScene:
    """The BVH of (vertices, faces); `cast` answers the first hit of any batch of rays."""

    def __init__(self, vertices: np.ndarray, faces: np.ndarray) -> None:
        import open3d as o3d

        self._o3d = o3d
        # Embree works in float32: centring keeps far-from-origin files at full precision.
        self._offset = (vertices.min(axis=0) + vertices.max(axis=0)) / 2.0 if len(vertices) else np.zeros(3)
        self._scene = o3d.t.geometry.RaycastingScene()
        self._scene.add_triangles(
            o3d.core.Tensor(np.ascontiguousarray(vertices - self._offset, dtype=np.float32)),
            o3d.core.Tensor(np.ascontiguousarray(faces, dtype=np.uint32)),
        )

    def cast(self, origins: np.ndarray, directions: np.ndarray) -> Hits:
        """First hits of rays from (r, 3) `origins` along (r, 3) or (3,) unit `directions`."""
        origins = (np.asarray(origins, dtype=np.float64).reshape(-1, 3) - self._offset).astype(np.float32)
        directions = np.broadcast_to(np.asarray(directions, dtype=np.float32), origins.shape)
        if len(origins) == 0:
            return Hits(np.zeros(0), np.zeros(0, dtype=np.int64))
        rays = self._o3d.core.Tensor(np.ascontiguousarray(np.hstack((origins, directions))))
        answer = self._scene.cast_rays(rays)
        distance = answer["t_hit"].numpy().astype(np.float64)
        missed = ~np.isfinite(distance)
        face = answer["primitive_ids"].numpy().astype(np.int64)
        face[missed] = -1
        distance[missed] = np.inf
        return Hits(distance, face)
