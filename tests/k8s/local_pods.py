"""The overlay's containers as local processes: started, run to completion, probed until ready, stopped.

A pod's lifecycle is what makes a smoke test trustworthy or flaky: a process that dies during
start-up must fail the test with its log, readiness must be judged by the pod's own
readinessProbe (not by a sleep), and stopping must take the worker processes a service spawned
down too, so nothing outlives the test. Each process gets a session of its own for that reason.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.k8s.loopback import LOOPBACK
from tests.k8s.rendered_manifest import Workload

READY_TIMEOUT_S = 40.0
STOP_GRACE_S = 10.0


@dataclass
class LocalPods:
    """The started processes, one session each so that stop() also ends their worker processes.

    As a context manager it stops them all on the way out, and first prints their logs when the
    block failed, so a failing run shows why each pod did what it did.
    """

    log_dir: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __enter__(self) -> LocalPods:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if error is not None:
                self.dump()
        finally:
            self.stop()

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("ab") as log:
            self.procs[name] = subprocess.Popen(
                argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def run(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, timeout_s: float) -> str:
        """Run to completion (a Job, or `kubectl exec`); fails with the output unless it exits 0."""
        self.start(name, argv, env, cwd)
        try:
            code = self.procs[name].wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            code = None
        output = self.log(name).read_text(errors="replace")
        assert code == 0, f"{name} ({shlex.join(argv)}) ended with {code}:\n{output[-4000:]}"
        return output

    def assert_running(self, names: list[str]) -> None:
        for name in names:
            code = self.procs[name].poll()
            assert code is None, f"{name} exited with {code}:\n{self.log(name).read_text()[-4000:]}"

    def stop(self) -> None:
        """SIGTERM to every process (as a pod deletion), then SIGKILL to whatever is left of each."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def dump(self) -> None:
        for name in self.procs:
            print(f"===== {name} =====\n{self.log(name).read_text(errors='replace')[-6000:]}")


def probe_ok(probe: dict[str, Any], port: Callable[[int | str], int]) -> bool:
    """One readiness probe as the kubelet runs it, against the local port `port` maps its port to."""
    try:
        if "grpc" in probe:
            with grpc.insecure_channel(f"{LOOPBACK}:{port(probe['grpc']['port'])}") as channel:
                request = health_pb2.HealthCheckRequest(service=probe["grpc"].get("service", ""))
                reply = health_pb2_grpc.HealthStub(channel).Check(request, timeout=2)
                return reply.status == health_pb2.HealthCheckResponse.SERVING
        if "httpGet" in probe:
            get = probe["httpGet"]
            reply = httpx.get(f"http://{LOOPBACK}:{port(get['port'])}{get.get('path', '/')}", timeout=2)
            return 200 <= reply.status_code < 400
    except (grpc.RpcError, httpx.HTTPError):
        return False
    raise AssertionError(f"unsupported probe {probe}")


def wait_ready(
    pods: LocalPods, workloads: list[Workload], local_port: Callable[[Workload, int], int]
) -> None:
    """Poll each workload's readinessProbe until all pass; fail if one exits or time runs out.

    `local_port(workload, container_port)` is where that container port listens on this machine.
    """
    pending = {w.name: w for w in workloads}
    deadline = time.monotonic() + READY_TIMEOUT_S
    while pending:
        pods.assert_running(list(pending))
        for name, w in list(pending.items()):
            probe = w.container.get("readinessProbe")
            assert probe, f"{name} has no readinessProbe"
            if probe_ok(probe, lambda p, w=w: local_port(w, w.container_port(p))):
                del pending[name]
        assert time.monotonic() < deadline, f"not ready after {READY_TIMEOUT_S} s: {sorted(pending)}"
        time.sleep(0.2)
