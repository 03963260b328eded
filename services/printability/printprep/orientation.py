"""Auto-orient: the build direction that needs the least support, resting on a large flat face.

Candidates: the current orientation, the six axis directions, the normals of the largest flat areas
(faces binned by normal to about 0.3 degrees, areas summed per bin: a part usually prints best on one
of its large flat faces) and 32 directions spread evenly over the sphere (a Fibonacci lattice, for
organic shapes with no flat face). Each candidate is scored by `supports.estimate_supports` with the
rays of at most `SEARCH_RAYS` overhanging faces; the three least-support candidates are then scored
with every ray. Only candidates that rest on a real face compete: at least `CONTACT_FRACTION` of the
largest area any candidate puts on the plate (by the 45-degree rule alone a cube balanced on a corner
needs no support). Among them the least support volume wins; candidates within 1% of it count as
ties, broken by the largest area resting on the plate ("flat largest face down"), then by the
smallest turn from the current orientation. The mesh never moves: a candidate is a direction in
model coordinates, so one BVH serves the whole search.

The answer is the rotation that turns the chosen down direction to -Z (scipy's `align_vectors`, the
shortest such turn), as a matrix and a quaternion, plus the lift that puts the lowest point on Z = 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.spatial.transform import Rotation

from printforge_services.printability.printprep.mesh import PrepMesh
from printforge_services.printability.printprep.supports import SupportEstimate, estimate_supports

CURRENT_DOWN = np.array([0.0, 0.0, -1.0])
SEARCH_RAYS = 4_000
FLAT_CANDIDATES = 24
SPHERE_CANDIDATES = 32
EXACT_FINALISTS = 3
#: A candidate must put at least this fraction of the best contact area on the plate to compete.
CONTACT_FRACTION = 0.1
#: Support volumes within this fraction of the least one are ties.
TIE_FRACTION = 0.01
#: Normal bins per unit of each component: 1/200 is about 0.3 degrees.
_BINS = 200

METHOD = (
    "candidates: current, the 6 axes, the normals of the 24 largest flat areas and 32 Fibonacci "
    "directions; among those resting on at least 10% of the widest contact, the least support volume "
    "wins, ties (within 1%) go to the largest area on the plate"
)


def best_orientation(mesh: PrepMesh) -> dict[str, Any]:
    """The current orientation's supports and the best candidate's, with the rotation that gives it."""
    current = estimate_supports(mesh, CURRENT_DOWN)
    directions = candidate_directions(mesh)
    sampled = [estimate_supports(mesh, d, SEARCH_RAYS) for d in directions]
    finalists = sorted(range(len(directions)), key=lambda i: sampled[i].support_volume_mm3)[:EXACT_FINALISTS]
    exact = {0: current}  # directions[0] is the current direction
    exact.update({i: estimate_supports(mesh, directions[i]) for i in finalists if i not in exact})
    scored = [exact.get(i, sampled[i]) for i in range(len(directions))]
    choice = _choose(directions, scored)
    down = directions[choice]
    best = exact[choice] if choice in exact else estimate_supports(mesh, down)
    rotation, _ = Rotation.align_vectors([CURRENT_DOWN], [down])
    matrix = rotation.as_matrix()
    turned = mesh.vertices @ matrix.T
    lift = -float(turned[:, 2].min()) if len(turned) else 0.0
    x, y, z, w = rotation.as_quat()
    size = (turned.max(axis=0) - turned.min(axis=0)) if len(turned) else np.zeros(3)
    return {
        "current": current.as_dict(),
        "best": {
            **best.as_dict(),
            "down_vector": down.tolist(),
            "rotation_matrix": matrix.tolist(),
            "quaternion_wxyz": [float(w), float(x), float(y), float(z)],
            "rotation_deg": math.degrees(rotation.magnitude()),
            "translation_mm": [0.0, 0.0, lift],
            "size_mm": size.tolist(),
        },
        "candidates": len(directions),
        "method": METHOD,
    }


def apply_orientation(vertices: np.ndarray, best: dict[str, Any]) -> np.ndarray:
    """`vertices` turned and lifted as `best` (the "best" object of `best_orientation`) says."""
    matrix = np.asarray(best["rotation_matrix"], dtype=np.float64)
    return vertices @ matrix.T + np.asarray(best["translation_mm"], dtype=np.float64)


def candidate_directions(mesh: PrepMesh) -> np.ndarray:
    """(k, 3) distinct unit down directions to try; the current one is first."""
    axes = np.vstack((np.eye(3), -np.eye(3)))
    found = np.vstack((CURRENT_DOWN, axes, _flat_normals(mesh), _fibonacci(SPHERE_CANDIDATES)))
    kept: list[np.ndarray] = []
    for d in found:
        if all(float(d @ k) < math.cos(math.radians(0.5)) for k in kept):
            kept.append(d)
    return np.array(kept)


def _flat_normals(mesh: PrepMesh) -> np.ndarray:
    """Area-weighted mean normals of the FLAT_CANDIDATES normal bins holding the most area."""
    rows = np.flatnonzero(mesh.valid)
    if not len(rows):
        return np.zeros((0, 3))
    cells = np.rint(mesh.normals[rows] * _BINS).astype(np.int64) + _BINS
    span = 2 * _BINS + 1
    key = (cells[:, 0] * span + cells[:, 1]) * span + cells[:, 2]
    bins, which = np.unique(key, return_inverse=True)
    area = np.bincount(which, weights=mesh.areas[rows], minlength=len(bins))
    top = np.argsort(area)[::-1][:FLAT_CANDIDATES]
    weighted = mesh.normals[rows] * mesh.areas[rows, None]
    sums = np.column_stack(
        [np.bincount(which, weights=weighted[:, i], minlength=len(bins)) for i in range(3)]
    )
    chosen = sums[top]
    length = np.linalg.norm(chosen, axis=1)
    return chosen[length > 0] / length[length > 0, None]


def _fibonacci(n: int) -> np.ndarray:
    """`n` near-evenly spaced unit vectors (the golden-angle spiral)."""
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    r = np.sqrt(1.0 - z * z)
    phi = i * math.pi * (3.0 - math.sqrt(5.0))
    return np.column_stack((r * np.cos(phi), r * np.sin(phi), z))


def _choose(directions: np.ndarray, scored: list[SupportEstimate]) -> int:
    widest = max(s.contact_area_mm2 for s in scored)
    standing = [i for i, s in enumerate(scored) if s.contact_area_mm2 >= CONTACT_FRACTION * widest]
    least = min(scored[i].support_volume_mm3 for i in standing)
    ties = [i for i in standing if scored[i].support_volume_mm3 <= least * (1 + TIE_FRACTION) + 1e-9]
    return max(
        ties, key=lambda i: (round(scored[i].contact_area_mm2, 6), float(directions[i] @ CURRENT_DOWN))
    )
