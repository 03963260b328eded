"""Memory of a signed download: the gateway's resident memory while it sends a 100 MB blob, against
Starlette's own FileResponse serving the same file (the peer, measured in the same run).

Run: .venv/bin/python bench/bench_download.py [--mb 100] [--runs 3]

Each run starts the real gateway (`python -m printforge_services.gateway`, directory blob store in a temporary
data dir), downloads the blob through its `/v1/files/{token}` URL with httpx, and samples the
server's VmRSS from /proc every 10 ms; then the same for a bare uvicorn+Starlette app whose one
route is a FileResponse of the same file. Reported: the peak RSS above the idle RSS before the
download, and the throughput. A server that read the blob into memory would show ~ the blob's size.
Everything talks to loopback only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from printforge.runtime.signing import sign_blob  # noqa: E402
from tests.integration.mesh import free_port  # noqa: E402

BLOB_KEY = "bench/part.stl"
SIGNING_KEY = "bench-signing-key"

PEER_APP = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import FileResponse
from starlette.routing import Route

path, port = sys.argv[1], int(sys.argv[2])
app = Starlette(routes=[Route("/file", lambda request: FileResponse(path))])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""


@dataclass(frozen=True)
class Sample:
    peak_growth_mib: float
    seconds: float


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within 60 s")


def _download(url: str, pid: int, expected: int) -> Sample:
    """Stream `url` to nowhere while a thread records the server's peak RSS."""
    idle = _rss_kib(pid)
    peak = idle
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_kib(pid))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    received = 0
    with httpx.stream("GET", url, timeout=120.0) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(1 << 20):
            received += len(chunk)
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    if received != expected:
        raise RuntimeError(f"received {received} bytes, expected {expected}")
    return Sample((peak - idle) / 1024, seconds)


def _serve(cmd: list[str], env: dict[str, str], probe: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_ready(probe, proc)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=int, default=100, help="blob size in MB (default 100)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pf-bench-download-") as tmp:
        data_dir = Path(tmp)
        blob = data_dir / "blobs" / BLOB_KEY
        blob.parent.mkdir(parents=True)
        size = args.mb * 1_000_000
        with blob.open("wb") as fh:
            for _ in range(args.mb):
                fh.write(os.urandom(1_000_000))
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "PRINTFORGE_DATA_DIR": str(data_dir),
            "PRINTFORGE_SIGNING_KEY": SIGNING_KEY,
            "PRINTFORGE_LOG_LEVEL": "WARNING",
        }
        ours: list[Sample] = []
        peer: list[Sample] = []
        for _ in range(args.runs):
            port = free_port()
            gateway = _serve(
                [sys.executable, "-m", "printforge_services.gateway"],
                {**env, "PRINTFORGE_HTTP_PORT": str(port)},
                f"http://127.0.0.1:{port}/livez",
            )
            try:
                token = sign_blob(BLOB_KEY, SIGNING_KEY.encode())
                ours.append(_download(f"http://127.0.0.1:{port}/v1/files/{token}", gateway.pid, size))
            finally:
                _stop(gateway)
            port = free_port()
            starlette = _serve(
                [sys.executable, "-c", PEER_APP, str(blob), str(port)], env, f"http://127.0.0.1:{port}/file"
            )
            try:
                peer.append(_download(f"http://127.0.0.1:{port}/file", starlette.pid, size))
            finally:
                _stop(starlette)

    def line(name: str, samples: list[Sample]) -> tuple[float, float]:
        growth = statistics.median(s.peak_growth_mib for s in samples)
        seconds = statistics.median(s.seconds for s in samples)
        runs = " ".join(f"{s.peak_growth_mib:.1f}" for s in samples)
        print(f"{name:<24} peak RSS +{growth:6.1f} MiB (runs {runs})  {args.mb / seconds:7.1f} MB/s")
        return growth, seconds

    print(f"blob: {args.mb} MB, median of {args.runs} runs")
    our_growth, our_s = line("printforge /v1/files", ours)
    peer_growth, peer_s = line("starlette FileResponse", peer)
    print(
        f"memory: +{our_growth:.1f} MiB vs +{peer_growth:.1f} MiB for a {args.mb} MB blob "
        f"({our_growth / args.mb * 100:.1f}% of its size); time ratio {our_s / peer_s:.2f}x the peer"
    )


if __name__ == "__main__":
    main()
