"""Close every boundary loop with triangles that are never degenerate and never add a non-manifold edge.

Loops are traced on the boundary half-edges (a vertex visited twice splits the walk into simple loops,
which also covers holes spanning two touching bodies). Each loop is triangulated by, in order:
1. a minimum-area dynamic programme over the rim (Barequet-Sharir / Liepa) for rims up to
   `DP_MAX_RIM` vertices, which handles non-planar rims; a triangle whose normal opposes the rim's
   Newell normal costs extra, so planar rims get their true (fold-free) triangulation;
2. ear clipping in the rim's best-fit plane for longer rims;
3. a fan from the rim centroid (one new vertex), nudged off the rim's plane when a fan triangle would
   be flat, when both of the above fail.
Triangles whose doubled area is below the work mesh's tolerance are forbidden, and so are diagonals
that already exist as edges, so filling can never create degenerate faces or edges with three faces.
"""

from __future__ import annotations

import numpy as np

from services.printability.repair_steps.nonmanifold import face_edges
from services.printability.repair_steps.work import WorkMesh

#: Rims up to this many vertices use the O(n^3) minimum-area triangulation.
DP_MAX_RIM = 90


def boundary_loops(work: WorkMesh) -> list[list[int]]:
    """Simple boundary loops, each as the vertex sequence of the existing faces' boundary half-edges."""
    faces = work.faces
    order, starts, counts = face_edges(work)
    half = order[starts[counts == 1]]
    if len(half) == 0:
        return []
    src = faces.ravel()[half]
    dst = faces[half // 3, (half % 3 + 1) % 3]
    outgoing: dict[int, list[int]] = {}
    for u, v in zip(src.tolist(), dst.tolist(), strict=True):
        outgoing.setdefault(u, []).append(v)
    loops: list[list[int]] = []
    for start in list(outgoing):
        while outgoing.get(start):
            path = [start]
            position = {start: 0}
            current = start
            while True:
                nexts = outgoing.get(current)
                if not nexts:  # open chain (cannot happen on a consistent mesh): abandon it
                    break
                nxt = nexts.pop()
                if nxt in position:
                    cut = position[nxt]
                    loop = path[cut:]
                    if len(loop) >= 3:
                        loops.append(loop)
                    for v in loop[1:]:
                        del position[v]
                    del path[cut + 1 :]
                    current = nxt
                    if cut == 0:
                        break
                    continue
                position[nxt] = len(path)
                path.append(nxt)
                current = nxt
    return loops


def fill_holes(work: WorkMesh) -> int:
    """Triangulate every boundary loop. Returns the number of loops closed."""
    loops = boundary_loops(work)
    if not loops:
        return 0
    rim_vertices = np.unique(np.concatenate([np.asarray(loop) for loop in loops]))
    existing = _edges_between(work, rim_vertices)
    new_faces: list[np.ndarray] = []
    for loop in loops:
        rim = np.asarray(loop[::-1], dtype=np.int64)  # fill faces run opposite to the rim's faces
        triangles = _triangulate(work, rim, existing)
        for a, b, c in triangles.tolist():
            for u, v in ((a, b), (b, c), (c, a)):
                existing.setdefault(u, set()).add(v)
                existing.setdefault(v, set()).add(u)
        new_faces.append(triangles)
    work.add_faces(np.concatenate(new_faces))
    return len(loops)


def _edges_between(work: WorkMesh, vertices: np.ndarray) -> dict[int, set[int]]:
    """Existing edges whose two ends are both in `vertices`, as vertex -> neighbours."""
    on = np.zeros(len(work.vertices), dtype=bool)
    on[vertices] = True
    hit = on[work.faces]  # only faces with two or more such vertices can hold such an edge
    two = (hit[:, 0] & (hit[:, 1] | hit[:, 2])) | (hit[:, 1] & hit[:, 2])
    faces = work.faces[two]
    a = faces.ravel()
    b = faces[:, [1, 2, 0]].ravel()
    both = on[a] & on[b]
    lo = np.minimum(a[both], b[both])
    hi = np.maximum(a[both], b[both])
    neighbours: dict[int, set[int]] = {}
    for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    return neighbours


def _newell_normal(points: np.ndarray) -> np.ndarray:
    return np.cross(points, np.roll(points, -1, axis=0)).sum(axis=0)


def _triangulate(work: WorkMesh, rim: np.ndarray, existing: dict[int, set[int]]) -> np.ndarray:
    points = work.vertices[rim]
    if len(rim) == 3:  # what the minimum-area programme returns for a triangle, without building it
        a, b, c = points
        if np.linalg.norm(np.cross(b - a, c - a)) > work.area_tolerance:
            return rim[None, :]
    if len(rim) <= DP_MAX_RIM:
        tris = _min_area(points, rim, existing, work.area_tolerance)
        if tris is not None:
            return rim[tris]
    tris = _ear_clip(points, rim, existing, work.area_tolerance)
    if tris is not None:
        return rim[tris]
    return _centroid_fan(work, rim)


def _forbidden(rim: np.ndarray, existing: dict[int, set[int]]) -> np.ndarray:
    """(n, n) mask of rim index pairs that may not become a diagonal."""
    n = len(rim)
    bad = rim[:, None] == rim[None, :]
    where: dict[int, list[int]] = {}
    for i, v in enumerate(rim.tolist()):
        where.setdefault(v, []).append(i)
    for v, rows in where.items():
        for other in existing.get(v, ()):
            for j in where.get(other, ()):
                bad[rows, j] = True
    idx = np.arange(n)
    bad[idx, (idx + 1) % n] = False  # rim sides are the boundary edges themselves
    bad[(idx + 1) % n, idx] = False
    return bad


def _min_area(
    points: np.ndarray, rim: np.ndarray, existing: dict[int, set[int]], tolerance: float
) -> np.ndarray | None:
    """Minimum-area triangulation of the closed polygon `points`; None if every option is degenerate."""
    n = len(points)
    normal = _newell_normal(points)
    i, k, j = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
    cross = np.cross(points[k] - points[i], points[j] - points[i])
    doubled = np.linalg.norm(cross, axis=-1)
    cost = np.where(np.einsum("...c,c->...", cross, normal) < 0, 4.0 * doubled, doubled)
    cost[doubled <= tolerance] = np.inf
    bad = _forbidden(rim, existing)
    weight = np.full((n, n), np.inf)
    idx = np.arange(n - 1)
    weight[idx, idx + 1] = 0.0
    best_k = np.zeros((n, n), dtype=np.int64)
    for gap in range(2, n):
        lo = np.arange(n - gap)
        hi = lo + gap
        mids = lo[:, None] + np.arange(1, gap)[None, :]
        total = weight[lo[:, None], mids] + weight[mids, hi[:, None]] + cost[lo[:, None], mids, hi[:, None]]
        choice = np.argmin(total, axis=1)
        value = total[np.arange(len(lo)), choice]
        is_side = (lo == 0) & (hi == n - 1)
        value[bad[lo, hi] & ~is_side] = np.inf
        weight[lo, hi] = value
        best_k[lo, hi] = mids[np.arange(len(lo)), choice]
    if not np.isfinite(weight[0, n - 1]):
        return None
    tris: list[tuple[int, int, int]] = []
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        m = int(best_k[a, b])
        tris.append((a, m, b))
        stack.extend([(a, m), (m, b)])
    return np.asarray(tris, dtype=np.int64)


def _plane_coordinates(points: np.ndarray) -> np.ndarray | None:
    normal = _newell_normal(points)
    length = np.linalg.norm(normal)
    if length == 0:
        return None
    normal /= length
    helper = np.eye(3)[int(np.argmin(np.abs(normal)))]
    u = np.cross(normal, helper)
    u /= np.linalg.norm(u)
    w = np.cross(normal, u)
    centred = points - points.mean(axis=0)
    return np.column_stack([centred @ u, centred @ w])  # counter-clockwise seen from +normal


def _ear_clip(
    points: np.ndarray, rim: np.ndarray, existing: dict[int, set[int]], tolerance: float
) -> np.ndarray | None:
    """Ear clipping in the best-fit plane; None when the projected rim is not a simple polygon."""
    flat = _plane_coordinates(points)
    if flat is None:
        return None
    bad = _forbidden(rim, existing)
    remaining = list(range(len(points)))
    tris: list[tuple[int, int, int]] = []
    stalled = 0
    pos = 0
    while len(remaining) > 3:
        if stalled > len(remaining):
            return None
        count = len(remaining)
        prev, cur, nxt = remaining[(pos - 1) % count], remaining[pos % count], remaining[(pos + 1) % count]
        if _is_ear(flat, points, remaining, prev, cur, nxt, tolerance) and not bad[prev, nxt]:
            tris.append((prev, cur, nxt))
            remaining.pop(pos % count)
            stalled = 0
        else:
            pos += 1
            stalled += 1
    last = tuple(remaining)
    if (
        np.linalg.norm(np.cross(points[last[1]] - points[last[0]], points[last[2]] - points[last[0]]))
        <= tolerance
    ):
        return None
    tris.append(last)
    return np.asarray(tris, dtype=np.int64)


def _is_ear(
    flat: np.ndarray, points: np.ndarray, remaining: list[int], a: int, b: int, c: int, tolerance: float
) -> bool:
    pa, pb, pc = flat[a], flat[b], flat[c]
    if (pb[0] - pa[0]) * (pc[1] - pa[1]) - (pb[1] - pa[1]) * (pc[0] - pa[0]) <= 0:
        return False  # reflex or flat corner in the plane
    if np.linalg.norm(np.cross(points[b] - points[a], points[c] - points[a])) <= tolerance:
        return False
    others = np.asarray([r for r in remaining if r not in (a, b, c)])
    if len(others) == 0:
        return True
    q = flat[others]
    d1 = (pb[0] - pa[0]) * (q[:, 1] - pa[1]) - (pb[1] - pa[1]) * (q[:, 0] - pa[0])
    d2 = (pc[0] - pb[0]) * (q[:, 1] - pb[1]) - (pc[1] - pb[1]) * (q[:, 0] - pb[0])
    d3 = (pa[0] - pc[0]) * (q[:, 1] - pc[1]) - (pa[1] - pc[1]) * (q[:, 0] - pc[0])
    return not ((d1 >= 0) & (d2 >= 0) & (d3 >= 0)).any()


def _centroid_fan(work: WorkMesh, rim: np.ndarray) -> np.ndarray:
    """Fan from a new centre vertex; lifted along the rim normal until no fan triangle is flat."""
    points = work.vertices[rim]
    centre = points.mean(axis=0)
    normal = _newell_normal(points)
    length = np.linalg.norm(normal)
    if length == 0:  # collinear rim: lift perpendicular to its direction
        direction = points[-1] - points[0] if np.any(points[-1] != points[0]) else points[1] - points[0]
        normal = np.cross(direction, np.eye(3)[int(np.argmin(np.abs(direction)))])
        length = np.linalg.norm(normal)
    normal = normal / length
    nxt = np.roll(points, -1, axis=0)
    lift = 0.0
    for _ in range(8):
        apex = centre + lift * normal
        doubled = np.linalg.norm(np.cross(nxt - points, apex - points), axis=1)
        if (doubled > work.area_tolerance).all():
            break
        lift = lift * 4 if lift else 1e-3 * work.diagonal
    apex_index = work.add_vertices(apex)[0]
    return np.column_stack([rim, np.roll(rim, -1), np.full(len(rim), apex_index)])
