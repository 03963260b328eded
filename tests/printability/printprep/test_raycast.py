from __future__ import annotations

import numpy as np
import pytest

from printforge_services.printability.printprep.raycast import RayScene
from tests.fixtures_meshes import cube


def test_first_hit_distance_and_face() -> None:
    vertices, faces = cube(10)
    scene = RayScene(vertices, faces)
    hits = scene.cast(np.array([[5, 5, 20.0], [5, 5, 5.0], [50, 50, 50.0]]), np.array([0, 0, -1.0]))
    assert hits.distance[:2] == pytest.approx([10.0, 5.0])
    assert hits.face[0] in (2, 3) and hits.face[1] in (0, 1)  # top, then bottom (see CUBE_FACES)
    assert hits.face[2] == -1 and np.isinf(hits.distance[2])


def test_far_from_the_origin_a_thin_gap_keeps_its_precision() -> None:
    # float32 alone would resolve 1e5 mm to about 0.008 mm: the scene is centred on the mesh.
    vertices, faces = cube(1)
    vertices = vertices * np.array([10, 10, 0.3]) + 1e5
    scene = RayScene(vertices, faces)
    hits = scene.cast(np.array([[1e5 + 5, 1e5 + 5, 1e5 + 0.3 - 1e-6]]), np.array([0, 0, -1.0]))
    assert hits.distance[0] == pytest.approx(0.3, abs=1e-5)


def test_no_rays_no_hits() -> None:
    vertices, faces = cube(1)
    hits = RayScene(vertices, faces).cast(np.zeros((0, 3)), np.array([0, 0, 1.0]))
    assert len(hits.distance) == 0 and len(hits.face) == 0
