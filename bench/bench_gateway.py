"""Gateway tail latency and overhead on GET /openapi/v1/print/analyze/:id (the Meshy task GET).

Two loads, both against the gateway and against a bare uvicorn+Starlette app returning the same
JSON (the peer, measured in the same run with the same load):

- fixed rate (`--rate`, default 1000 req/s, the issue's target: p99 < 50 ms): `--connections`
  connections together offer that many requests a second on a schedule; the figures are the rate
  achieved and p50/p99 counted from each request's slot, so falling behind shows as latency
  (bench/wrk_load.py says how). The CPU share of every process at that rate is printed too: on a
  2-core machine the mesh and wrk share the cores, so that share says where the time goes.
- closed loop: `--connections` connections as fast as answers come: the throughput ceiling
  (target >= 500 req/s). Its latencies are queueing behind that ceiling, not a client's view at a
  given load.

Also the time from `printforge up` to a healthy /healthz (target < 15 s). The loads start once
the fresh mesh has gone idle (the generator warms its workers after /healthz is green).

Run: .venv/bin/python bench/bench_gateway.py [--seconds 10] [--connections 50] [--rate 1000] [--runs 3]

The load generator is `wrk` (C, epoll; Debian package `wrk`, installed by `scripts/setup.sh test`):
a Python client would spend a whole core of this 2-core machine on itself and measure its own
limit rather than the gateway's, so the script refuses to run without it. Each run starts a fresh
`printforge up` (so the healthy time is measured every run), loads the gateway (warm-up, then
each load), stops the mesh, then loads the peer alone; the medians over the runs are reported.
Everything talks to loopback only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import proc_cpu  # noqa: E402
from wrk_load import Figures, Wrk, median_figures  # noqa: E402

from tests.fixtures_meshes import binary_stl, cube, data_url  # noqa: E402
from tests.integration.mesh import free_port  # noqa: E402

WARMUP_S = 2.0

PEER_APP = """
import sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
import uvicorn
body = sys.stdin.buffer.read()
async def task(request):
    return Response(body, media_type="application/json")
