"""Broken meshes built in code, so the repair tests mean something without ../shared.

Each builder returns (vertices in mm, faces) with one well-known defect; `faithful_p99` is an
independent distance check (trimesh sampling + scipy cKDTree), not the repair module's own measure.
"""

from __future__ import annotations

import numpy as np
import trimesh
from scipy.spatial import cKDTree

from services.printability.mesh_io import LoadedMesh


def loaded(vertices: np.ndarray, faces: np.ndarray) -> LoadedMesh:
    return LoadedMesh(np.asarray(vertices, float), np.asarray(faces, np.int64), 1e-3, "stl", len(faces) > 0)


def cube(size: float = 10.0, offset: tuple[float, float, float] = (0, 0, 0)) -> tuple[np.ndarray, np.ndarray]:
    box = trimesh.creation.box(extents=(size, size, size))
    return np.asarray(box.vertices) + offset, np.asarray(box.faces)


def cube_with_holes() -> tuple[np.ndarray, np.ndarray]:
    """A finely triangulated cube missing two small patches (filling them adds little surface)."""
    box = trimesh.creation.box(extents=(10, 10, 10)).subdivide().subdivide().subdivide()
    box.merge_vertices()
    return np.asarray(box.vertices), np.delete(np.asarray(box.faces), [5, 400], axis=0)


def sphere_with_wavy_hole() -> tuple[np.ndarray, np.ndarray]:
    s = trimesh.creation.icosphere(subdivisions=3, radius=20.0)
    c = s.triangles_center
    cut = c[:, 2] > 14.0 + 3.0 * np.sin(3.0 * np.arctan2(c[:, 1], c[:, 0]))
    return np.asarray(s.vertices), np.asarray(s.faces)[~cut]


def two_cubes_one_inverted() -> tuple[np.ndarray, np.ndarray]:
    v1, f1 = cube()
    v2, f2 = cube(offset=(30, 0, 0))
    return np.concatenate([v1, v2]), np.concatenate([f1, f2[:, ::-1] + len(v1)])


def tets_sharing_an_edge() -> tuple[np.ndarray, np.ndarray]:
    v = np.array([[0, 0, 0], [0, 0, 10], [10, 0, 5], [5, 8, 5], [-10, 0, 5], [-5, -8, 5]], float)
    tet = lambda a, b, c, d: [[a, b, c], [a, d, b], [b, d, c], [a, c, d]]  # noqa: E731
    f = np.array(tet(0, 2, 1, 3) + tet(0, 4, 1, 5))
    m = trimesh.Trimesh(v, f, process=False)
    trimesh.repair.fix_normals(m, multibody=True)
    return v, np.asarray(m.faces)


def sphere_soup() -> tuple[np.ndarray, np.ndarray]:
    s = trimesh.creation.icosphere(subdivisions=3, radius=20.0)
    rng = np.random.default_rng(1)
    corners = s.triangles + rng.normal(scale=0.01, size=s.triangles.shape)  # nothing welds
    return corners.reshape(-1, 3), np.arange(corners.shape[0] * 3).reshape(-1, 3)


def duplicated_faces() -> tuple[np.ndarray, np.ndarray]:
    v, f = cube()
    return v, np.concatenate([f, f[:4], f[5:7, ::-1]])


def degenerate_slivers() -> tuple[np.ndarray, np.ndarray]:
    """A cube whose top is split by a vertex on an edge (a zero-area cap) plus a needle."""
    v, f = cube()
    top = np.flatnonzero(np.isclose(v[f].mean(axis=1)[:, 2], 5.0))[0]
    a, b, c = f[top]
    mid = len(v)
    v = np.vstack([v, (v[a] + v[b]) / 2])
    f = np.vstack([np.delete(f, top, axis=0), [[a, mid, c], [mid, b, c], [a, b, mid]]])
    return v, f


def faithful_p99(src: tuple[np.ndarray, np.ndarray], dst: tuple[np.ndarray, np.ndarray]) -> float:
    """p99 distance (% of src diagonal) from points on src to a dense sample of dst (an upper bound)."""
    a = trimesh.Trimesh(*src, process=False)
    b = trimesh.Trimesh(*dst, process=False)
    points, _ = trimesh.sample.sample_surface(a, 5000, seed=3)
    dense, _ = trimesh.sample.sample_surface(b, 300_000, seed=4)
    dense = np.concatenate([dense, b.vertices])
    distance, _ = cKDTree(dense).query(points)
    diagonal = np.linalg.norm(np.ptp(a.vertices[np.unique(a.faces)], axis=0))
    return float(np.percentile(distance, 99) / diagonal * 100)
