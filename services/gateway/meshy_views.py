"""Task → Meshy print task object (the shapes in the analyze and repair seeds).

A finished repair task's result holds blob keys; they become signed download URLs here,
so blob keys never leave the gateway.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from printforge.runtime.tasks.model import STATUS_NAMES
from printforge.task.v1 import task_pb2

ANALYZE = "print-analyze"
REPAIR = "print-repair"
REPAIR_CREDITS = 10
MODEL_URL_FORMATS = ("glb", "fbx", "obj", "stl", "usdz", "3mf", "mtl")


def status_name(task: task_pb2.Task) -> str:
    return STATUS_NAMES.get(task.status, "PENDING")


def progress_event(task: task_pb2.Task) -> dict[str, Any]:
    """What the stream sends while a task is PENDING or IN_PROGRESS."""
    return {"id": task.id, "progress": task.progress, "status": status_name(task)}


def task_object(task: task_pb2.Task, sign: Callable[[str], str]) -> dict[str, Any]:
    status = status_name(task)
    result = json.loads(task.result_json) if task.result_json else {}
    body: dict[str, Any] = {
        "id": task.id,
        "type": task.kind,
        "status": status,
        "progress": task.progress,
        "preceding_tasks": task.preceding_tasks,
        "created_at": task.created_at_ms,
        "started_at": task.started_at_ms,
        "finished_at": task.finished_at_ms,
        "expires_at": task.expires_at_ms,
        "task_error": {"message": task.error_message} if status == "FAILED" else None,
    }
    if task.kind == ANALYZE:
        body["printability"] = result.get("printability") if status == "SUCCEEDED" else None
        body["consumed_credits"] = 0
    else:
        blobs = result.get("model_blobs", {}) if status == "SUCCEEDED" else {}
        body["model_urls"] = {fmt: sign(blobs[fmt]) if fmt in blobs else "" for fmt in MODEL_URL_FORMATS}
        # "URL of a preview image rendered from the repaired model"; "" when none was drawn.
        thumbnail = result.get("thumbnail_blob") if status == "SUCCEEDED" else None
        body["thumbnail_url"] = sign(thumbnail) if thumbnail else ""
        body["texture_urls"] = []
        body["repair"] = result.get("repair") if status == "SUCCEEDED" else None
        # "10 once the task has reached SUCCEEDED ... 0 for FAILED tasks (credits are refunded)".
        body["consumed_credits"] = REPAIR_CREDITS if status == "SUCCEEDED" else 0
    return body
