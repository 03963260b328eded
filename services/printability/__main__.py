"""`python -m printforge_services.printability` / `printforge serve printability`."""

from __future__ import annotations

from printforge.runtime.service_main import run_grpc_service
from printforge_services.printability.server import build_spec


def main() -> None:
    run_grpc_service("printability", build_spec)


if __name__ == "__main__":
    main()
