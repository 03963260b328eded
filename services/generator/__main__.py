"""`python -m printforge_services.generator` / `printforge serve generator`."""

from __future__ import annotations

from printforge.runtime.service_main import run_grpc_service
from printforge_services.generator.server import build_spec


def main() -> None:
    run_grpc_service("generator", build_spec)


if __name__ == "__main__":
    main()
