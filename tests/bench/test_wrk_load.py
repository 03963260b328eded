"""bench/wrk_load.py's fixed rate against a server whose answers are known: the offered rate is
kept, and a server that stalls shows as latency for every request scheduled during the stall,
not only for the one each connection had in flight (coordinated omission).

The server (uvicorn + Starlette, a subprocess on loopback) answers after `DELAY_S`, and holds
every request that arrives between STALL_FROM_S and STALL_UNTIL_S of its first request until
STALL_UNTIL_S. Only bounds that a busy machine cannot break are asserted: latencies are at least
what the server imposes, and the rate at least most of what was offered.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.wrk_load import Wrk
from tests.integration.mesh import free_port

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (scripts/setup.sh test installs it)"
)

DELAY_S = 0.02
RATE = 100
CONNECTIONS = 10
SECONDS = 4

SERVER = """
import asyncio, sys, time
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

delay, stall_from, stall_until = (float(a) for a in sys.argv[2:5])
first = None

async def answer(request):
    global first
    now = time.monotonic()
    if request.query_params.get("probe"):
        return Response("ok")
    first = first or now
    if stall_from <= now - first < stall_until:
        await asyncio.sleep(first + stall_until - now)
    await asyncio.sleep(delay)
    return Response("ok")

app = Starlette(routes=[Route("/", answer)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _server(stall_from: float, stall_until: float) -> Iterator[str]:
    port = free_port()
    args = [str(port), str(DELAY_S), str(stall_from), str(stall_until)]
    process = subprocess.Popen([sys.executable, "-c", SERVER, *args])
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url, params={"probe": 1}, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def steady() -> Iterator[str]:
    yield from _server(stall_from=SECONDS, stall_until=SECONDS)


@pytest.fixture
def stalling() -> Iterator[str]:
    yield from _server(stall_from=0.5, stall_until=3.0)


def test_the_offered_rate_is_kept_and_latency_is_the_servers(steady: str, tmp_path: Path) -> None:
    run = Wrk(tmp_path).fixed_rate(steady, "", CONNECTIONS, SECONDS, RATE)
    assert run.figures.rps >= 0.8 * RATE
    assert run.figures.rps <= 1.05 * RATE  # paced, not as fast as the server answers
    assert run.figures.p50_ms >= 1000 * DELAY_S
    assert run.cpu_s > 0


def test_a_stall_counts_for_every_request_scheduled_during_it(stalling: str, tmp_path: Path) -> None:
    """Most of the run is stalled: counted from their slots, most requests are late by far more
    than the server's delay. Counted from when they were sent, only each connection's one request
    in flight would be, and the median would stay near DELAY_S."""
    run = Wrk(tmp_path).fixed_rate(stalling, "", CONNECTIONS, SECONDS, RATE)
    assert run.figures.p50_ms >= 250
    assert run.figures.p99_ms >= 2000
    assert run.figures.rps >= 0.8 * RATE  # the late requests are sent once the stall ends
