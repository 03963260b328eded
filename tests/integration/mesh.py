"""Start the real services as separate processes on free loopback ports, like `printforge up`.

Tests drive them through the gateway with httpx and through gRPC stubs; nothing is mocked.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import REPO_ROOT

SERVICES = ("auth", "generator", "printability")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mesh:
    data_dir: Path
    env: dict[str, str]
    grpc_ports: dict[str, int]
    http_port: int
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def addr(self, service: str) -> str:
        return f"127.0.0.1:{self.grpc_ports[service]}"

    def log_path(self, name: str) -> Path:
        return self.data_dir / f"{name}.log"

    def start(self, name: str) -> None:
        env = dict(self.env)
        if name in self.grpc_ports:
            env["PRINTFORGE_GRPC_PORT"] = str(self.grpc_ports[name])
            self.metrics_ports[name] = free_port()
            env["PRINTFORGE_METRICS_PORT"] = str(self.metrics_ports[name])
        log = self.log_path(name).open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "printforge.cli.main", "serve", name],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.processes.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def wait_healthy(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode}:\n{self.log_path(name).read_text()[-3000:]}"
                    )
            try:
                reply = httpx.get(f"{self.url}/healthz", timeout=2)
                if reply.status_code == 200:
                    return
                last = reply.text
            except httpx.HTTPError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise TimeoutError(f"mesh not healthy after {timeout_s} s: {last}")

    def stop(self) -> None:
        for proc in self.processes.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.processes.clear()

    def create_key(self, user: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "printforge.cli.main", "keys", "create", "--user", user],
            env=self.env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return out.stdout.strip().splitlines()[-1]


def start_mesh(data_dir: Path, extra_env: dict[str, str] | None = None) -> Mesh:
    grpc_ports = {name: free_port() for name in SERVICES}
    http_port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PRINTFORGE_")}
    env = {
        **inherited,
        "PRINTFORGE_DATA_DIR": str(data_dir),
        "PRINTFORGE_HTTP_PORT": str(http_port),
        "PRINTFORGE_WORKER_PROCESSES": "1",
        "PYTHONUNBUFFERED": "1",
        **{f"PRINTFORGE_{name.upper()}_ADDR": f"127.0.0.1:{port}" for name, port in grpc_ports.items()},
        **(extra_env or {}),
    }
    mesh = Mesh(data_dir, env, grpc_ports, http_port)
    for name in (*SERVICES, "gateway"):
        mesh.start(name)
    try:
        mesh.wait_healthy()
    except BaseException:
        mesh.stop()
        raise
    return mesh
