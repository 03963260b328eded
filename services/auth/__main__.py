"""`python -m services.auth`: run the auth gRPC service with settings from the environment."""

from __future__ import annotations

import asyncio

from printforge.runtime.config import Settings
from printforge.runtime.grpc_server import serve_forever
from printforge.runtime.logs import configure_logging
from services.auth.server import build_spec


def main() -> None:
    settings = Settings.from_env()
    configure_logging("auth", settings.log_level)
    asyncio.run(
        serve_forever(
            build_spec(settings),
            settings.bind_host,
            settings.grpc_port_for("auth"),
            settings.metrics_port_for("auth"),
        )
    )


if __name__ == "__main__":
    main()
