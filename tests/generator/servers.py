"""A real generator gRPC server (with the printability server it checks parts against) on loopback.

Shared by the service tests: both servers run in the test's event loop on ephemeral ports, with
one spawned CAD worker. Spawned workers inherit the test process's environment when they start,
which is how a test configures worker-side settings such as `PRINTFORGE_LLM_URL`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from printforge.generator.v1 import generator_pb2 as pb
from printforge.generator.v1 import generator_pb2_grpc as pb_grpc
from printforge.runtime.config import Settings
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import ServerOptions, start_server
from printforge.runtime.url_policy import PUBLIC_ONLY, AddressPolicy
from printforge.task.v1 import task_pb2
from printforge_services.generator import server as generator_server
from printforge_services.printability import server as printability_server

TERMINAL_TASK_STATES = (
    task_pb2.TASK_STATUS_SUCCEEDED,
    task_pb2.TASK_STATUS_FAILED,
    task_pb2.TASK_STATUS_CANCELED,
)


@asynccontextmanager
async def running_generator(
    data: Path, *, webhook_policy: AddressPolicy = PUBLIC_ONLY
) -> AsyncIterator[pb_grpc.GeneratorServiceStub]:
    """A stub of a generator server whose data (SQLite, blobs) lives under `data`."""
    base = {"PRINTFORGE_DATA_DIR": str(data), "PRINTFORGE_WORKER_PROCESSES": "1"}
    checker_settings = Settings.from_env(base)
    checker = await start_server(
        printability_server.build_spec(checker_settings),
        "127.0.0.1",
        0,
        ServerOptions.for_service(checker_settings, "printability"),
    )
    try:
        settings = Settings.from_env({**base, "PRINTFORGE_PRINTABILITY_ADDR": f"127.0.0.1:{checker.port}"})
        spec = generator_server.build_spec(settings, webhook_policy=webhook_policy)
        running = await start_server(spec, "127.0.0.1", 0, ServerOptions.for_service(settings, "generator"))
        try:
            target = f"127.0.0.1:{running.port}"
            key = settings.service_token_keys["generator"]
            async with open_channel(target, caller="gateway", token_key=key) as channel:
                yield pb_grpc.GeneratorServiceStub(channel)
        finally:
            await running.stop(0)
    finally:
        await checker.stop(0)


async def wait_done(stub: pb_grpc.GeneratorServiceStub, who: str, gen: pb.Generation) -> pb.Generation:
    """The version once its task has ended and the version left `processing`."""
    async for reply in stub.WatchTask(pb.WatchTaskRequest(owner=who, task_id=gen.task_id), timeout=120):
        if reply.task.status in TERMINAL_TASK_STATES:
            break
    for _ in range(50):
        got = (
            await stub.GetGeneration(
                pb.GetGenerationRequest(owner=who, generation_id=gen.id, version=gen.version)
            )
        ).generation
        if got.status != "processing":
            return got
        await asyncio.sleep(0.1)
    raise AssertionError("generation still processing after its task ended")
