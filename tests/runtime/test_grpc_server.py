"""The shared gRPC bootstrap: health for "" and each service, reflection, graceful stop."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from printforge.printability.v1 import printability_pb2, printability_pb2_grpc
from printforge.runtime.grpc_server import ServiceSpec, start_server
from tests.conftest import REPO_ROOT
from tests.integration.mesh import free_port

SERVICE = "printforge.printability.v1.PrintabilityService"


def _spec(events: list[str]) -> ServiceSpec:
    def register(server: grpc.aio.Server) -> list[str]:
        printability_pb2_grpc.add_PrintabilityServiceServicer_to_server(
            printability_pb2_grpc.PrintabilityServiceServicer(), server
        )
        return [SERVICE]

    async def on_start() -> None:
        events.append("start")

    async def on_stop() -> None:
        events.append("stop")

    return ServiceSpec("test", register, on_start=[on_start], on_stop=[on_stop])


async def test_health_reflection_and_graceful_stop() -> None:
    events: list[str] = []
    running = await start_server(_spec(events), "127.0.0.1", 0)
    assert events == ["start"]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("", SERVICE):
            reply = await health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await health.Check(health_pb2.HealthCheckRequest(service="nope"), timeout=5)
        assert info.value.code() == grpc.StatusCode.NOT_FOUND

        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        names = set()
        async for reply in stub.ServerReflectionInfo(iter([request]), timeout=5):
            names = {s.name for s in reply.list_services_response.service}
        assert {SERVICE, "grpc.health.v1.Health"} <= names

        unimplemented = printability_pb2_grpc.PrintabilityServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await unimplemented.GetTask(printability_pb2.GetTaskRequest(task_id="x"), timeout=5)
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED

        await running.health.enter_graceful_shutdown()
        reply = await health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING
    await running.stop(grace_s=1)
    assert events == ["start", "stop"]


def test_service_process_exits_cleanly_on_sigterm(tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_GRPC_PORT": str(port),
        "PRINTFORGE_METRICS_PORT": str(free_port()),
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "printforge.cli.main", "serve", "auth"],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            while True:
                try:
                    health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
                    break
                except grpc.RpcError:
                    assert time.monotonic() < deadline, "auth never became healthy"
                    time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, out.decode()
    assert b'"message": "shutting down"' in out
