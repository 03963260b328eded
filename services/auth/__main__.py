"""`python -m printforge_services.auth`: run the auth gRPC service with settings from the environment."""

from __future__ import annotations

from printforge.runtime.service_main import run_grpc_service
from printforge_services.auth.server import build_spec


def main() -> None:
    run_grpc_service("auth", build_spec)


if __name__ == "__main__":
    main()
