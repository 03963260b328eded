"""Gateway overhead: req/s and p50/p99 of GET /openapi/v1/print/analyze/:id with 50 concurrent
connections, against a bare uvicorn+Starlette app returning the same JSON (the peer, measured in
the same run with the same load), and the time from `printforge up` to a healthy /healthz.

Run: .venv/bin/python bench/bench_gateway.py [--seconds 10] [--connections 50] [--runs 3]

The load generator is `wrk` (C, epoll; Debian package `wrk`, installed by `scripts/setup.sh test`):
a Python client would spend a whole core of this 2-core machine on itself and measure its own
limit rather than the gateway's. Without wrk the script falls back to an httpx client and says so,
since those figures are then bounded by the client. Each run starts a fresh `printforge up` (so
the healthy time is measured every run), loads the gateway, stops the mesh, then loads the peer
alone; the medians over the runs are reported. Everything talks to loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

from tests.fixtures_meshes import binary_stl, cube, data_url  # noqa: E402
from tests.integration.mesh import free_port  # noqa: E402

WRK_THREADS = 2
WARMUP_S = 2.0

# wrk's done() hook prints one JSON line: the figures we need, nothing to parse from its table.
WRK_SCRIPT = """
local token = os.getenv("BENCH_AUTHORIZATION")
if token and token ~= "" then wrk.headers["Authorization"] = token end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "connect": %d, '
    .. '"read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

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
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float

    def line(self) -> str:
        return f"{self.rps:.0f} req/s, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms"


def median_figures(runs: list[Figures]) -> Figures:
    return Figures(
        rps=statistics.median(f.rps for f in runs),
        p50_ms=statistics.median(f.p50_ms for f in runs),
        p99_ms=statistics.median(f.p99_ms for f in runs),
    )


# wrk ---------------------------------------------------------------------------------------------


def _wrk(url: str, authorization: str, connections: int, seconds: float, script: Path) -> Figures:
    """One wrk run; raises when any request failed (a non-2xx answer is a broken benchmark)."""
    cmd = [
        "wrk",
        f"-t{min(WRK_THREADS, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    env = {**os.environ, "BENCH_AUTHORIZATION": authorization}
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
    if errors:
        raise RuntimeError(f"wrk saw failed requests at {url}: {errors}\n{out}")
    return Figures(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )


# httpx fallback ----------------------------------------------------------------------------------


async def _httpx_load(url: str, headers: dict[str, str], clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                reply = await client.get(url, headers=headers)
                if reply.status_code != 200:
                    raise RuntimeError(f"{reply.status_code}: {reply.text}")
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


def _httpx(url: str, authorization: str, connections: int, seconds: float) -> Figures:
    headers = {"Authorization": authorization} if authorization else {}
    latencies = sorted(asyncio.run(_httpx_load(url, headers, connections, seconds)))
    return Figures(
        rps=len(latencies) / seconds,
        p50_ms=1000 * statistics.median(latencies),
        p99_ms=1000 * latencies[int(0.99 * (len(latencies) - 1))],
    )


class Load:
    """The load generator: wrk when installed, else the httpx client (and the output says so)."""

    def __init__(self, connections: int, seconds: float, script: Path) -> None:
        self.connections = connections
        self.seconds = seconds
        self.script = script
        self.wrk = shutil.which("wrk") is not None

    def describe(self) -> str:
        if self.wrk:
            return f"wrk, {WRK_THREADS} threads, {self.connections} connections, {self.seconds:g} s"
        return (
            f"httpx fallback (wrk not installed: run scripts/setup.sh test), {self.connections} clients, "
            f"{self.seconds:g} s: the Python client saturates first, so these figures bound the client"
        )

    def measure(self, url: str, authorization: str = "") -> Figures:
        self._run(url, authorization, WARMUP_S)  # connections, caches, the JIT-less interpreter's dicts
        return self._run(url, authorization, self.seconds)

    def _run(self, url: str, authorization: str, seconds: float) -> Figures:
        if self.wrk:
            return _wrk(url, authorization, self.connections, seconds, self.script)
        return _httpx(url, authorization, self.connections, seconds)


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


def run_gateway(load: Load) -> tuple[float, Figures, bytes]:
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
        figures = load.measure(url, authorization)
    finally:
        os.killpg(up.pid, signal.SIGTERM)
        up.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    return healthy_s, figures, reply.content


def run_peer(load: Load, body: bytes) -> Figures:
    port = free_port()
    peer = subprocess.Popen([sys.executable, "-c", PEER_APP, str(port)], stdin=subprocess.PIPE)
    assert peer.stdin is not None
    peer.stdin.write(body)
    peer.stdin.close()
    url = f"http://127.0.0.1:{port}/openapi/v1/print/analyze/x"
    try:
        _wait_for(url, 30, time.perf_counter())
        return load.measure(url)
    finally:
        peer.terminate()
        peer.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", "--clients", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pf-bench-wrk-") as tmp:
        script = Path(tmp) / "auth.lua"
        script.write_text(WRK_SCRIPT)
        load = Load(args.connections, args.seconds, script)
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
                f"run {run}: healthy {healthy_s:.2f} s; gateway {gateway.line()}; peer {peer.line()}; "
                f"ratio {gateway.rps / peer.rps:.2f}",
                flush=True,
            )
        load_after = os.getloadavg()
    g, p = median_figures(ours), median_figures(bare)
    print(f"machine load average (1/5/15 min) before {load_before}, after {load_after}")
    print(f"medians over {args.runs} runs, {len(body)}-byte JSON body:")
    print(f"printforge up -> healthy /healthz: {statistics.median(healthy):.2f} s (target < 15 s)")
    print(
        f"gateway GET analyze/:id: {g.line()} (targets >= 500 req/s, p99 < 50 ms)",
    )
    print(f"bare uvicorn+starlette, same JSON: {p.line()}")
    print(f"ratio gateway/peer throughput: {g.rps / p.rps:.2f}")


if __name__ == "__main__":
    main()
