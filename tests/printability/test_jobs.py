"""jobs.analyze_file and jobs.repair_file_with_preview with print-prep, in a real spawned worker."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import trimesh

from printforge.runtime.tasks.workers import WorkerPool
from printforge_services.printability import jobs
from printforge_services.printability.mesh_io import load_mesh
from printforge_services.printability.printprep.request import PrepRequest
from tests.fixtures_meshes import binary_stl, cube

TIMEOUT_S = 120.0


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(1, memory_mb=2048)
    yield workers
    workers.close()


def _tilted_box_stl() -> bytes:
    part = trimesh.creation.box((40, 20, 10))
    part.apply_transform(trimesh.transformations.rotation_matrix(0.7, (1, 2, 3)))
    return binary_stl(np.asarray(part.vertices), np.asarray(part.faces))


async def test_a_prep_request_adds_print_prep_in_the_worker(pool: WorkerPool) -> None:
    prep = PrepRequest("mk3s", "PLA", auto_orient=True, slicer_path="/nonexistent/prusa-slicer")
    block = await pool.run(
        jobs.analyze_file, binary_stl(*cube(20)), "c.stl", "mm", "mk3s", prep, timeout_s=TIMEOUT_S
    )
    assert block["status"] == "healthy" and block["extra"]["fits_printer"]["fits"] is True
    estimate = block["print_prep"]["print_estimate"]
    assert estimate["print_time_s"] is None and "/nonexistent/prusa-slicer" in estimate["reason"]
    assert block["print_prep"]["overhangs"]["current"]["support_volume_mm3"] == 0


async def test_without_a_prep_request_the_block_is_unchanged(pool: WorkerPool) -> None:
    data = binary_stl(*cube(20))
    plain = await pool.run(jobs.analyze_file, data, "c.stl", "mm", None, timeout_s=TIMEOUT_S)
    empty = await pool.run(jobs.analyze_file, data, "c.stl", "mm", None, PrepRequest(), timeout_s=TIMEOUT_S)
    assert "print_prep" not in plain and "print_prep" not in empty


def test_an_empty_file_gets_no_print_prep() -> None:
    block = jobs.analyze_file(
        b"solid empty\nendsolid empty\n", "e.stl", "mm", None, PrepRequest(auto_orient=True)
    )
    assert block["status"] == "unknown" and "print_prep" not in block


def test_repair_can_return_the_auto_oriented_mesh() -> None:
    output = jobs.repair_file_with_preview(
        _tilted_box_stl(), "box.stl", "mm", frozenset({"stl"}), auto_orient=True
    )
    turned = load_mesh(output.data, "box.stl").vertices
    assert np.ptp(turned[:, 2]) == pytest.approx(10.0, abs=1e-4)  # lying on its 40 x 20 face
    assert turned[:, 2].min() == pytest.approx(0.0, abs=1e-4)
    oriented = output.report["auto_orient"]
    assert oriented["contact_area_mm2"] == pytest.approx(800.0, rel=1e-4)
    assert oriented["before"]["contact_area_mm2"] == 0.0
    assert output.preview_png is not None


def test_repair_without_auto_orient_keeps_the_placement() -> None:
    data = _tilted_box_stl()
    output = jobs.repair_file_with_preview(data, "box.stl", "mm", frozenset({"stl"}))
    assert "auto_orient" not in output.report
    assert np.allclose(
        load_mesh(output.data, "box.stl").vertices, load_mesh(data, "box.stl").vertices, atol=1e-4
    )
