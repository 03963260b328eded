"""`python -m printforge_services.gateway` / `printforge serve gateway`: uvicorn serving the gateway app."""

from __future__ import annotations

import uvicorn
from prometheus_client import start_http_server

from printforge.runtime.config import Settings
from printforge.runtime.gc_pauses import freeze_startup_objects
from printforge.runtime.logs import configure_logging
from printforge_services.gateway.app import create_app
from printforge_services.gateway.proxies import server_config


def main() -> None:
    settings = Settings.from_env()
    configure_logging("gateway", settings.log_level)
    if settings.metrics_port is not None:
        # Kubernetes scrapes every pod on its metrics port (the NetworkPolicy admits Prometheus
        # only there); locally /metrics on the HTTP port is enough.
        start_http_server(settings.metrics_port, addr=settings.bind_host)
    app = create_app(settings)
    freeze_startup_objects()
    uvicorn.Server(server_config(app, settings)).run()


if __name__ == "__main__":
    main()
