"""The repair task handler on a real worker pool and a real blob directory: it stores the repaired
model and its preview, and a preview that cannot be drawn or stored never fails the repair."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image

from printforge.runtime import mesh_preview
from printforge.runtime.blobs import DirectoryBlobStore
from printforge.runtime.tasks.model import Task
from printforge.runtime.tasks.runner import TaskContext
from printforge.runtime.tasks.workers import WorkerPool
from printforge_services.printability import jobs
from printforge_services.printability.handlers import make_handlers
from printforge_services.printability.store import REPAIR
from tests.fixtures_meshes import binary_stl


def _broken_cube() -> tuple[np.ndarray, np.ndarray]:
    """A 20 mm cube, finely divided, one triangle missing: repair fills the hole in place."""
    box = trimesh.creation.box(extents=(20, 20, 20)).subdivide().subdivide()
    box.merge_vertices()
    return np.asarray(box.vertices), np.asarray(box.faces)[1:]


class PreviewRefusingStore(DirectoryBlobStore):
    """A blob directory whose writes of previews fail, as a full or flaky store might."""

    def put(self, key: str, data: bytes) -> None:
        if key.endswith("preview.png"):
            raise OSError("no space left on device")
        super().put(key, data)


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(1, memory_mb=2048)
    yield pool
    pool.close()


async def _run_repair(pool: WorkerPool, blobs: DirectoryBlobStore, task_id: str) -> dict:
    blobs.put(f"uploads/{task_id}/part.stl", binary_stl(*_broken_cube()))
    task = Task(
        id=task_id,
        owner="usr_test",
        kind=REPAIR,
        status="IN_PROGRESS",
        progress=0,
        input={"blob_key": f"uploads/{task_id}/part.stl", "filename": "part.stl", "unit": "mm"},
        result=None,
        error=None,
        created_at_ms=0,
        started_at_ms=0,
        finished_at_ms=0,
        expires_at_ms=0,
        attempts=1,
    )
    ctx = TaskContext(task=task, pool=pool, timeout_s=120, report=lambda _: None)
    return await make_handlers(blobs)[REPAIR](ctx)


async def test_repair_stores_the_model_and_its_preview(pool: WorkerPool, tmp_path: Path) -> None:
    blobs = DirectoryBlobStore(tmp_path)
    result = await _run_repair(pool, blobs, "task-1")
    assert result["model_blobs"] == {"stl": f"{REPAIR}/task-1/output/model.stl"}
    assert result["thumbnail_blob"] == f"{REPAIR}/task-1/output/preview.png"  # deleted with the task
    image = Image.open(io.BytesIO(blobs.get(result["thumbnail_blob"])))
    assert image.format == "PNG" and (np.asarray(image.convert("RGBA"))[..., 3] == 255).mean() > 0.2
    repaired = trimesh.load(io.BytesIO(blobs.get(result["model_blobs"]["stl"])), file_type="stl")
    assert repaired.is_watertight


async def test_a_preview_the_store_refuses_leaves_no_thumbnail_and_is_logged(
    pool: WorkerPool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blobs = PreviewRefusingStore(tmp_path)
    with caplog.at_level(logging.WARNING, logger="printforge_services.printability.handlers"):
        result = await _run_repair(pool, blobs, "task-2")
    assert "thumbnail_blob" not in result
    assert blobs.exists(result["model_blobs"]["stl"]) and result["repair"]["steps_ran"]
    assert [r.getMessage() for r in caplog.records] == ["storing the repair preview failed"]
    assert caplog.records[0].task_id == "task-2"


def test_a_preview_that_cannot_be_drawn_still_returns_the_repair(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process (the job is plain Python): the renderer fails, the repaired model does not."""

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise mesh_preview.PreviewError("the mesh has no triangles to draw")

    monkeypatch.setattr(mesh_preview, "render_png", broken)
    data = binary_stl(*_broken_cube())
    output = jobs.repair_file_with_preview(data, "part.stl", "mm", frozenset({"stl"}))
    assert output.preview_png is None
    assert output.preview_error == "PreviewError: the mesh has no triangles to draw"
    plain, fmt, report = jobs.repair_file(data, "part.stl", "mm")
    assert (output.data, output.format) == (plain, fmt) and output.report["steps_ran"] == report["steps_ran"]
