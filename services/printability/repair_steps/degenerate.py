"""Remove zero-area faces without opening the surface.

A zero-area face is either a needle (one edge much shorter than the others: collapse that edge, the
two endpoints meet at its midpoint) or a cap (a vertex lying on the opposite edge: flip that long
edge with the neighbour across it, which re-triangulates the same flat region with two proper
triangles). Deleting the face instead would leave a slit the hole filler could only close with
another flat triangle.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability.repair_steps import cleanup
from printforge_services.printability.repair_steps.nonmanifold import face_edges
from printforge_services.printability.repair_steps.work import WorkMesh

#: An edge shorter than this fraction of its face's longest edge makes the face a needle.
NEEDLE_RATIO = 1e-3
MAX_ROUNDS = 8


def fix_degenerate(work: WorkMesh) -> int:
    """Collapse needles and flip caps until no face is flat. Returns the number of faces fixed."""
    fixed = 0
    for _ in range(MAX_ROUNDS):
        bad = np.flatnonzero(work.doubled_areas() <= work.area_tolerance)
        if len(bad) == 0:
            break
        changed = _one_round(work, bad)
        cleanup.remove_collapsed(work)
        cleanup.remove_duplicates(work)
        fixed += changed
        if changed == 0:
            break
    return fixed


def _one_round(work: WorkMesh, bad: np.ndarray) -> int:
    faces = work.faces.copy()
    n = len(work.vertices)
    order, starts, counts = face_edges(work)
    a_all = faces.ravel()
    b_all = faces[:, [1, 2, 0]].ravel()
    sorted_keys = (np.minimum(a_all, b_all) * n + np.maximum(a_all, b_all))[order[starts]]
    remap = np.arange(n)
    touched_vertices: set[int] = set()
    touched_faces: set[int] = set()
    changed = 0
    for f in bad.tolist():
        if f in touched_faces:
            continue
        tri = faces[f]
        p = work.vertices[tri]
        lengths = np.linalg.norm(p[[1, 2, 0]] - p, axis=1)  # edge c -> c+1
        short, long = int(np.argmin(lengths)), int(np.argmax(lengths))
        if lengths[short] <= NEEDLE_RATIO * lengths[long] or not _flip(
            work, faces, f, long, sorted_keys, order, starts, counts, touched_faces
        ):
            u, v = int(tri[short]), int(tri[(short + 1) % 3])
            if u in touched_vertices or v in touched_vertices:
                continue
            touched_vertices.update((u, v))
            midpoint = (work.vertices[u] + work.vertices[v]) / 2.0
            work.vertices[u] = midpoint
            work.vertices[v] = midpoint
            remap[v] = u
            touched_faces.add(f)
        changed += 1
    work.faces = remap[faces]
    return changed


def _flip(
    work: WorkMesh,
    faces: np.ndarray,
    f: int,
    corner: int,
    sorted_keys: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    touched: set[int],
) -> bool:
    """Flip the edge from `corner` of face f with its neighbour; False if that is not possible."""
    n = len(work.vertices)
    a, b, c = (int(faces[f, (corner + i) % 3]) for i in range(3))
    group = int(np.searchsorted(sorted_keys, min(a, b) * n + max(a, b)))
    if counts[group] != 2:
        return False
    halves = order[starts[group] : starts[group] + 2]
    other = [h for h in halves.tolist() if h // 3 != f]
    if len(other) != 1:
        return False
    g, g_corner = divmod(other[0], 3)
    if g in touched or f in touched or faces[g, g_corner] != b:  # neighbour must run b -> a
        return False
    d = int(faces[g, (g_corner + 2) % 3])
    key = min(c, d) * n + max(c, d)
    position = int(np.searchsorted(sorted_keys, key))
    if c == d or (position < len(sorted_keys) and sorted_keys[position] == key):
        return False  # the new diagonal would duplicate an existing edge
    new = np.array([[a, d, c], [d, b, c]], dtype=np.int64)
    p = work.vertices[new]
    doubled = np.linalg.norm(np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]), axis=1)
    if (doubled <= work.area_tolerance).any():
        return False
    faces[f] = new[0]  # `faces` is this round's private copy, installed by _one_round
    faces[g] = new[1]
    touched.update((f, g))
    return True
