"""Task → Meshy repair task object: the preview the repair stored becomes a signed thumbnail_url."""

from __future__ import annotations

import json

import pytest

from printforge.task.v1 import task_pb2
from printforge_services.gateway.meshy_views import REPAIR, task_object

RESULT = {
    "model_blobs": {"stl": "print-repair/t1/output/model.stl"},
    "repair": {"steps_ran": ["fill_holes"]},
    "thumbnail_blob": "print-repair/t1/output/preview.png",
}


def sign(key: str) -> str:
    return f"https://dl.test/v1/files/signed:{key}"


def repair_task(status: int, result: dict | None) -> task_pb2.Task:
    return task_pb2.Task(
        id="t1", kind=REPAIR, status=status, progress=100, result_json=json.dumps(result) if result else ""
    )


def test_a_succeeded_repair_signs_its_preview() -> None:
    body = task_object(repair_task(task_pb2.TASK_STATUS_SUCCEEDED, RESULT), sign)
    assert body["thumbnail_url"] == sign("print-repair/t1/output/preview.png")
    assert body["model_urls"]["stl"] == sign("print-repair/t1/output/model.stl")


def test_a_repair_without_a_preview_has_an_empty_thumbnail_url() -> None:
    """A preview that could not be drawn or stored: the seed's field stays a string."""
    result = {k: v for k, v in RESULT.items() if k != "thumbnail_blob"}
    body = task_object(repair_task(task_pb2.TASK_STATUS_SUCCEEDED, result), sign)
    assert body["thumbnail_url"] == "" and body["model_urls"]["stl"]


@pytest.mark.parametrize(
    "status", [task_pb2.TASK_STATUS_PENDING, task_pb2.TASK_STATUS_IN_PROGRESS, task_pb2.TASK_STATUS_FAILED]
)
def test_an_unfinished_or_failed_repair_has_no_thumbnail(status: int) -> None:
    assert task_object(repair_task(status, RESULT), sign)["thumbnail_url"] == ""
