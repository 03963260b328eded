from __future__ import annotations

import numpy as np
import pytest

from printforge_services.printability.printprep.mesh import PrepMesh
from tests.fixtures_meshes import cube


def test_normals_point_out_of_the_material_even_for_an_inside_out_file() -> None:
    vertices, faces = cube(10)
    outward = PrepMesh(vertices, faces)
    inverted = PrepMesh(vertices, faces[:, ::-1])
    assert np.allclose(outward.normals, inverted.normals)
    assert outward.normals[0] == pytest.approx([0, 0, -1])  # the bottom
    assert outward.areas.sum() == pytest.approx(600)


def test_degenerate_faces_have_no_normal_and_no_area() -> None:
    vertices, faces = cube(10)
    faces = np.vstack((faces, [[0, 1, 1], [0, 1, 0]]))
    mesh = PrepMesh(vertices, faces)
    assert mesh.valid.tolist() == [True] * 12 + [False, False]
    assert (mesh.normals[12:] == 0).all() and (mesh.areas[12:] == 0).all()
