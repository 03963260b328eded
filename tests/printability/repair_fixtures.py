"""Broken meshes built in code, so the repair tests mean something without ../shared.

Each builder returns (vertices in mm, faces) with one well-known defect; `faithful_p99` is an
independent distance check (trimesh sampling + scipy cKDTree), not the repair module's own measure.
"""

from __future__ import annotations

import numpy as np
import trimesh
from scipy.spatial import cKDTree

from printforge_services.printability.mesh_io import LoadedMesh


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


def torus_soup(
    major_sections: int = 250, minor_sections: int = 200, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A closed torus (2 * major * minor triangles, 100k by default) as a soup: every triangle
    unwelded (its own three vertices, as a binary STL stores it), half of them flipped at random
    and a tenth removed. Also the input of the soup case of `bench/bench_repair.py`."""
    torus = trimesh.creation.torus(
        major_radius=40.0, minor_radius=12.0, major_sections=major_sections, minor_sections=minor_sections
    )
    rng = np.random.default_rng(seed)
    corners = np.asarray(torus.triangles).copy()
    flip = rng.random(len(corners)) < 0.5
    corners[flip] = corners[flip][:, ::-1]
    corners = corners[rng.random(len(corners)) >= 0.1]
    return corners.reshape(-1, 3), np.arange(3 * len(corners)).reshape(-1, 3)


Point = tuple[float, float, float]


def _panel(origin: Point, u: Point, v: Point, n: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A single-sided rectangle origin + s*u + t*v (s, t in [0, 1]) of n x n quads, normal u x v."""
    o, du, dv = (np.asarray(x, float) for x in (origin, u, v))
    s, t = np.meshgrid(np.linspace(0, 1, n + 1), np.linspace(0, 1, n + 1), indexing="ij")
    vertices = o + s.reshape(-1, 1) * du + t.reshape(-1, 1) * dv
    grid = np.arange((n + 1) ** 2).reshape(n + 1, n + 1)
    a, b, c, d = grid[:-1, :-1].ravel(), grid[1:, :-1].ravel(), grid[1:, 1:].ravel(), grid[:-1, 1:].ravel()
    return vertices, np.concatenate([np.column_stack([a, b, c]), np.column_stack([a, c, d])])


def _combined(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.cumsum([0] + [len(v) for v, _ in parts[:-1]])
    return (
        np.concatenate([v for v, _ in parts]),
        np.concatenate([f + offset for (_, f), offset in zip(parts, offsets, strict=True)]),
    )


def _box(lo: Point, hi: Point) -> tuple[np.ndarray, np.ndarray]:
    box = trimesh.creation.box(bounds=[lo, hi])
    return np.asarray(box.vertices), np.asarray(box.faces)


def panel_chair() -> tuple[np.ndarray, np.ndarray]:
    """A chair of single-sided panels, zero volume: a seat and a back welded along the seat's rear
    edge (an L that the hole filler would close into a solid wedge), and four legs, each two
    panels welded along a vertical edge (an L-angle), standing free under the seat. 5 bodies."""
    seat = _panel((0, 0, 45), (40, 0, 0), (0, 40, 0))
    back = _panel((0, 40, 45), (40, 0, 0), (0, 0, 45))
    legs = []
    for x, y in ((2, 2), (34, 2), (2, 34), (34, 34)):
        legs.append(_panel((x, y, 0), (4, 0, 0), (0, 0, 45), 2))
        legs.append(_panel((x, y, 0), (0, 0, 45), (0, 4, 0), 2))
    return _combined([seat, back, *legs])


def intersecting_house() -> tuple[np.ndarray, np.ndarray]:
    """An architectural model: a floor slab and four walls, closed boxes that overlap at the corners
    and share edges with the slab (non-manifold where they meet), an inner wall standing on the slab
    with no bottom face (an exporter's hidden-face removal) and inside out, and a gable roof of two
    single-sided planes welded at the ridge (a sheet the hole filler would close into an attic)."""
    parts = [
        _box((0, 0, 0), (100, 80, 2)),
        _box((0, 0, 2), (100, 3, 30)),
        _box((0, 77, 2), (100, 80, 30)),
        _box((0, 0, 2), (3, 80, 30)),
        _box((97, 0, 2), (100, 80, 30)),
    ]
    v, f = _box((20, 20, 2), (22, 60, 30))
    parts.append((v, f[v[f][:, :, 2].max(axis=1) > 2][:, ::-1]))
    parts.append(_panel((0, 0, 30), (100, 0, 0), (0, 40, 20)))
    parts.append(_panel((0, 40, 50), (100, 0, 0), (0, 40, -20)))
    return _combined(parts)


def open_box() -> tuple[np.ndarray, np.ndarray]:
    """A 20 mm box missing its whole top: filling it would invent a lid, so it is printed as a tray."""
    v, f = _box((0, 0, 0), (20, 20, 20))
    return v, f[v[f].mean(axis=1)[:, 2] < 19]
