"""The gRPC metrics interceptor, read from the Prometheus registry around real RPCs.

A real grpc.aio server on loopback (the services' own bootstrap, start_server, which installs
MetricsInterceptor) serves the library health servicer and the real PrintabilityServicer over a
SQLite task store; only the store is used by the RPCs called here (GetTask, WatchTask), so the
servicer's runner, pool and blobs are left out. That covers each handler style grpc.aio has:
unary (Health.Check), a server stream written as an async generator (WatchTask) and one written
with `context.write` (Health.Watch). Each test reads the five go-grpc-prometheus series before
and after its calls and asserts the deltas under the exact labels, grpc_code spelt as Go does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import REGISTRY

from printforge.printability.v1 import printability_pb2 as pb
from printforge.printability.v1 import printability_pb2_grpc as pb_grpc
from printforge.runtime.db import engine_for, migrate
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import RunningServer, ServerOptions, ServiceSpec, start_server
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.tasks.watch import TaskNotifier
from printforge_services.printability.server import PrintabilityServicer
from printforge_services.printability.store import ANALYZE, MIGRATIONS, SERVICE

HEALTH = "grpc.health.v1.Health"
PRINTABILITY = "printforge.printability.v1.PrintabilityService"
KEY = b"metrics-test-service-token-key"
SERIES = (
    "grpc_server_started_total",
    "grpc_server_msg_received_total",
    "grpc_server_msg_sent_total",
    "grpc_server_handling_seconds_count",
)


class Deltas:
    """Registry samples of one (type, service, method) relative to when it was created."""

    def __init__(self, grpc_type: str, service: str, method: str) -> None:
        self.labels = {"grpc_type": grpc_type, "grpc_service": service, "grpc_method": method}
        self._before = {name: self._read(name) for name in SERIES}
        self._codes: dict[str, float] = {}

    def _read(self, name: str, **extra: str) -> float:
        return REGISTRY.get_sample_value(name, {**self.labels, **extra}) or 0.0

    def watch_code(self, code: str) -> Deltas:
        self._codes[code] = self._read("grpc_server_handled_total", grpc_code=code)
        return self

    def __getitem__(self, name: str) -> float:
        return self._read(name) - self._before[name]

    def handled(self, code: str) -> float:
        return self._read("grpc_server_handled_total", grpc_code=code) - self._codes[code]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[RunningServer, TaskStore]]:
    engine = engine_for(f"sqlite:///{tmp_path / 'printability.db'}")
    migrate(engine, SERVICE, MIGRATIONS)
    store = TaskStore(engine, SERVICE)
    servicer = PrintabilityServicer(store, None, None, None, TaskNotifier(), None, None)  # type: ignore[arg-type]

    def register(grpc_server: grpc.aio.Server) -> list[str]:
        pb_grpc.add_PrintabilityServiceServicer_to_server(servicer, grpc_server)
        return [PRINTABILITY]

    running = await start_server(ServiceSpec("metrics-test", register), "127.0.0.1", 0, ServerOptions(KEY))
    yield running, store
    await running.stop(grace_s=0)


@pytest.fixture
async def channel(server: tuple[RunningServer, TaskStore]) -> AsyncIterator[grpc.aio.Channel]:
    async with open_channel(f"127.0.0.1:{server[0].port}", caller="gateway", token_key=KEY) as channel:
        yield channel


async def _eventually(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """The server records a cancelled RPC when it learns of the cancel, after the client moved on."""
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.02)


async def test_unary_ok_and_error(channel: grpc.aio.Channel) -> None:
    metrics = Deltas("unary", HEALTH, "Check").watch_code("OK").watch_code("NotFound")
    stub = health_pb2_grpc.HealthStub(channel)
    for _ in range(2):
        await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.Check(health_pb2.HealthCheckRequest(service="no-such-service"), timeout=5)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND

    assert metrics["grpc_server_started_total"] == 3
    assert metrics["grpc_server_msg_received_total"] == 3
    assert metrics["grpc_server_msg_sent_total"] == 2  # an error sends no response message
    assert metrics["grpc_server_handling_seconds_count"] == 3
    assert metrics.handled("OK") == 2
    assert metrics.handled("NotFound") == 1


async def test_refused_and_admitted_calls_of_one_method_each_count_under_their_code(
    server: tuple[RunningServer, TaskStore], channel: grpc.aio.Channel
) -> None:
    """The interceptor keeps one wrapped handler per method; a refusal (a handler of its own)
    must neither take that place for the admitted calls nor be counted as one of them."""
    task = server[1].create("alice", ANALYZE, {})
    request = pb.GetTaskRequest(owner="alice", task_id=task.id)
    metrics = Deltas("unary", PRINTABILITY, "GetTask").watch_code("OK").watch_code("Unauthenticated")
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server[0].port}") as tokenless:
        for stub in [pb_grpc.PrintabilityServiceStub(c) for c in (channel, tokenless, channel, tokenless)]:
            try:
                await stub.GetTask(request, timeout=5)
            except grpc.aio.AioRpcError as exc:
                assert exc.code() == grpc.StatusCode.UNAUTHENTICATED
    await pb_grpc.PrintabilityServiceStub(channel).GetTask(request, timeout=5)
    assert metrics.handled("OK") == 3
    assert metrics.handled("Unauthenticated") == 2
    assert metrics["grpc_server_started_total"] == 5
    assert metrics["grpc_server_msg_sent_total"] == 3


async def test_unary_error_raised_by_a_printforge_servicer(channel: grpc.aio.Channel) -> None:
    """abort() with rich details (printforge.runtime.grpc_errors) is labelled with its code."""
    metrics = Deltas("unary", PRINTABILITY, "GetTask").watch_code("NotFound").watch_code("Unknown")
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await pb_grpc.PrintabilityServiceStub(channel).GetTask(
            pb.GetTaskRequest(owner="alice", task_id="missing"), timeout=5
        )
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert metrics.handled("NotFound") == 1
    assert metrics.handled("Unknown") == 0
    assert metrics["grpc_server_msg_sent_total"] == 0


async def test_server_stream_async_generator_ok_and_error(
    channel: grpc.aio.Channel, server: tuple[RunningServer, TaskStore]
) -> None:
    store = server[1]
    done = store.create("alice", ANALYZE, {}, result={"status": "healthy"})
    metrics = Deltas("server_stream", PRINTABILITY, "WatchTask").watch_code("OK").watch_code("NotFound")
    stub = pb_grpc.PrintabilityServiceStub(channel)

    replies = [
        r async for r in stub.WatchTask(pb.WatchTaskRequest(owner="alice", task_id=done.id), timeout=5)
    ]
    assert [r.task.id for r in replies] == [done.id]
    with pytest.raises(grpc.aio.AioRpcError) as info:
        async for _ in stub.WatchTask(pb.WatchTaskRequest(owner="alice", task_id="missing"), timeout=5):
            pass
    assert info.value.code() == grpc.StatusCode.NOT_FOUND

    assert metrics["grpc_server_started_total"] == 2
    assert metrics["grpc_server_msg_received_total"] == 2
    assert metrics["grpc_server_msg_sent_total"] == len(replies) == 1
    assert metrics["grpc_server_handling_seconds_count"] == 2
    assert metrics.handled("OK") == 1
    assert metrics.handled("NotFound") == 1


async def test_server_stream_written_with_context_write(
    channel: grpc.aio.Channel, server: tuple[RunningServer, TaskStore]
) -> None:
    """Health.Watch sends with `await context.write()`; the client cancels it, as clients do."""
    running = server[0]
    metrics = Deltas("server_stream", HEALTH, "Watch").watch_code("Canceled").watch_code("Unknown")
    call = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
    statuses: list[Any] = []
    async for reply in call:
        statuses.append(reply.status)
        if len(statuses) == 1:
            await running.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
        else:
            break
    call.cancel()
    assert statuses == [health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING]

    await _eventually(lambda: metrics["grpc_server_handling_seconds_count"] == 1)
    assert metrics["grpc_server_started_total"] == 1
    assert metrics["grpc_server_msg_received_total"] == 1
    assert metrics["grpc_server_msg_sent_total"] == 2
    assert metrics.handled("Canceled") == 1
    assert metrics.handled("Unknown") == 0


async def test_server_stream_cut_by_the_callers_deadline(
    channel: grpc.aio.Channel, server: tuple[RunningServer, TaskStore]
) -> None:
    """A watch of a task that never finishes ends at the caller's deadline, labelled as Go labels it."""
    pending = server[1].create("alice", ANALYZE, {})
    metrics = Deltas("server_stream", PRINTABILITY, "WatchTask").watch_code("DeadlineExceeded")
    metrics.watch_code("Canceled").watch_code("Unknown")
    call = pb_grpc.PrintabilityServiceStub(channel).WatchTask(
        pb.WatchTaskRequest(owner="alice", task_id=pending.id), timeout=0.5
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:
        async for _ in call:
            pass
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED

    await _eventually(lambda: metrics["grpc_server_handling_seconds_count"] == 1)
    assert metrics["grpc_server_msg_sent_total"] == 1  # the PENDING snapshot
    assert metrics.handled("DeadlineExceeded") == 1
    assert metrics.handled("Canceled") == metrics.handled("Unknown") == 0
