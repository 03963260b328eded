"""Volumetric fallback: rebuild a closed surface from a distance field when local fixes cannot.

Polygon soups, single sheets and surfaces riddled with gaps have no usable topology, but they still
say where the surface is. On a grid (`RESOLUTION` cells across the bounding-box diagonal) we take the
unsigned distance to the input surface near it, flood-fill the outside from the grid border through
cells farther than `WALL` cells from the surface (gaps narrower than that are bridged), grow the
outside back toward the surface, and contour `distance = OFFSET` on the outside with marching cubes.
Closed parts come back as their `OFFSET`-inflated selves and open sheets as slabs `2 * OFFSET`
thick, so both faithfulness bounds hold by construction (OFFSET is ~0.5 % of the diagonal, under the
1 % limit) and every cell edge crossed by the contour is interpolated from exact distances.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability.repair_steps.sampling import dense_points

RESOLUTION = 200
OFFSET_CELLS = 1.2
WALL_CELLS = 2.5
#: Cells (radius) grown back from the flood-filled outside toward the surface.
GROW_CELLS = 2
PAD_CELLS = 4


def _ball(radius: int) -> np.ndarray:
    r = np.arange(-radius, radius + 1)
    x, y, z = np.meshgrid(r, r, r, indexing="ij")
    return x * x + y * y + z * z <= radius * radius


def remesh(
    vertices: np.ndarray, faces: np.ndarray, diagonal: float, resolution: int = RESOLUTION
) -> tuple[np.ndarray, np.ndarray]:
    """A closed, outward-oriented surface around the input surface (vertices, faces)."""
    from scipy import ndimage
    from scipy.spatial import cKDTree
    from skimage.measure import marching_cubes

    h = diagonal / resolution
    offset = OFFSET_CELLS * h
    wall = WALL_CELLS * h
    samples, _ = dense_points(vertices, faces, h / 3.0)
    lo = vertices[faces].reshape(-1, 3).min(axis=0) - PAD_CELLS * h
    shape = tuple(np.ceil((vertices[faces].reshape(-1, 3).max(axis=0) - lo) / h).astype(int) + PAD_CELLS + 1)
    cell = np.rint((samples - lo) / h).astype(np.int64)
    near = np.zeros(shape, dtype=bool)
    near[cell[:, 0], cell[:, 1], cell[:, 2]] = True
    reach = int(np.ceil(WALL_CELLS)) + 2
    # Cells within `reach` cells of a sampled cell: the dilation by a ball of that radius, computed
    # as a Euclidean distance transform (exactly the same cells, ~6x faster than binary_dilation).
    near = ndimage.distance_transform_edt(~near) <= reach
    candidates = np.argwhere(near)
    tree = cKDTree(samples, balanced_tree=False, compact_nodes=False)  # balanced crawls on surfaces
    # The field below only asks whether a distance exceeds `wall` and clips it at `far`, so a cell at
    # least `far` away may as well be infinitely far: bounding the search there prunes the tree
    # 2.5x sooner than the candidates' reach (same field, measured on corpus/meshes/soup.stl).
    far = 3.0 * h
    distance, _ = tree.query(candidates * h + lo, distance_upper_bound=far, workers=-1)
    udf = np.full(shape, np.inf)
    udf[candidates[:, 0], candidates[:, 1], candidates[:, 2]] = distance
    labels, _ = ndimage.label(udf > wall)
    border = np.unique(
        np.concatenate([labels[[0, -1]].ravel(), labels[:, [0, -1]].ravel(), labels[:, :, [0, -1]].ravel()])
    )
    outside = np.isin(labels, border[border > 0])
    outside = ndimage.binary_dilation(outside, structure=_ball(GROW_CELLS)) | outside
    field = np.where(outside, np.minimum(udf, far) - offset, -far)
    field[field == 0] = 1e-9 * h  # no grid value exactly on the contour: no zero-area triangles
    verts, tris, _, _ = marching_cubes(field.astype(np.float64), level=0.0, spacing=(h, h, h))
    verts = verts + lo
    tris = tris.astype(np.int64)
    c = verts[tris]
    if np.einsum("ij,ij->", c[:, 0], np.cross(c[:, 1], c[:, 2])) < 0:
        tris = tris[:, [0, 2, 1]]
    return verts, tris
