"""min_area.triangulate: rims triangulated together give what each gives alone."""

from __future__ import annotations

import numpy as np

from printforge_services.printability.repair_steps import min_area


def _wavy_rims(count: int, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    radius = 5 + rng.random((count, n))
    height = rng.normal(scale=0.8, size=(count, n))
    return np.stack([radius * np.cos(angle), radius * np.sin(angle), height], axis=2)


def test_batched_rims_match_rims_one_at_a_time() -> None:
    rims = _wavy_rims(40, 9, seed=2)
    forbidden = np.zeros((40, 9, 9), dtype=bool)
    forbidden[::3, 0, 4] = forbidden[::3, 4, 0] = True  # some rims may not use the diagonal 0-4
    together = min_area.triangulate(rims, forbidden, 1e-9)
    for rim, forbid, tris in zip(rims, forbidden, together, strict=True):
        alone = min_area.triangulate(rim[None], forbid[None], 1e-9)[0]
        assert tris is not None and alone is not None
        np.testing.assert_array_equal(tris, alone)
        assert len(tris) == 7
    for tris in together[::3]:
        assert tris is not None
        assert not any({0, 4} <= set(t) for t in tris.tolist())  # 0 and 4 are not rim neighbours


def test_planar_square_gets_two_triangles_and_impossible_rims_none() -> None:
    square = np.array([[[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]]], float)
    both = np.zeros((1, 4, 4), dtype=bool)
    both[0, 0, 2] = both[0, 2, 0] = both[0, 1, 3] = both[0, 3, 1] = True
    (tris,) = min_area.triangulate(square, np.zeros((1, 4, 4), dtype=bool), 1e-12)
    assert tris is not None and len(tris) == 2
    assert min_area.triangulate(square, both, 1e-12) == [None]  # both diagonals exist already
