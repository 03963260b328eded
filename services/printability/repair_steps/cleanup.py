"""Exact weld, then drop faces that carry no surface: collapsed faces and duplicates.

Copies of a face with the same winding are one face. A face and its reversed twin are kept (one of
each): they are usually the shared wall of two bodies glued together, and the non-manifold step
separates the two bodies along it, so no input surface disappears. A lone double-sided sheet becomes
a flat body, which `orient.drop_flat_bodies` removes.
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.repair_steps.work import WorkMesh


def weld(work: WorkMesh) -> int:
    """Merge vertices with identical coordinates (the contract's weld). Returns vertices merged."""
    unique, inverse = topology.weld(work.vertices)
    merged = len(work.vertices) - len(unique)
    work.vertices = unique
    work.faces = inverse[work.faces]
    return merged


def remove_collapsed(work: WorkMesh) -> int:
    """Drop faces with a repeated vertex index. Returns faces removed."""
    collapsed = topology.collapsed_faces(work.faces)
    count = int(np.count_nonzero(collapsed))
    if count:
        work.keep_faces(~collapsed)
    return count


def remove_duplicates(work: WorkMesh) -> int:
    """Keep one face per vertex triple and winding. Returns faces removed."""
    f = work.faces
    if len(f) < 2:
        return 0
    order = np.argsort(f, axis=1)
    s = np.take_along_axis(f, order, axis=1)
    # Even permutations of the sorted triple keep the winding: (0,1,2), (1,2,0), (2,0,1).
    even = ((order[:, 1] - order[:, 0]) % 3) == 1
    n = len(work.vertices)
    if n < 2_000_000:
        key = (s[:, 0] * n + s[:, 1]) * n + s[:, 2]
        _, group, counts = np.unique(key, return_inverse=True, return_counts=True)
    else:
        _, group, counts = np.unique(s, axis=0, return_inverse=True, return_counts=True)
    group = group.ravel()
    if counts.max() == 1:
        return 0
    # Keep the first face of each (vertex triple, winding) pair.
    slot = 2 * group + even
    first = np.full(2 * len(counts), len(f), dtype=np.int64)
    np.minimum.at(first, slot, np.arange(len(f)))
    keep = np.zeros(len(f), dtype=bool)
    keep[first[first < len(f)]] = True
    removed = len(f) - int(np.count_nonzero(keep))
    if removed:
        work.keep_faces(keep)
    return removed