app = Starlette(routes=[Route("/openapi/v1/print/analyze/{id}", task)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


@dataclass(frozen=True)
class Load:
    """The two loads of a run, with the same wrk, connections and duration for gateway and peer."""

    wrk: Wrk
    connections: int
    seconds: float
    rate: float

    def describe(self) -> str:
        return (
            f"wrk; fixed rate {self.rate:g} req/s over {self.connections} connections (one wrk thread "
            f"each); closed loop {self.connections} connections; {self.seconds:g} s each after "
            f"{WARMUP_S:g} s of warm-up"
        )


@dataclass(frozen=True)
class Measured:
    """One target's figures at the fixed rate and in the closed loop, and the CPU shares at the rate."""

    at_rate: Figures
    closed: Figures
    cpu: proc_cpu.CpuShares

    def line(self) -> str:
        return f"at {self.at_rate.line()}; closed loop {self.closed.line()}"


def measure(load: Load, url: str, authorization: str, processes: dict[str, list[int]]) -> Measured:
    """Warm-up at the rate, the fixed-rate run (CPU sampled around it), then the closed loop."""
    wrk, n = load.wrk, load.connections
    wrk.fixed_rate(url, authorization, n, WARMUP_S, load.rate)  # connections, caches, leases
    before = proc_cpu.sample(processes)
    at_rate = wrk.fixed_rate(url, authorization, n, load.seconds, load.rate)
    after = proc_cpu.sample(processes)
    cpu = proc_cpu.shares(before, after, {"wrk": at_rate.cpu_s})
    closed = wrk.closed(url, authorization, n, load.seconds)
    return Measured(at_rate.figures, closed.figures, cpu)


# The runs ----------------------------------------------------------------------------------------


def _wait_for(url: str, timeout_s: float, started: float) -> None:
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.perf_counter() - started > timeout_s:
            raise SystemExit(f"{url} not healthy after {timeout_s:.0f} s")
        time.sleep(0.05)


def run_gateway(load: Load) -> tuple[float, Measured, bytes]:
    """Start `printforge up`, time it to healthy, load one finished task's GET; the body for the peer."""
    data_dir = Path(tempfile.mkdtemp(prefix="pf-bench-"))
    http_port, grpc_base = free_port(), free_port() + 100
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PRINTFORGE_")},
        "PRINTFORGE_DATA_DIR": str(data_dir),
        "PRINTFORGE_HTTP_PORT": str(http_port),
        "PRINTFORGE_GRPC_PORT_BASE": str(grpc_base),
        "PRINTFORGE_RATE_LIMIT_PER_MINUTE": str(10**9),  # counted on every request, never refused
        "PRINTFORGE_LOG_LEVEL": "WARNING",
    }
    base = f"http://127.0.0.1:{http_port}"
    started = time.perf_counter()
    up = subprocess.Popen(
        [str(REPO / ".venv/bin/printforge"), "up"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(f"{base}/healthz", 120, started)
        healthy_s = time.perf_counter() - started
        keys = [str(REPO / ".venv/bin/printforge"), "keys", "create", "--user", "bench"]
        out = subprocess.run(keys, env=env, capture_output=True, text=True, check=True).stdout
        authorization = f"Bearer {out.strip().splitlines()[-1]}"
        headers = {"Authorization": authorization}
        task_id = httpx.post(
            f"{base}/openapi/v1/print/analyze",
            headers=headers,
            timeout=30,
            json={"model_url": data_url(binary_stl(*cube(20)))},
        ).json()["result"]
        url = f"{base}/openapi/v1/print/analyze/{task_id}"
        while (reply := httpx.get(url, headers=headers, timeout=10)).json()["status"] not in (
            "SUCCEEDED",
            "FAILED",
        ):
            time.sleep(0.1)
        processes = proc_cpu.service_processes(up.pid)
        if not proc_cpu.wait_until_idle(processes):
            print("warning: the mesh never went idle before the load; its start-up is in the figures")
        measured = measure(load, url, authorization, processes)
    finally:
        os.killpg(up.pid, signal.SIGTERM)
        up.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    return healthy_s, measured, reply.content


def run_peer(load: Load, body: bytes) -> Measured:
    port = free_port()
    peer = subprocess.Popen([sys.executable, "-c", PEER_APP, str(port)], stdin=subprocess.PIPE)
    assert peer.stdin is not None
    peer.stdin.write(body)
    peer.stdin.close()
    url = f"http://127.0.0.1:{port}/openapi/v1/print/analyze/x"
    try:
        _wait_for(url, 30, time.perf_counter())
        return measure(load, url, "", {"peer": [peer.pid]})
    finally:
        peer.terminate()
        peer.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", "--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=1000, help="offered req/s of the fixed-rate load")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench_gateway needs wrk (Debian package wrk; scripts/setup.sh test installs it)")
    with tempfile.TemporaryDirectory(prefix="pf-bench-wrk-") as tmp:
        load = Load(Wrk(Path(tmp)), args.connections, args.seconds, args.rate)
        print(f"load generator: {load.describe()}", flush=True)
        load_before = os.getloadavg()
        healthy, ours, bare = [], [], []
        for run in range(1, args.runs + 1):
            healthy_s, gateway, body = run_gateway(load)
            peer = run_peer(load, body)
            healthy.append(healthy_s)
            ours.append(gateway)
            bare.append(peer)
            print(
                f"run {run}: healthy {healthy_s:.2f} s\n"
                f"  gateway {gateway.line()}\n"
                f"  peer    {peer.line()}\n"
                f"  CPU at {args.rate:g} req/s offered, % of one core: gateway run: {gateway.cpu.line()}; "
                f"peer run: {peer.cpu.line()}",
                flush=True,
            )
        load_after = os.getloadavg()
    g_rate, p_rate = median_figures([m.at_rate for m in ours]), median_figures([m.at_rate for m in bare])
    g_closed, p_closed = median_figures([m.closed for m in ours]), median_figures([m.closed for m in bare])
    print(f"machine load average (1/5/15 min) before {load_before}, after {load_after}")
    print(f"medians over {args.runs} runs, {len(body)}-byte JSON body:")
    print(f"printforge up -> healthy /healthz: {statistics.median(healthy):.2f} s (target < 15 s)")
    print(f"gateway GET analyze/:id at {args.rate:g} req/s offered: {g_rate.line()} (target p99 < 50 ms)")
    print(f"bare uvicorn+starlette, same JSON, same rate: {p_rate.line()}")
    print(f"gateway GET analyze/:id closed loop: {g_closed.line()} (target >= 500 req/s)")
    print(f"bare uvicorn+starlette, same JSON, closed loop: {p_closed.line()}")
    print(f"ratio gateway/peer closed-loop throughput: {g_closed.rps / p_closed.rps:.2f}")
    print(f"ratio gateway/peer p99 at {args.rate:g} req/s: {g_rate.p99_ms / p_rate.p99_ms:.1f}")


if __name__ == "__main__":
    main()
