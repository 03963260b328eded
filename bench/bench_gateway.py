"""Gateway overhead: req/s and p50/p99 of GET /openapi/v1/print/analyze/:id with 50
concurrent clients, against a bare uvicorn+Starlette app returning the same JSON (the peer,
measured in the same run), and the time from `printforge up` to a healthy /healthz.

Run: .venv/bin/python bench/bench_gateway.py [--seconds 10] [--clients 50]
Everything runs on loopback; the load generator is a separate process (it shares the
machine's 2 cores with the servers, so absolute figures are pessimistic).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fixtures_meshes import binary_stl, cube, data_url  # noqa: E402
from tests.integration.mesh import free_port  # noqa: E402


async def _load(url: str, headers: dict[str, str], clients: int, seconds: float) -> list[float]:
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


def _load_process(url: str, headers: dict[str, str], clients: int, seconds: float, out) -> None:  # type: ignore[no-untyped-def]
    out.put(asyncio.run(_load(url, headers, clients, seconds)))


def measure(url: str, headers: dict[str, str], clients: int, seconds: float) -> dict[str, float]:
    asyncio.run(_load(url, headers, clients, 1.0))  # warm up connections and caches
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_load_process, args=(url, headers, clients, seconds, out))
    proc.start()
    latencies = out.get(timeout=seconds + 60)
    proc.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


PEER_APP = """
import json, sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
import uvicorn
body = sys.stdin.read().encode()
async def task(request):
    return Response(body, media_type="application/json")
app = Starlette(routes=[Route("/openapi/v1/print/analyze/{id}", task)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="pf-bench-"))
    http_port, grpc_base = free_port(), free_port() + 100
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PRINTFORGE_")},
        "PRINTFORGE_DATA_DIR": str(data_dir),
        "PRINTFORGE_HTTP_PORT": str(http_port),
        "PRINTFORGE_GRPC_PORT_BASE": str(grpc_base),
        "PRINTFORGE_RATE_LIMIT_PER_MINUTE": str(10**9),
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
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > 120:
                raise SystemExit("mesh not healthy after 120 s")
            time.sleep(0.05)
        healthy_s = time.perf_counter() - started
        token = (
            subprocess.run(
                [str(REPO / ".venv/bin/printforge"), "keys", "create", "--user", "bench"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        headers = {"Authorization": f"Bearer {token}"}
        task_id = httpx.post(
            f"{base}/openapi/v1/print/analyze",
            headers=headers,
            timeout=30,
            json={"model_url": data_url(binary_stl(*cube(20)))},
        ).json()["result"]
        while (body := httpx.get(f"{base}/openapi/v1/print/analyze/{task_id}", headers=headers).json())[
            "status"
        ] not in ("SUCCEEDED", "FAILED"):
            time.sleep(0.1)
        ours = measure(f"{base}/openapi/v1/print/analyze/{task_id}", headers, args.clients, args.seconds)
    finally:
        os.killpg(up.pid, signal.SIGTERM)
        up.wait(timeout=30)
    peer_port = free_port()
    peer = subprocess.Popen([sys.executable, "-c", PEER_APP, str(peer_port)], stdin=subprocess.PIPE)
    peer.stdin.write(json.dumps(body).encode())
    peer.stdin.close()
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{peer_port}/openapi/v1/print/analyze/x", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        bare = measure(
            f"http://127.0.0.1:{peer_port}/openapi/v1/print/analyze/{task_id}", {}, args.clients, args.seconds
        )
    finally:
        peer.terminate()
        peer.wait(timeout=10)
    print(f"printforge up -> healthy /healthz: {healthy_s:.2f} s (target < 15 s)")
    print(
        f"gateway GET analyze/:id, {args.clients} clients, {args.seconds:g} s: {ours['rps']:.0f} req/s, "
        f"p50 {ours['p50_ms']:.1f} ms, p99 {ours['p99_ms']:.1f} ms (targets >= 500 req/s, p99 < 50 ms)"
    )
    print(
        f"bare uvicorn+starlette, same JSON: {bare['rps']:.0f} req/s, p50 {bare['p50_ms']:.1f} ms, "
        f"p99 {bare['p99_ms']:.1f} ms"
    )
    print(f"ratio gateway/bare throughput: {ours['rps'] / bare['rps']:.2f}")


if __name__ == "__main__":
    main()
