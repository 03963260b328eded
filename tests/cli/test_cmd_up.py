"""`printforge up` starts every service, reports the URL once healthy and stops them all on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import REPO_ROOT
from tests.integration.mesh import free_port, free_port_range


def _children(pid: int) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
            if ppid == pid:
                kids.add(int(entry.name))
    return kids


def test_up_starts_the_mesh_and_stops_it(tmp_path: Path) -> None:
    http_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PRINTFORGE_")},
        "PRINTFORGE_DATA_DIR": str(tmp_path / "data"),
        "PRINTFORGE_HTTP_PORT": str(http_port),
        "PRINTFORGE_GRPC_PORT_BASE": str(free_port_range(14)),  # gRPC base + 0..3, metrics + 10..13
    }
    log = (tmp_path / "up.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "printforge_cli.main", "up"],
        env=env,
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        url = f"http://127.0.0.1:{http_port}"
        while f"printforge is up at {url}" not in (tmp_path / "up.log").read_text():
            assert proc.poll() is None, (tmp_path / "up.log").read_text()
            assert time.monotonic() < deadline, "no 'printforge is up' line after 90 s"
            time.sleep(0.3)
        health = httpx.get(f"{url}/healthz", timeout=5).json()
        assert health == {
            "status": "ok",
            "services": dict.fromkeys(["auth", "generator", "printability"], "SERVING"),
        }
        children = _children(proc.pid)
        assert len(children) == 4
        assert (tmp_path / "data" / "auth.db").exists()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
