"""faithfulness.nearest_on_surface: the nearest face, and a reach that skips the faces far away."""

from __future__ import annotations

import numpy as np
import trimesh

from printforge_services.printability.repair_steps.faithfulness import faces_within, nearest_on_surface
from printforge_services.printability.repair_steps.sampling import closest_on_triangles


def test_reach_gives_the_exact_answer_near_the_surface_and_inf_beyond() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=4, radius=10.0)
    v, f = np.asarray(sphere.vertices), np.asarray(sphere.faces)
    rng = np.random.default_rng(5)
    direction = rng.normal(size=(300, 3))
    direction /= np.linalg.norm(direction, axis=1)[:, None]
    points = direction * np.r_[np.full(150, 10.05), np.full(150, 13.0)][:, None]
    full, face = nearest_on_surface(points, v, f)
    reached, reached_face = nearest_on_surface(points, v, f, reach=0.5)
    np.testing.assert_array_equal(reached[:150], full[:150])
    for found in (face[:150], reached_face[:150]):  # the face returned is one at that distance
        own = closest_on_triangles(v[f[found]], points[:150])
        np.testing.assert_allclose(np.linalg.norm(own - points[:150], axis=1), full[:150], atol=1e-12)
    assert np.isinf(reached[150:]).all() and (reached_face[150:] == -1).all()
    _, exact, _ = trimesh.proximity.closest_point(sphere, points[:150])  # trimesh's own answer
    np.testing.assert_allclose(full[:150], exact, atol=1e-9)
    assert faces_within(points[:3], v, f, 0.5).sum() < len(f) // 10  # only faces near the probes
