"""The shared gRPC bootstrap: caller authentication, health, reflection, graceful stop.

Every server here is a real grpc.aio server on loopback; the callers are real channels, with and
without the mesh's service token (printforge/runtime/service_token.py).
"""

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
from printforge.runtime import service_token
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import RunningServer, ServerOptions, ServiceSpec, start_server
from tests.conftest import REPO_ROOT
from tests.integration.mesh import free_port

SERVICE = "printforge.printability.v1.PrintabilityService"
GET_TASK = f"/{SERVICE}/GetTask"
KEY = b"test-service-token-key-of-printability"
OPTIONS = ServerOptions(KEY)


class _Answering(printability_pb2_grpc.PrintabilityServiceServicer):
    """Answers GetTask and WatchTask, so a refusal can only come from the bootstrap."""

    def __init__(self) -> None:
        self.calls = 0

    async def GetTask(self, request, context):  # type: ignore[no-untyped-def]
        self.calls += 1
        return printability_pb2.GetTaskResponse()

    async def WatchTask(self, request, context):  # type: ignore[no-untyped-def]
        self.calls += 1
        yield printability_pb2.WatchTaskResponse()


def _spec(events: list[str], servicer: printability_pb2_grpc.PrintabilityServiceServicer | None = None):  # type: ignore[no-untyped-def]
    def register(server: grpc.aio.Server) -> list[str]:
        printability_pb2_grpc.add_PrintabilityServiceServicer_to_server(
            servicer or printability_pb2_grpc.PrintabilityServiceServicer(), server
        )
        return [SERVICE]

    async def on_start() -> None:
        events.append("start")

    async def on_stop() -> None:
        events.append("stop")

    return ServiceSpec("test", register, on_start=[on_start], on_stop=[on_stop])


async def test_health_reflection_and_graceful_stop() -> None:
    events: list[str] = []
    running = await start_server(_spec(events), "127.0.0.1", 0, OPTIONS)
    assert events == ["start"]
    async with open_channel(f"127.0.0.1:{running.port}", caller="gateway", token_key=KEY) as channel:
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


async def _answering_server() -> tuple[RunningServer, _Answering]:
    servicer = _Answering()
    return await start_server(_spec([], servicer), "127.0.0.1", 0, OPTIONS), servicer


async def _code_of(channel: grpc.aio.Channel, metadata: tuple[tuple[str, str], ...] = ()) -> grpc.StatusCode:
    stub = printability_pb2_grpc.PrintabilityServiceStub(channel)
    try:
        await stub.GetTask(printability_pb2.GetTaskRequest(task_id="x"), metadata=metadata, timeout=5)
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


async def test_a_caller_without_the_service_token_is_refused() -> None:
    running, servicer = await _answering_server()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            assert await _code_of(channel) == grpc.StatusCode.UNAUTHENTICATED
            stub = printability_pb2_grpc.PrintabilityServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as info:
                async for _ in stub.WatchTask(printability_pb2.WatchTaskRequest(task_id="x"), timeout=5):
                    pass
            assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert "only printforge services" in (info.value.details() or "")
            # Probes carry no token: health stays open.
            health = health_pb2_grpc.HealthStub(channel)
            reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        assert servicer.calls == 0, "a refused call reached the servicer"
    finally:
        await running.stop(grace_s=0)


@pytest.mark.parametrize(
    ("case", "token"),
    [
        ("stale", lambda: service_token.mint(KEY, "gateway", GET_TASK, now=time.time() - 120)),
        ("from the future", lambda: service_token.mint(KEY, "gateway", GET_TASK, now=time.time() + 120)),
        ("signed with another key", lambda: service_token.mint(b"guessed-key", "gateway", GET_TASK)),
        ("minted for another method", lambda: service_token.mint(KEY, "gateway", f"/{SERVICE}/ListTasks")),
        ("caller renamed", lambda: service_token.mint(KEY, "gateway", GET_TASK).replace("gateway", "auth")),
        ("garbage", lambda: "v1.gateway.notatime.AAAA"),
    ],
)
async def test_a_stale_or_forged_token_is_refused(case: str, token) -> None:  # type: ignore[no-untyped-def]
    running, servicer = await _answering_server()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            code = await _code_of(channel, ((service_token.METADATA_KEY, token()),))
        assert code == grpc.StatusCode.UNAUTHENTICATED, case
        assert servicer.calls == 0
    finally:
        await running.stop(grace_s=0)


async def test_the_mesh_client_is_answered_on_unary_and_streaming_calls() -> None:
    running, servicer = await _answering_server()
    try:
        async with open_channel(f"127.0.0.1:{running.port}", caller="gateway", token_key=KEY) as channel:
            assert await _code_of(channel) == grpc.StatusCode.OK
            stub = printability_pb2_grpc.PrintabilityServiceStub(channel)
            watch = stub.WatchTask(printability_pb2.WatchTaskRequest(task_id="x"), timeout=5)
            replies = [reply async for reply in watch]
            assert len(replies) == 1
        async with open_channel(f"127.0.0.1:{running.port}", caller="gateway", token_key=b"other") as channel:
            assert await _code_of(channel) == grpc.StatusCode.UNAUTHENTICATED
        assert servicer.calls == 2
    finally:
        await running.stop(grace_s=0)


async def test_reflection_can_be_switched_off() -> None:
    running = await start_server(_spec([]), "127.0.0.1", 0, ServerOptions(KEY, reflection=False))
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            with pytest.raises(grpc.aio.AioRpcError) as info:
                async for _ in stub.ServerReflectionInfo(iter([request]), timeout=5):
                    pass
            assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        await running.stop(grace_s=0)


def test_service_process_exits_cleanly_on_sigterm(tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_GRPC_PORT": str(port),
        "PRINTFORGE_METRICS_PORT": str(free_port()),
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "printforge_cli.main", "serve", "auth"],
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
