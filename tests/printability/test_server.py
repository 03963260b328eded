"""A real printability gRPC server on loopback keeps answering while its blob store is slow.

The store is a real blob directory whose chosen operation blocks until the test releases it,
as a slow S3 would. While one RPC (or the task runner) waits on it, the test asks for a task
and for health: both must be answered before the slow call ends. Had the call run on the
event loop, nothing could answer until it returned, and `left` would be set by then.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from printforge.printability.v1 import printability_pb2 as pb
from printforge.printability.v1 import printability_pb2_grpc as pb_grpc
from printforge.runtime.blobs import DirectoryBlobStore
from printforge.runtime.config import Settings
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import ServerOptions, start_server
from printforge.task.v1 import task_pb2
from printforge_services.printability import server as printability_server
from printforge_services.printability.store import SERVICE
from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.integration.mesh import free_port

# Long enough that a blocked event loop is unmistakable, short enough to fail fast if it is.
GATE_TIMEOUT_S = 5.0
OWNER = "usr_slow"


class GatedBlobStore(DirectoryBlobStore):
    """A blob directory whose first call of operation `gated` waits for `released` (at most
    GATE_TIMEOUT_S); `entered` and `left` say when that call started and ended."""

    def __init__(self, root: Path, gated: str) -> None:
        super().__init__(root)
        self.gated = gated
        self.entered = threading.Event()
        self.released = threading.Event()
        self.left = threading.Event()

    def _gate(self, operation: str) -> None:
        if operation == self.gated and not self.entered.is_set():
            self.entered.set()
            self.released.wait(timeout=GATE_TIMEOUT_S)
            self.left.set()

    def put(self, key: str, data: bytes) -> None:
        self._gate("put")
        super().put(key, data)

    def get(self, key: str) -> bytes:
        self._gate("get")
        return super().get(key)

    def delete_prefix(self, prefix: str) -> None:
        self._gate("delete_prefix")
        super().delete_prefix(prefix)


@asynccontextmanager
async def _served(
    tmp_path: Path, blobs: GatedBlobStore, extra_env: dict[str, str] | None = None
) -> AsyncIterator[grpc.aio.Channel]:
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_WORKER_PROCESSES": "1",
        # No generator is called here; a closed loopback port rather than a neighbour's default one.
        "PRINTFORGE_GENERATOR_ADDR": f"127.0.0.1:{free_port()}",
        **(extra_env or {}),
    }
    settings = Settings.from_env(env)
    spec = printability_server.build_spec(settings, blobs=blobs)
    running = await start_server(spec, "127.0.0.1", 0, ServerOptions.for_service(settings, SERVICE))
    target = f"127.0.0.1:{running.port}"
    key = settings.service_token_keys[SERVICE]
    try:
        async with open_channel(target, caller="gateway", token_key=key) as channel:
            yield channel
    finally:
        blobs.released.set()
        await running.stop(0)


async def _assert_answered_while_blocked(
    channel: grpc.aio.Channel, blobs: GatedBlobStore, task_id: str
) -> None:
    assert await asyncio.to_thread(blobs.entered.wait, GATE_TIMEOUT_S), f"no {blobs.gated} call was made"
    stub = pb_grpc.PrintabilityServiceStub(channel)
    health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    try:
        await stub.GetTask(pb.GetTaskRequest(owner=OWNER, task_id=task_id), timeout=10)
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND
    assert not blobs.left.is_set(), f"RPCs were answered only after the slow {blobs.gated} ended"
    blobs.released.set()


def _create_request() -> pb.CreateAnalyzeTaskRequest:
    return pb.CreateAnalyzeTaskRequest(owner=OWNER, model_url=data_url(binary_stl(*cube(10))))


async def test_rpcs_are_answered_while_a_create_writes_its_input(tmp_path: Path) -> None:
    blobs = GatedBlobStore(tmp_path / "blobs", "put")
    async with _served(tmp_path, blobs) as channel:
        stub = pb_grpc.PrintabilityServiceStub(channel)
        create = asyncio.ensure_future(stub.CreateAnalyzeTask(_create_request(), timeout=30))
        await _assert_answered_while_blocked(channel, blobs, "0193bfc5-ee4f-73f8-8525-44b398884ce9")
        assert (await create).task.id


async def test_rpcs_are_answered_while_a_task_reads_its_input(tmp_path: Path) -> None:
    blobs = GatedBlobStore(tmp_path / "blobs", "get")
    async with _served(tmp_path, blobs) as channel:
        stub = pb_grpc.PrintabilityServiceStub(channel)
        task = (await stub.CreateAnalyzeTask(_create_request(), timeout=30)).task
        await _assert_answered_while_blocked(channel, blobs, task.id)
        async for reply in stub.WatchTask(pb.WatchTaskRequest(owner=OWNER, task_id=task.id), timeout=60):
            if reply.task.status == task_pb2.TASK_STATUS_SUCCEEDED:
                break
        else:
            pytest.fail("the task did not succeed once its input was read")


async def test_rpcs_are_answered_while_a_delete_removes_blobs(tmp_path: Path) -> None:
    blobs = GatedBlobStore(tmp_path / "blobs", "delete_prefix")
    async with _served(tmp_path, blobs) as channel:
        stub = pb_grpc.PrintabilityServiceStub(channel)
        task = (await stub.CreateAnalyzeTask(_create_request(), timeout=30)).task
        delete = asyncio.ensure_future(
            stub.DeleteTask(pb.DeleteTaskRequest(owner=OWNER, task_id=task.id), timeout=30)
        )
        await _assert_answered_while_blocked(channel, blobs, task.id)
        await delete
        assert not blobs.exists(json.loads(task.input_json)["blob_key"])


async def test_print_prep_fields_reach_the_worker_and_the_slicer_setting_is_honoured(tmp_path: Path) -> None:
    """material and auto_orient are validated, stored canonical, and the job reads the slicer path
    from PRINTFORGE_SLICER_PATH: a binary that is not there gives null figures with the reason."""
    blobs = GatedBlobStore(tmp_path / "blobs", "none")
    async with _served(tmp_path, blobs, {"PRINTFORGE_SLICER_PATH": "/nonexistent/prusa-slicer"}) as channel:
        stub = pb_grpc.PrintabilityServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.CreateAnalyzeTask(
                pb.CreateAnalyzeTaskRequest(
                    owner=OWNER, model_url=data_url(binary_stl(*cube(10))), material="x"
                ),
                timeout=30,
            )
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "unknown material 'x'" in (refused.value.details() or "")
        request = pb.CreateAnalyzeTaskRequest(
            owner=OWNER,
            model_url=data_url(binary_stl(*cube(10))),
            printer="mk3s",
            material="petg",
            auto_orient=True,
        )
        task = (await stub.CreateAnalyzeTask(request, timeout=30)).task
        stored = json.loads(task.input_json)
        assert (stored["material"], stored["auto_orient"]) == ("PETG", True)
        async for reply in stub.WatchTask(pb.WatchTaskRequest(owner=OWNER, task_id=task.id), timeout=120):
            if reply.task.status == task_pb2.TASK_STATUS_SUCCEEDED:
                break
        else:
            pytest.fail("the analyze task did not succeed")
        estimate = json.loads(reply.task.result_json)["printability"]["print_prep"]["print_estimate"]
        assert estimate["material"] == "PETG" and estimate["orientation"] == "best"
        assert estimate["print_time_s"] is None and "/nonexistent/prusa-slicer" in estimate["reason"]
