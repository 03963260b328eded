"""`printforge up`: start the whole mesh locally (auth, generator, printability, gateway).

Each service runs as its own process (as in Kubernetes), managed by honcho: output is
prefixed per service, and Ctrl-C or SIGTERM stops every child.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

PROCESSES = ("auth", "generator", "printability", "gateway")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "up",
        help="start the whole mesh locally",
        description="Start auth, generator, printability and the gateway as separate processes on embedded "
        "defaults (SQLite and files under PRINTFORGE_DATA_DIR, default ./data). Honours "
        "PRINTFORGE_HTTP_PORT (gateway, default 8080) and PRINTFORGE_GRPC_PORT_BASE (first gRPC port, "
        "default 50051). Ctrl-C or SIGTERM stops every service.",
    )
    parser.add_argument("--wait-timeout", type=float, default=120.0, help="seconds to wait for /healthz")
    parser.set_defaults(func=_run)


def _announce_when_healthy(url: str, timeout_s: float, started: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2.0).status_code == 200:
                took = time.monotonic() - started
                print(
                    f"printforge is up at {url} (healthy after {took:.1f} s); API docs at {url}/docs",
                    flush=True,
                )
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    print(f"printforge did not become healthy within {timeout_s:.0f} s; see the logs above", flush=True)


def _run(args: argparse.Namespace) -> int:
    from honcho.manager import Manager
    from honcho.printer import Printer

    from printforge.runtime.config import Settings

    started = time.monotonic()
    settings = Settings.from_env()  # validates the environment; creates the data dir, signing and token keys
    env = {**os.environ, "PRINTFORGE_DATA_DIR": str(settings.data_dir), "PYTHONUNBUFFERED": "1"}
    url = settings.public_url or f"http://{settings.bind_host}:{settings.http_port}"
    manager = Manager(Printer(sys.stdout))
    for name in PROCESSES:
        cmd = f"{sys.executable} -m printforge_cli.main serve {name}"
        manager.add_process(name, cmd, env=env)
    print(f"starting printforge ({', '.join(PROCESSES)}); data in {settings.data_dir}", flush=True)
    threading.Thread(
        target=_announce_when_healthy, args=(url, args.wait_timeout, started), daemon=True
    ).start()
    manager.loop()
    return manager.returncode or 0
