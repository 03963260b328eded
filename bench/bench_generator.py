"""Generator latency: a warm phone_stand render at the GeneratorService gRPC API (all formats plus
the printability check, cache bypassed by varying the width) and a cached repeat call through the
gateway, each as a p50 and a ratio against calling printforge_services.generator.render.render in-process
(the peer: the same CAD and exports with no worker hop, no gRPC, no analysis, no storage).

Run: .venv/bin/python bench/bench_generator.py [--runs 15]
Targets: warm gRPC render p50 <= 300 ms; cached gateway call p50 <= 20 ms. The mesh runs as
real processes on loopback and shares the machine's cores with this script.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import grpc
import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from printforge.generator.v1 import generator_pb2 as pb  # noqa: E402
from printforge.generator.v1 import generator_pb2_grpc as pb_grpc  # noqa: E402
from printforge.runtime.config import Settings  # noqa: E402
from printforge.runtime.service_token import METADATA_KEY, mint  # noqa: E402
from tests.integration.mesh import start_mesh  # noqa: E402

WARMUP = 3


def p50_ms(*fns: Callable[[int], object], runs: int) -> list[float]:
    """Median wall time of each fn(i) over `runs` calls, after WARMUP calls with other arguments.

    The functions are called interleaved, so load from other processes on the machine hits
    all of them alike and the ratio stays meaningful.
    """
    for i in range(WARMUP):
        for fn in fns:
            fn(-1 - i)
    times: list[list[float]] = [[] for _ in fns]
    for i in range(runs):
        for fn, out in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - start)
    return [1000 * statistics.median(t) for t in times]


def width(i: int) -> float:
    return 60.0 + 0.25 * i


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from printforge_services.generator.render import render

    def peer_render(i: int) -> None:
        render("starter", "phone_stand", {"width": width(i) + 0.125})

    mesh = start_mesh(
        Path(tempfile.mkdtemp(prefix="pf-bench-gen-")),
        {"PRINTFORGE_RATE_LIMIT_PER_MINUTE": str(10**9), "PRINTFORGE_LOG_LEVEL": "WARNING"},
    )
    try:
        headers = {"Authorization": f"Bearer {mesh.create_key('bench')}"}
        token_key = Settings.from_env(mesh.env).service_token_keys["generator"]
        method = "/printforge.generator.v1.GeneratorService/CreateGeneration"
        with grpc.insecure_channel(mesh.addr("generator")) as channel:
            stub = pb_grpc.GeneratorServiceStub(channel)

            def grpc_render(i: int) -> None:
                reply = stub.CreateGeneration(
                    pb.CreateGenerationRequest(
                        owner="bench-grpc", starter_id="phone_stand", params_json=f'{{"width": {width(i)}}}'
                    ),
                    timeout=120,
                    metadata=((METADATA_KEY, mint(token_key, "gateway", method)),),
                )
                assert not reply.cached and set(reply.generation.files) >= {"step", "stl", "glb", "3mf"}
                assert '"healthy"' in reply.generation.analysis_json

            rendered, peer = p50_ms(grpc_render, peer_render, runs=args.runs)

        with httpx.Client(base_url=mesh.url, headers=headers, timeout=120) as client:
            first = client.post("/api/v1/starters/phone_stand").json()["generationId"]

            def cached_call(_: int) -> None:
                reply = client.post("/api/v1/starters/phone_stand")
                assert reply.status_code == 200 and reply.json()["generationId"] == first

            (cached,) = p50_ms(cached_call, runs=max(args.runs, 50))
    finally:
        mesh.stop()

    print(f"peer: render() in-process, phone_stand, 5 formats, p50 over {args.runs}: {peer:.0f} ms")
    print(
        f"GeneratorService.CreateGeneration (warm worker, 4 formats + png + printability check, "
        f"cache bypassed), p50 over {args.runs}: {rendered:.0f} ms (target <= 300 ms); "
        f"ratio vs peer {rendered / peer:.2f}"
    )
    print(
        f"gateway POST /api/v1/starters/phone_stand cached repeat, p50 over {max(args.runs, 50)}: "
        f"{cached:.1f} ms (target <= 20 ms); ratio vs peer {cached / peer:.3f}"
    )


if __name__ == "__main__":
    main()
