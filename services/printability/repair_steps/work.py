"""The mesh being repaired, plus the provenance of every face.

Provenance (`origin`: the input face a face comes from, or `CREATED` / `SHELL` for a face repair
created) is what makes the faithfulness check cheap on large meshes: faces kept from the input lie on
the input surface by construction, so only created faces and dropped input faces need a distance query.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from printforge_services.printability import topology

#: `origin` of a face repair created to close a hole (or rebuilt volumetrically).
CREATED = -1
#: `origin` of a face of a sheet's shell (its offset back and side walls).
SHELL = -2


class WorkMesh:
    """Vertices (n, 3) float64 mm, faces (m, 3) int64, origin (m,) int64, diagonal.

    `origin` is the input face each face comes from, or CREATED or SHELL.

    `faces` is only ever replaced, never edited in place, so derived data (edge grouping, bodies) can
    be cached per faces array: several steps ask for it on an unchanged 1M-face mesh.
    """

    def __init__(self, vertices: np.ndarray, faces: np.ndarray, origin: np.ndarray, diagonal: float) -> None:
        self.vertices = vertices
        self.origin = origin
        self.diagonal = diagonal
        self.faces = faces

    @property
    def faces(self) -> np.ndarray:
        return self._faces

    @faces.setter
    def faces(self, value: np.ndarray) -> None:
        self._faces = value
        self._cache: dict[str, Any] = {}

    def cached(self, name: str, compute: Any) -> Any:
        """compute(self) once per faces array (vertex moves do not change topology)."""
        if name not in self._cache:
            self._cache[name] = compute(self)
        return self._cache[name]

    @classmethod
    def from_arrays(cls, vertices: np.ndarray, faces: np.ndarray) -> WorkMesh:
        vertices = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
        faces = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
        mask = np.zeros(len(vertices), dtype=bool)
        mask[faces.ravel()] = True
        used = vertices[mask]
        diagonal = 0.0
        if len(used):
            lo, hi = topology.bounds(used)
            diagonal = float(np.linalg.norm(hi - lo))
        return cls(vertices, faces, np.arange(len(faces), dtype=np.int64), diagonal)

    @property
    def area_tolerance(self) -> float:
        """Doubled face area below which we treat a face as degenerate.

        100x the contract's 1e-12 * L^2, so a face we keep stays non-degenerate after a float32 round
        trip through STL.
        """
        return 100 * topology.FLAT_RATIO * self.diagonal * self.diagonal

    def doubled_areas(self) -> np.ndarray:
        return topology.doubled_areas(self.vertices, self.faces)

    def keep_faces(self, mask: np.ndarray) -> None:
        self.origin = self.origin[mask]
        self.faces = self.faces[mask]

    def add_faces(self, faces: np.ndarray, origin: int = CREATED) -> None:
        faces = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
        self.origin = np.concatenate([self.origin, np.full(len(faces), origin, dtype=np.int64)])
        self.faces = np.concatenate([self.faces, faces])

    def add_vertices(self, points: np.ndarray) -> np.ndarray:
        """Append vertices; returns their indices."""
        start = len(self.vertices)
        self.vertices = np.concatenate([self.vertices, np.asarray(points, dtype=np.float64).reshape(-1, 3)])
        return np.arange(start, len(self.vertices), dtype=np.int64)

    def relabel(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense ids for union-find labels (each label is its root's index): (roots, id per item)."""
        is_root = labels == np.arange(len(labels))
        dense = np.cumsum(is_root) - 1
        return np.flatnonzero(is_root), dense[labels]

    def compact(self) -> None:
        """Drop vertices no face uses, renumbering faces."""
        used = np.zeros(len(self.vertices), dtype=bool)
        used[self.faces.ravel()] = True
        if used.all():
            return
        remap = np.cumsum(used) - 1
        self.vertices = self.vertices[used]
        self.faces = remap[self.faces]
