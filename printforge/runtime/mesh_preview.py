"""Mesh -> PNG preview: a small vectorised CPU z-buffer renderer (numpy + Pillow only).

Two services draw previews: the generator (the `pngUrl` thumbnail of every part) and the
printability service (the `thumbnail_url` of a repaired model). It lives in the shared package,
not in either service, because services never import each other's code, and it must not pull
in CadQuery: the printability workers never load OCCT.

Worker pods have no GPU and no display, hence a software renderer: orthographic view from the
front-left, above; Lambert shading; twice the output size, downsampled for anti-aliasing.

Repaired uploads can hold millions of triangles, far more than the 512x512 canvas has pixels.
Above `MAX_TRIANGLES` the mesh is first decimated by vertex clustering in screen space (cells of
about the size one triangle may cover at the cap), which keeps the silhouette and shading at
the preview's resolution. The rasteriser's work is bounded too (`WORK_BUDGET`): long slivers
are merged away at pixel scale, and a mesh of many large overlapping triangles keeps its nearest
ones, so no upload can make a preview slow or huge in memory. On one idle core-pair, 1M-1.3M
triangle meshes render in about 0.14 s (0.4-0.5 s before decimation and the ufunc z-test), a
100k-triangle finely divided cylinder in 0.07 s (4 s before).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

#: Triangles drawn at most; a bigger mesh is decimated first (see the module doc).
MAX_TRIANGLES = 120_000
#: Rasteriser work per image, in (triangle, row) pairs plus candidate pixels: about twelve
#: 512x512 canvases, far above what a closed mesh needs (its front faces cover the part once).
WORK_BUDGET = 3_000_000
DEFAULT_SIZE = 256
DEFAULT_COLOR = (217, 120, 51)
TRANSPARENT = (0, 0, 0, 0)
SUPERSAMPLE = 2
# Faces sampled to estimate a big mesh's projected area (which sets the clustering cell).
_AREA_SAMPLE = 20_000
# A surface crosses about this many cells per cell of its area (cells it only grazes count too).
_CELLS_PER_AREA = 1.5
_MAX_DECIMATION_ROUNDS = 4
# Clustering cells stay below this share of the canvas side; past it, faces are sampled instead.
_MAX_CELL_SHARE = 1 / 64
_LIGHT = np.array([-0.4, -0.8, 0.45]) / np.linalg.norm([-0.4, -0.8, 0.45])


class PreviewError(ValueError):
    """The input cannot be drawn (no triangles, bad indices, non-finite coordinates)."""


def _view_matrix() -> np.ndarray:
    azimuth, elevation = np.radians(-35.0), np.radians(-30.0)
    rot_z = np.array(
        [[np.cos(azimuth), -np.sin(azimuth), 0], [np.sin(azimuth), np.cos(azimuth), 0], [0, 0, 1]]
    )
    # the camera looks along +y after rotation; tilting by a negative elevation shows the top
    rot_x = np.array(
        [[1, 0, 0], [0, np.cos(elevation), np.sin(elevation)], [0, -np.sin(elevation), np.cos(elevation)]]
    )
    return rot_x @ rot_z


_VIEW = _view_matrix()


def render_png(
    vertices: np.ndarray,
    faces: np.ndarray,
    *,
    size: int = DEFAULT_SIZE,
    color: tuple[int, int, int] = DEFAULT_COLOR,
    background: tuple[int, int, int, int] = TRANSPARENT,
    max_triangles: int = MAX_TRIANGLES,
) -> bytes:
    """A `size` x `size` PNG of the mesh (any unit: the part is scaled to fill 90% of the frame).

    `faces` index `vertices` and are counter-clockwise seen from outside; triangles facing away
    from the camera are not drawn. Raises PreviewError for input that cannot be drawn.
    """
    vertices = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    faces = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    if len(faces) == 0:
        raise PreviewError("the mesh has no triangles to draw")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise PreviewError("a triangle refers to a vertex that does not exist")
    if not np.isfinite(vertices).all():
        raise PreviewError("the mesh has non-finite vertex coordinates")
    canvas = size * SUPERSAMPLE
    view = (vertices - vertices.mean(axis=0)) @ _VIEW.T
    extent = np.ptp(view[:, [0, 2]], axis=0).max() or 1.0
    scale = canvas * 0.9 / extent
    center = (view[:, [0, 2]].max(axis=0) + view[:, [0, 2]].min(axis=0)) / 2
    if len(faces) > max_triangles:
        view, faces = decimate(view, faces, scale, max_triangles, max_cell=canvas * _MAX_CELL_SHARE)
    screen, shade = front_faces(view, faces, center, scale, canvas)
    if raster_work(screen).sum() > WORK_BUDGET:
        # Mostly long slivers (a finely divided cylinder): merging what shares a canvas pixel
        # removes them without a visible change; then, if need be, the nearest are kept.
        view, faces = cluster_vertices(view, faces, 1.0 / scale)
        screen, shade = front_faces(view, faces, center, scale, canvas)
        kept = nearest_within_budget(screen, WORK_BUDGET)
        if kept is not None:
            screen, shade = screen[kept], shade[kept]
    pixels, winners = zbuffer(screen, canvas)
    rgba = np.empty((canvas * canvas, 4), dtype=np.uint8)
    rgba[:] = background
    rgba[pixels, :3] = (np.asarray(color)[None, :] * shade[winners, None]).astype(np.uint8)
    rgba[pixels, 3] = 255
    image = Image.fromarray(rgba.reshape(canvas, canvas, 4), "RGBA")
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def front_faces(
    view: np.ndarray, faces: np.ndarray, center: np.ndarray, scale: float, canvas: int
) -> tuple[np.ndarray, np.ndarray]:
    """Triangles facing the camera in canvas coordinates (x, y, depth), and their shade 0-1."""
    tris = view[faces]
    normals = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
    lengths = np.linalg.norm(normals, axis=1)
    visible = (normals[:, 1] < 0) & (lengths > 0)  # facing the camera
    tris, normals = tris[visible], normals[visible] / lengths[visible, None]
    shade = 0.35 + 0.65 * np.clip(normals @ _LIGHT, 0.0, 1.0)
    screen = np.empty((len(tris), 3, 3))
    screen[..., 0] = (tris[..., 0] - center[0]) * scale + canvas / 2
    screen[..., 1] = canvas / 2 - (tris[..., 2] - center[1]) * scale
    screen[..., 2] = tris[..., 1]  # depth: smaller is nearer
    return screen, shade


def raster_work(screen: np.ndarray) -> np.ndarray:
    """Rasterising cost per triangle: its area in pixels plus its height (rows) and width."""
    xy = screen[..., :2]
    first, second = xy[:, 1] - xy[:, 0], xy[:, 2] - xy[:, 0]
    area = 0.5 * np.abs(first[:, 0] * second[:, 1] - first[:, 1] * second[:, 0])
    return area + np.ptp(xy, axis=1).sum(axis=1) + 1.0


def decimate(
    view: np.ndarray, faces: np.ndarray, scale: float, max_triangles: int, *, max_cell: float
) -> tuple[np.ndarray, np.ndarray]:
    """At most `max_triangles` faces that look the same at preview resolution.

    Vertex clustering: vertices in the same cubic cell (`view * scale` is in canvas pixels)
    merge into their mean and triangles left with two corners in one cell vanish. The cell is
    sized from the mesh's area so the survivors number about the cap; if too many survive (an
    estimate that fell short) the cell grows and the clustering runs again. Cells never exceed
    `max_cell` pixels, so a soup of large triangles is not clustered into nothing: a uniform
    sample of its faces is drawn instead. Deterministic: the same mesh gives the same image.
    """
    rng = np.random.default_rng(0)
    sample = faces if len(faces) <= _AREA_SAMPLE else faces[rng.choice(len(faces), _AREA_SAMPLE, False)]
    corners = view[sample] * scale
    sampled_area = (
        0.5
        * np.linalg.norm(np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1).sum()
    )
    area = sampled_area * len(faces) / len(sample)
    # A closed surface has about two triangles per vertex.
    cell = float(np.clip(np.sqrt(_CELLS_PER_AREA * area / (max_triangles / 2)), 1.0, max_cell))
    merged_view, merged_faces = view, faces
    for _ in range(_MAX_DECIMATION_ROUNDS):
        merged_view, merged_faces = cluster_vertices(view, faces, cell / scale)
        if len(merged_faces) <= max_triangles or cell >= max_cell:
            break
        cell = min(max_cell, cell * 1.1 * float(np.sqrt(len(merged_faces) / max_triangles)))
    if len(merged_faces) > max_triangles:
        keep = np.sort(rng.choice(len(merged_faces), max_triangles, replace=False))
        merged_faces = merged_faces[keep]
    return merged_view, merged_faces


def nearest_within_budget(screen: np.ndarray, budget: int) -> np.ndarray | None:
    """Indices of the nearest triangles whose rasterising fits `budget`; None when all fit.

    Only meshes of many large overlapping triangles get here; their nearest surfaces are the
    ones a viewer sees, so the farthest are left out.
    """
    cost = raster_work(screen)
    if cost.sum() <= budget:
        return None
    order = np.argsort(screen[..., 2].min(axis=1), kind="stable")
    return np.sort(order[np.cumsum(cost[order]) <= budget])


def cluster_vertices(vertices: np.ndarray, faces: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Merge the vertices of each `cell`-sized cube into their mean; drop collapsed triangles."""
    low = vertices.min(axis=0)
    cells = np.floor((vertices - low) / cell).astype(np.int64)
    span = cells.max(axis=0) + 1
    if float(span[0]) * float(span[1]) * float(span[2]) < 2.0**62:
        keys = (cells[:, 0] * span[1] + cells[:, 1]) * span[2] + cells[:, 2]
        _, inverse = np.unique(keys, return_inverse=True)
    else:  # cells too many for one int64 key (a needle seen end-on): compare rows instead
        _, inverse = np.unique(cells, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    counts = np.bincount(inverse).astype(np.float64)
    merged = np.stack([np.bincount(inverse, weights=vertices[:, axis]) / counts for axis in range(3)], axis=1)
    remapped = inverse[faces]
    alive = (
        (remapped[:, 0] != remapped[:, 1])
        & (remapped[:, 1] != remapped[:, 2])
        & (remapped[:, 0] != remapped[:, 2])
    )
    return merged, remapped[alive]


def zbuffer(screen: np.ndarray, canvas: int) -> tuple[np.ndarray, np.ndarray]:
    """Nearest triangle per covered pixel: (flat pixel indices, triangle indices).

    `screen` is (n, 3, 3): x and y in canvas pixels, then depth (smaller is nearer).
    Scanline rasterisation, vectorised over all (triangle, row) pairs at once: each row's
    covered span comes from intersecting the pixel-centre line with the three edges, spans
    expand to pixels with np.repeat, and an unbuffered minimum per pixel keeps the nearest.
    Work is proportional to covered pixels, with no Python loop per triangle.
    """
    xy, z = screen[..., :2], screen[..., 2]
    normal = np.cross(screen[:, 1] - screen[:, 0], screen[:, 2] - screen[:, 0])
    keep = np.abs(normal[:, 2]) > 1e-12  # edge-on triangles cover no pixel centres
    ids = np.flatnonzero(keep)
    xy, z, normal = xy[keep], z[keep], normal[keep]
    row0 = np.clip(np.ceil(xy[..., 1].min(axis=1) - 0.5), 0, canvas).astype(np.int64)
    row1 = np.clip(np.floor(xy[..., 1].max(axis=1) - 0.5), -1, canvas - 1).astype(np.int64)
    rows = np.maximum(row1 - row0 + 1, 0)
    tri = np.repeat(np.arange(len(ids)), rows)
    y = (row0[tri] + np.arange(len(tri)) - np.repeat(np.cumsum(rows) - rows, rows)) + 0.5
    crossings = []
    for i, j in ((0, 1), (1, 2), (2, 0)):
        p, q = xy[tri, i], xy[tri, j]
        dy = q[:, 1] - p[:, 1]
        hits = ((p[:, 1] - y) * (q[:, 1] - y) <= 0) & (dy != 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = p[:, 0] + (y - p[:, 1]) * (q[:, 0] - p[:, 0]) / dy
        crossings.append(np.where(hits, x, np.nan))
    spans = np.stack(crossings, axis=1)
    valid = ~np.isnan(spans).all(axis=1)
    tri, y, spans = tri[valid], y[valid], spans[valid]
    col0 = np.clip(np.ceil(np.nanmin(spans, axis=1) - 0.5), 0, canvas).astype(np.int64)
    col1 = np.clip(np.floor(np.nanmax(spans, axis=1) - 0.5), -1, canvas - 1).astype(np.int64)
    cols = np.maximum(col1 - col0 + 1, 0)
    pix_tri = np.repeat(tri, cols)
    px = np.repeat(col0, cols) + np.arange(len(pix_tri)) - np.repeat(np.cumsum(cols) - cols, cols)
    py = np.repeat(y, cols) - 0.5
    n = normal[pix_tri]
    origin = screen[ids[pix_tri], 0]
    depth = (
        origin[:, 2] - (n[:, 0] * (px + 0.5 - origin[:, 0]) + n[:, 1] * (py + 0.5 - origin[:, 1])) / n[:, 2]
    )
    pix = py.astype(np.int64) * canvas + px
    # Per pixel: the least depth, then the first candidate at that depth (the lowest triangle
    # index, as a stable sort by (pixel, depth) would pick); ufunc.at is many times faster
    # than sorting millions of candidates.
    nearest = np.full(canvas * canvas, np.inf)
    np.fmin.at(nearest, pix, depth)
    candidates = np.flatnonzero(depth == nearest[pix])
    first = np.full(canvas * canvas, len(pix), dtype=np.int64)
    np.minimum.at(first, pix[candidates], candidates)
    covered = np.flatnonzero(first < len(pix))
    return covered, ids[pix_tri[first[covered]]]
