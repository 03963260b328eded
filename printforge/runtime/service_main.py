"""The `main()` every gRPC service shares: settings from the environment, JSON logs, serve until SIGTERM."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from printforge.runtime.config import Settings
from printforge.runtime.grpc_server import ServerOptions, ServiceSpec, serve_forever
from printforge.runtime.logs import configure_logging


def run_grpc_service(service: str, build_spec: Callable[[Settings], ServiceSpec]) -> None:
    """Build the service from PRINTFORGE_* settings and serve it on its gRPC and metrics ports."""
    settings = Settings.from_env()
    configure_logging(service, settings.log_level)
    asyncio.run(
        serve_forever(
            build_spec(settings),
            settings.bind_host,
            settings.grpc_port_for(service),
            settings.metrics_port_for(service),
            ServerOptions.for_service(settings, service),
        )
    )
