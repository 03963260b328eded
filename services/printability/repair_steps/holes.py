"""Close every boundary loop with triangles that are never degenerate and never add a non-manifold edge.

Loops are traced on the boundary half-edges (a vertex visited twice splits the walk into simple loops,
which also covers holes spanning two touching bodies). Each loop is triangulated by, in order:
1. a minimum-area dynamic programme over the rim (`min_area`) for rims up to `DP_MAX_RIM`
   vertices, which handles non-planar rims; rims that share no vertex cannot constrain each
   other's diagonals, so they are triangulated together, in rounds of such rims;
2. ear clipping in the rim's best-fit plane for longer rims;
3. a fan from the rim centroid (one new vertex), nudged off the rim's plane when a fan triangle would
   be flat, when both of the above fail.
Triangles whose doubled area is below the work mesh's tolerance are forbidden, and so are diagonals
that already exist as edges, so filling can never create degenerate faces or edges with three faces.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability.repair_steps import min_area
from printforge_services.printability.repair_steps.nonmanifold import face_edges
from printforge_services.printability.repair_steps.work import WorkMesh

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
    # Fill faces run opposite to the rim's faces.
    rims = [np.asarray(loop[::-1], dtype=np.int64) for loop in loops]
    new_faces, rest = _fill_in_rounds(work, rims)
    if rest:
        _fill_one_by_one(work, rest, new_faces)
    work.add_faces(np.concatenate(new_faces))
    return len(loops)


def _fill_in_rounds(work: WorkMesh, rims: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Batch-triangulate the rims up to `DP_MAX_RIM` vertices: (their triangles, rims left over).

    Each round takes rims that share no vertex with each other: a rim's new diagonals join two of
    its own vertices, so rims of one round cannot forbid each other anything, and the next round
    sees the diagonals of the ones before (a soup's holes pinch at shared vertices). Rims the
    programme cannot triangulate, and longer ones, are left over for `_fill_one_by_one`.
    """
    rest = [rim for rim in rims if len(rim) > DP_MAX_RIM]
    pending = [rim for rim in rims if len(rim) <= DP_MAX_RIM]
    if not pending:
        return [], rest
    near = _faces_between(work.faces, len(work.vertices), np.concatenate(pending))
    # The mesh's edges between rim vertices, then each round's new diagonals.
    edge_keys = [_edge_keys(near, len(work.vertices))]
    done: list[np.ndarray] = []
    while pending:
        taken: set[int] = set()
        batch: list[np.ndarray] = []
        later: list[np.ndarray] = []
        for rim in pending:
            corners = rim.tolist()
            if taken.isdisjoint(corners):
                taken.update(corners)
                batch.append(rim)
            else:
                later.append(rim)
        filled, failed = _fill_batch(work, batch, edge_keys)
        if filled:
            done.extend(filled)
            edge_keys.append(_edge_keys(np.concatenate(filled), len(work.vertices)))
        rest.extend(failed)
        pending = later
    return done, rest


def _fill_batch(
    work: WorkMesh, rims: list[np.ndarray], edge_keys: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Triangulate vertex-disjoint rims, a batch per rim length: (triangles, rims that failed).

    `edge_keys` are sorted `_edge_keys` arrays of every edge that exists (a diagonal must not).
    """
    n_vertices = len(work.vertices)
    lengths = np.array([len(rim) for rim in rims])
    done: list[np.ndarray] = []
    failed: list[np.ndarray] = []
    for length in np.unique(lengths).tolist():
        group = np.stack([rims[i] for i in np.flatnonzero(lengths == length)])
        key = np.minimum(group[:, :, None], group[:, None, :]) * n_vertices
        key += np.maximum(group[:, :, None], group[:, None, :])
        forbidden = group[:, :, None] == group[:, None, :]
        for keys in edge_keys:
            forbidden |= keys[np.minimum(np.searchsorted(keys, key), len(keys) - 1)] == key
        side = np.arange(length)
        forbidden[:, side, (side + 1) % length] = False  # the rim sides are the boundary edges
        forbidden[:, (side + 1) % length, side] = False
        found = min_area.triangulate(work.vertices[group], forbidden, work.area_tolerance)
        for rim, triangles in zip(group, found, strict=True):
            if triangles is None:
                failed.append(rim)
            else:
                done.append(rim[triangles])
    return done, failed


def _edge_keys(faces: np.ndarray, n_vertices: int) -> np.ndarray:
    """Sorted unique keys (lo * n_vertices + hi) of the undirected edges of `faces` (never empty)."""
    if len(faces) == 0:
        return np.full(1, -1, dtype=np.int64)
    a = faces.ravel()
    b = faces[:, [1, 2, 0]].ravel()
    return np.unique(np.minimum(a, b) * n_vertices + np.maximum(a, b))


def _fill_one_by_one(work: WorkMesh, rims: list[np.ndarray], new_faces: list[np.ndarray]) -> None:
    """Triangulate the rims left over in turn, each seeing the diagonals of all fills before it."""
    faces = np.concatenate([work.faces, *new_faces]) if new_faces else work.faces
    existing = _edges_between(faces, len(work.vertices), np.unique(np.concatenate(rims)))
    for rim in rims:
        triangles = _triangulate(work, rim, existing)
        for a, b, c in triangles.tolist():
            for u, v in ((a, b), (b, c), (c, a)):
                existing.setdefault(u, set()).add(v)
                existing.setdefault(v, set()).add(u)
        new_faces.append(triangles)


def _faces_between(faces: np.ndarray, n_vertices: int, vertices: np.ndarray) -> np.ndarray:
    """The faces with two or more corners in `vertices`: the only ones that can hold an edge
    between two of them (a 1.3M-face scan's few rims touch a few hundred faces)."""
    on = np.zeros(n_vertices, dtype=bool)
    on[vertices] = True
    hit = on[faces]
    return faces[(hit[:, 0] & (hit[:, 1] | hit[:, 2])) | (hit[:, 1] & hit[:, 2])]


def _edges_between(faces: np.ndarray, n_vertices: int, vertices: np.ndarray) -> dict[int, set[int]]:
    """Edges of `faces` whose two ends are both in `vertices`, as vertex -> neighbours."""
    on = np.zeros(n_vertices, dtype=bool)
    on[vertices] = True
    faces = _faces_between(faces, n_vertices, vertices)
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
    return min_area.newell_normals(points[None])[0]


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
    return min_area.triangulate(points[None], _forbidden(rim, existing)[None], tolerance)[0]


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
