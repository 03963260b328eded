"""A printability process SIGKILLed mid-task: its task is re-run and ends exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from printforge.printability.v1 import printability_pb2 as pb
from printforge.printability.v1 import printability_pb2_grpc as pb_grpc
from printforge.task.v1 import task_pb2
from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.integration.mesh import Mesh, children_of, start_mesh
from tests.integration.sse_client import sse_events


@pytest.fixture
def mesh(tmp_path: Path) -> Mesh:
    mesh = start_mesh(tmp_path, {"PRINTFORGE_TASK_LEASE_S": "2"})
    yield mesh
    mesh.stop()


def _task(mesh: Mesh, task_id: str, owner: str) -> pb.GetTaskResponse:
    async def get() -> pb.GetTaskResponse:
        async with mesh.channel("printability") as channel:
            return await pb_grpc.PrintabilityServiceStub(channel).GetTask(
                pb.GetTaskRequest(owner=owner, task_id=task_id), timeout=10
            )

    return asyncio.run(get())


def test_service_killed_mid_task_reruns_it_exactly_once(mesh: Mesh) -> None:
    headers = {"Authorization": f"Bearer {mesh.create_key('zoe')}"}
    client = httpx.Client(base_url=mesh.url, timeout=30)
    body = {"model_url": data_url(binary_stl(*cube(10)))}
    warm = client.post("/openapi/v1/print/analyze", json=body, headers=headers).json()["result"]
    warm_final = sse_events(client, f"/openapi/v1/print/analyze/{warm}/stream", headers)[-1][1]
    assert warm_final["status"] == "SUCCEEDED", warm_final

    # Freeze the service's worker processes so the next task is held IN_PROGRESS, then kill everything.
    service = mesh.processes["printability"]
    frozen = children_of(service.pid)
    assert frozen, "the printability service should have spawned worker processes"
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    task_id = client.post("/openapi/v1/print/analyze", json=body, headers=headers).json()["result"]
    for _ in range(100):
        if (
            client.get(f"/openapi/v1/print/analyze/{task_id}", headers=headers).json()["status"]
            == "IN_PROGRESS"
        ):
            break
        time.sleep(0.05)
    owner = _owner_of(mesh, task_id)
    assert _task(mesh, task_id, owner).task.status == task_pb2.TASK_STATUS_IN_PROGRESS
    mesh.kill("printability")
    for pid in frozen:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    mesh.start("printability")
    mesh.wait_healthy()
    events = sse_events(client, f"/openapi/v1/print/analyze/{task_id}/stream", headers)
    finals = [d for _, d in events if d["status"] in ("SUCCEEDED", "FAILED", "CANCELED")]
    assert len(finals) == 1 and finals[0]["status"] == "SUCCEEDED"
    assert finals[0]["printability"]["status"] == "healthy"
    assert _task(mesh, task_id, owner).task.attempts == 2


def _owner_of(mesh: Mesh, task_id: str) -> str:
    """The owner (user id) of a task, read from the service's SQLite file."""
    with sqlite3.connect(mesh.data_dir / "printability.db") as conn:
        (owner,) = conn.execute("SELECT owner FROM printability_tasks WHERE id = ?", (task_id,)).fetchone()
    return owner
