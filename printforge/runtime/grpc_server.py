"""Bootstrap for every gRPC service: caller authentication, TLS, health, reflection, metrics, shutdown.

A service hands over its servicers and its start/stop hooks; this module owns the rest,
so every service behaves the same under Kubernetes probes, Prometheus and SIGTERM, and none
can be started without refusing callers that are not printforge services (service_token.py).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from printforge.runtime.config import MIB, Settings, data_url_request_bytes, max_model_bytes_from_env
from printforge.runtime.gc_pauses import freeze_startup_objects
from printforge.runtime.grpc_metrics import MetricsInterceptor
from printforge.runtime.grpc_tls import GrpcTls
from printforge.runtime.service_token import ServiceTokenServerInterceptor

log = logging.getLogger(__name__)

MIN_MESSAGE_BYTES = 128 * MIB
"""Floor of the message limit, so a small model cap never shrinks other services' messages."""


def max_message_bytes(max_model_bytes: int | None = None) -> int:
    """The gRPC message limit: room for the largest create request the gateway lets through.

    A max-size model sent as a base64 data: URL is about 4/3 of its size; the gateway caps
    the HTTP body at data_url_request_bytes, and 1 MiB more covers the rest of the message.
    Derived from PRINTFORGE_MAX_MODEL_BYTES (read here when not given) so the two never drift.
    """
    if max_model_bytes is None:
        max_model_bytes = max_model_bytes_from_env()
    return max(MIN_MESSAGE_BYTES, data_url_request_bytes(max_model_bytes) + MIB)


@dataclass
class ServiceSpec:
    """What a service plugs into the bootstrap."""

    name: str
    # Adds servicers to the server and returns their full service names (for health and reflection).
    register: Callable[[grpc.aio.Server], Sequence[str]]
    on_start: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


@dataclass(frozen=True)
class ServerOptions:
    """How a server admits callers: the key their tokens are signed with, TLS, reflection."""

    token_key: bytes = field(repr=False)
    tls: GrpcTls | None = None
    # Lists the services to any caller (grpcurl); off in production (PRINTFORGE_GRPC_REFLECTION).
    reflection: bool = True

    @classmethod
    def for_service(cls, settings: Settings, service: str) -> ServerOptions:
        return cls(settings.service_token_keys[service], settings.grpc_tls, settings.grpc_reflection)


class RunningServer:
    """A started server: its port, its health servicer and the means to stop it."""

    def __init__(
        self,
        server: grpc.aio.Server,
        port: int,
        health_servicer: health.aio.HealthServicer,
        spec: ServiceSpec,
    ) -> None:
        self.server = server
        self.port = port
        self.health = health_servicer
        self.spec = spec

    async def stop(self, grace_s: float = 10.0) -> None:
        """Report NOT_SERVING first so load balancers drain us, then let in-flight RPCs finish."""
        await self.health.enter_graceful_shutdown()
        for hook in self.spec.on_stop:
            try:
                await hook()
            except Exception:
                log.exception("stop hook failed")
        await self.server.stop(grace_s)


async def start_server(spec: ServiceSpec, host: str, port: int, options: ServerOptions) -> RunningServer:
    limit = max_message_bytes()
    server = grpc.aio.server(
        # Metrics outermost, so refused calls are counted (as Unauthenticated) too.
        interceptors=[MetricsInterceptor(), ServiceTokenServerInterceptor(options.token_key)],
        options=[
            ("grpc.max_receive_message_length", limit),
            ("grpc.max_send_message_length", limit),
        ],
    )
    names = list(spec.register(server))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if options.reflection:
        health_name = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name
        reflection.enable_server_reflection([*names, health_name, reflection.SERVICE_NAME], server)
    address = f"{host}:{port}"
    if options.tls is not None:
        bound = server.add_secure_port(address, options.tls.server_credentials())
    else:
        bound = server.add_insecure_port(address)
    if bound == 0:
        raise OSError(f"cannot bind gRPC port {host}:{port}")
    for hook in spec.on_start:
        await hook()
    await server.start()
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("gRPC server started", extra={"port": bound, "services": names})
    return RunningServer(server, bound, health_servicer, spec)


async def serve_forever(
    spec: ServiceSpec, host: str, port: int, metrics_port: int | None, options: ServerOptions
) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    if metrics_port:
        start_http_server(metrics_port, addr=host)
    running = await start_server(spec, host, port, options)
    freeze_startup_objects()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down")
    await running.stop()
