"""A real `printforge up` on loopback for the studio's browser tests, and API keys for it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.integration.mesh import create_key, free_port, free_port_range

UP_TIMEOUT_S = 120
# A browser session makes many small calls (catalogue, renders, versions); the default 60 a
# minute per key would turn a slow machine's test into a 429 test.
TEST_RATE_LIMIT = "1000"


@dataclass
class StudioServer:
    url: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    def create_key(self, user: str) -> str:
        return create_key(self.env, user)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_printforge_up(data_dir: Path) -> StudioServer:
    """`printforge up` on free loopback ports; returns once it prints its URL."""
    http_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PRINTFORGE_")},
        "PRINTFORGE_DATA_DIR": str(data_dir),
        "PRINTFORGE_HTTP_PORT": str(http_port),
        "PRINTFORGE_GRPC_PORT_BASE": str(free_port_range(14)),
        "PRINTFORGE_RATE_LIMIT_PER_MINUTE": TEST_RATE_LIMIT,
        "PRINTFORGE_WORKER_PROCESSES": "1",
    }
    log = data_dir.parent / f"{data_dir.name}-up.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "printforge_cli.main", "up"],
        env=env,
        cwd=REPO_ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{http_port}"
    server = StudioServer(url, env, process, log)
    deadline = time.monotonic() + UP_TIMEOUT_S
    while f"printforge is up at {url}" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"printforge up did not come up:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)
    return server
