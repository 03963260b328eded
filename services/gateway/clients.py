"""gRPC channels and stubs to the services, opened once per gateway process.

Every call the gateway makes goes through `call()` so that it always carries a deadline.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from printforge.auth.v1 import auth_pb2_grpc
from printforge.generator.v1 import generator_pb2_grpc
from printforge.printability.v1 import printability_pb2_grpc
from printforge.runtime.config import SERVICES, Settings
from printforge.runtime.grpc_channels import open_service_channel

T = TypeVar("T")


@dataclass
class ServiceClients:
    channels: dict[str, grpc.aio.Channel]
    auth: auth_pb2_grpc.AuthServiceStub
    generator: generator_pb2_grpc.GeneratorServiceStub
    printability: printability_pb2_grpc.PrintabilityServiceStub
    timeout_s: float

    @classmethod
    def connect(cls, settings: Settings) -> ServiceClients:
        channels = {name: open_service_channel(settings, name, caller="gateway") for name in SERVICES}
        return cls(
            channels=channels,
            auth=auth_pb2_grpc.AuthServiceStub(channels["auth"]),
            generator=generator_pb2_grpc.GeneratorServiceStub(channels["generator"]),
            printability=printability_pb2_grpc.PrintabilityServiceStub(channels["printability"]),
            timeout_s=settings.rpc_timeout_s,
        )

    async def call(
        self, method: Callable[..., Awaitable[T]], request: Any, *, timeout_s: float | None = None
    ) -> T:
        return await method(request, timeout=timeout_s or self.timeout_s)

    async def health(self) -> dict[str, str]:
        """Each service's overall health status name (SERVING, NOT_SERVING, UNREACHABLE)."""
        result: dict[str, str] = {}
        for name, channel in self.channels.items():
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2.0)
                result[name] = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
            except grpc.aio.AioRpcError as exc:
                result[name] = f"UNREACHABLE ({exc.code().name})"
        return result

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()
