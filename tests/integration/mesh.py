"""Start the real services as separate processes on free loopback ports, like `printforge up`.

Tests drive them through the gateway with httpx and through gRPC stubs; nothing is mocked.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx

from printforge.runtime.config import Settings
from printforge.runtime.grpc_channels import open_service_channel
from tests.conftest import REPO_ROOT

SERVICES = ("auth", "generator", "printability")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_range(span: int, rng: random.Random | None = None) -> int:
    """First of `span` consecutive loopback ports that are all free, below the ephemeral range.

    For settings that derive several ports from one base (PRINTFORGE_GRPC_PORT_BASE: gRPC at
    base + i, metrics at base + 10 + i). A base next to a kernel-chosen port lies in the ephemeral
    range, where any outgoing connection of a concurrent test (PostgreSQL, gRPC) may hold a port of
    the block by the time the service binds it.
    """
    rng = rng or random.Random()
    for _ in range(100):
        base = rng.randrange(20000, 32000 - span)
        if all(_bindable(port) for port in range(base, base + span)):
            return base
    raise RuntimeError(f"no {span} consecutive free ports found between 20000 and 32000")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


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

    def channel(self, service: str) -> grpc.aio.Channel:
        """A gRPC channel to `service` as the gateway opens it (with its service token)."""
        return open_service_channel(Settings.from_env(self.env), service, caller="gateway")

    def log_path(self, name: str) -> Path:
        return self.data_dir / f"{name}.log"

    def start(self, name: str, service: str | None = None, env: dict[str, str] | None = None) -> None:
        """Start process `name` running `service` (default: the same name), with `env` on top.

        A second instance of a service gets a name of its own (say "printability-2") and,
        for a gRPC service, a port of its own in `grpc_ports`.
        """
        service = service or name
        if service in SERVICES and name not in self.grpc_ports:
            self.grpc_ports[name] = free_port()
        env = {**self.env, **(env or {})}
        if name in self.grpc_ports:
            env["PRINTFORGE_GRPC_PORT"] = str(self.grpc_ports[name])
            self.metrics_ports[name] = free_port()
            env["PRINTFORGE_METRICS_PORT"] = str(self.metrics_ports[name])
        log = self.log_path(name).open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "printforge_cli.main", "serve", service],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.processes.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def wait_healthy(self, timeout_s: float = 60, url: str | None = None) -> None:
        """Wait for /healthz of the gateway at `url` (default: the mesh's own gateway)."""
        deadline = time.monotonic() + timeout_s
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode}:\n{self.log_path(name).read_text()[-3000:]}"
                    )
            try:
                reply = httpx.get(f"{url or self.url}/healthz", timeout=2)
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
        return create_key(self.env, user)


def create_key(env: dict[str, str], user: str) -> str:
    """A new API key of `user` (created if missing), minted by the CLI on the data dir of `env`."""
    out = subprocess.run(
        [sys.executable, "-m", "printforge_cli.main", "keys", "create", "--user", user],
        env=env,
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


def fresh_rate_window(min_left_s: float = 15.0) -> int:
    """Wait until at least `min_left_s` remain in the current rate-limit window; return its number.

    The per-key limit counts in wall-clock minutes, so a burst that straddles two windows would
    see two allowances and a test of the limit would fail for the wrong reason.
    """
    if 60 - time.time() % 60 < min_left_s:
        time.sleep(60 - time.time() % 60 + 0.05)
    return int(time.time() // 60)


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (a service's worker processes), read from /proc."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids
