"""FBX through open3d's assimp, in-process and in the isolated worker the service runs it in.

No library in our stack writes FBX, so the fixture is a minimal ASCII FBX 7.4 written by hand
(hostile_files.ascii_fbx); assimp reads it as it reads Autodesk's own files.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import trimesh

from printforge.runtime.tasks.runner import TaskFailure
from printforge.runtime.tasks.workers import WorkerPool
from printforge_services.printability import jobs
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import MeshLoadError, load_mesh
from tests.printability.hostile_files import ascii_fbx

BOX = trimesh.creation.box(extents=(2.0, 4.0, 6.0))


def box_of_quads() -> tuple[np.ndarray, list[list[int]]]:
    """The box as six quads (assimp triangulates them), outward winding."""
    v = BOX.vertices
    quads = []
    for axis in range(3):
        for sign in (-1, 1):
            corners = [i for i in range(8) if np.sign(v[i, axis]) == sign]
            ring = sorted(corners, key=lambda i: np.arctan2(*np.delete(v[i], axis)[::-1]))
            normal = np.cross(v[ring[1]] - v[ring[0]], v[ring[2]] - v[ring[0]])
            quads.append(ring if normal[axis] * sign > 0 else ring[::-1])
    return v, quads


def test_fbx_box_of_quads_with_a_node_translation() -> None:
    vertices, quads = box_of_quads()
    mesh = load_mesh(ascii_fbx(vertices, quads, (10.0, 0.0, 0.0)), "box.fbx")
    assert mesh.source_format == "fbx" and len(mesh.faces) == 12
    report = analyze(mesh)
    assert report["status"] == "healthy"
    assert report["metrics"]["volume"] == pytest.approx(BOX.volume * 1e-9)
    np.testing.assert_allclose(report["extra"]["bounding_box_mm"]["min"], [9.0, -2.0, -3.0])
    np.testing.assert_allclose(report["extra"]["bounding_box_mm"]["max"], [11.0, 2.0, 3.0])


def test_fbx_metrics_equal_trimesh_on_the_same_triangles() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=2, radius=12.5)
    report = analyze(load_mesh(ascii_fbx(sphere.vertices, sphere.faces.tolist(), (0, 0, 0)), "s.fbx"))
    assert report["metrics"]["is_watertight"] == sphere.is_watertight
    assert report["metrics"]["volume"] == pytest.approx(sphere.volume * 1e-9, rel=1e-6)
    assert report["extra"]["surface_area_mm2"] == pytest.approx(sphere.area, rel=1e-6)


def test_truncated_fbx_names_the_format_and_line() -> None:
    vertices, quads = box_of_quads()
    data = ascii_fbx(vertices, quads, (0, 0, 0))
    with pytest.raises(MeshLoadError, match=r"FBX file cannot be read: .*line \d+"):
        load_mesh(data[: len(data) // 2], "cut.fbx")


def test_garbage_fbx_fails_cleanly() -> None:
    garbage = bytes(np.random.default_rng(7).integers(0, 256, 3000, dtype=np.uint8))
    with pytest.raises(MeshLoadError, match="FBX file cannot be read"):
        load_mesh(garbage, "junk.fbx")


def test_service_process_modules_never_import_open3d_or_trimesh() -> None:
    """The service imports these; FBX (open3d) and trimesh may load only in the worker that parses."""
    code = (
        "import sys, printforge_services.printability.server, printforge_services.printability.handlers, "
        "printforge_services.printability.inputs, printforge_services.printability.mesh_io; "
        "print(sorted(m for m in ('open3d', 'trimesh') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(1, memory_mb=3072)  # open3d maps ~1.1 GB of address space at import
    yield pool
    pool.close()


async def test_fbx_is_analyzed_in_the_worker(pool: WorkerPool) -> None:
    vertices, quads = box_of_quads()
    data = ascii_fbx(vertices, quads, (0, 0, 0))
    report = await pool.run(jobs.analyze_file, data, "box.fbx", "mm", None, timeout_s=120)
    assert report["status"] == "healthy"
    with pytest.raises(TaskFailure, match=r"cannot read the model: FBX file cannot be read: .*line \d+"):
        await pool.run(jobs.analyze_file, data[: len(data) // 2], "cut.fbx", "mm", None, timeout_s=120)
