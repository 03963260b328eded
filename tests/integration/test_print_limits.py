"""Limits of the Meshy analyze/repair APIs on the real mesh: model size, pending-task quota, cache.

The mesh runs with a 50 084-byte model cap (a 1000-triangle binary STL exactly) and a quota
of two unfinished tasks per owner, so every limit is reached with small requests:
- a model of exactly the cap is accepted, one byte more is the seeds' 400 "Model file too
  large" (from the service's decoder), and a body past the gateway's cap gets the same 400
  from the gateway before it is read (other routes: 413 past 1 MiB);
- with the worker frozen (SIGSTOP), a third unfinished task is the seeds' 429;
- an analyze of an analyzed task is ready at once only when unit and printer match.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.integration.mesh import Mesh, children_of, start_mesh
from tests.integration.sse_client import sse_events

ANALYZE = "/openapi/v1/print/analyze"
REPAIR = "/openapi/v1/print/repair"
TRIANGLES = 1000
MAX_MODEL_BYTES = 84 + 50 * TRIANGLES
TOO_LARGE = f"Model file too large: model_url body exceeded {MAX_MODEL_BYTES} bytes"
QUOTA = 2
QUOTA_MESSAGE = "You have exceeded your pending-task quota or rate limit"


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mesh]:
    mesh = start_mesh(
        tmp_path_factory.mktemp("limits"),
        {
            "PRINTFORGE_TASK_LEASE_S": "3",
            "PRINTFORGE_MAX_MODEL_BYTES": str(MAX_MODEL_BYTES),
            "PRINTFORGE_MAX_PENDING_TASKS": str(QUOTA),
        },
    )
    yield mesh
    mesh.stop()


@pytest.fixture(scope="module")
def client(mesh: Mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.url, timeout=60) as client:
        yield client


def _key(mesh: Mesh, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mesh.create_key(user)}"}


def prism(n_triangles: int, radius: float = 10.0, height: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """A closed, outward-facing n-gon prism of exactly `n_triangles` (= 4n - 4) triangles."""
    n = (n_triangles + 4) // 4
    assert 4 * n - 4 == n_triangles
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    ring = np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)
    vertices = np.concatenate([np.c_[ring, np.zeros(n)], np.c_[ring, np.full(n, height)]]) + radius
    faces = []
    for i in range(n):
        j = (i + 1) % n
        faces += [(i, j, n + j), (i, n + j, n + i)]
    for i in range(1, n - 1):
        faces += [(0, i + 1, i), (n, n + i, n + i + 1)]
    return vertices, np.array(faces)


def _follow(client: httpx.Client, path: str, task_id: str, headers: dict[str, str]) -> dict:
    return sse_events(client, f"{path}/{task_id}/stream", headers)[-1][1]


def _error(reply: httpx.Response, status: int) -> dict:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["message"] == body["error"]["message"] != ""
    return body


# --- model size -----------------------------------------------------------------------------
def test_model_of_exactly_the_cap_is_accepted(mesh: Mesh, client: httpx.Client) -> None:
    headers = _key(mesh, "sizer")
    stl = binary_stl(*prism(TRIANGLES))
    assert len(stl) == MAX_MODEL_BYTES
    for path in (ANALYZE, REPAIR):
        reply = client.post(path, json={"model_url": data_url(stl)}, headers=headers)
        assert reply.status_code == 200, reply.text
        final = _follow(client, path, reply.json()["result"], headers)
        assert final["status"] == "SUCCEEDED", final
    assert final["model_urls"]["stl"]


def test_one_byte_over_the_cap_is_the_seeds_400(mesh: Mesh, client: httpx.Client) -> None:
    headers = _key(mesh, "sizer-2")
    url = data_url(binary_stl(*prism(TRIANGLES)) + b"\0")
    for path in (ANALYZE, REPAIR):
        body = _error(client.post(path, json={"model_url": url}, headers=headers), 400)
        assert body["message"] == TOO_LARGE and body["error"]["code"] == "model_file_too_large"


def test_body_past_the_gateway_cap_is_refused_before_the_services(mesh: Mesh, client: httpx.Client) -> None:
    """Past the gateway's cap the answer is the same; tests/gateway shows that no service is asked."""
    headers = _key(mesh, "sizer-3")
    url = data_url(b"\0" * (MAX_MODEL_BYTES + 64 * 1024))
    for path in (ANALYZE, REPAIR):
        body = _error(client.post(path, json={"model_url": url}, headers=headers), 400)
        assert body["message"] == TOO_LARGE and body["error"]["code"] == "model_file_too_large"

    def endless() -> Iterator[bytes]:  # 64 MiB, chunked: no Content-Length to trust
        for _ in range(1024):
            yield b"A" * 65536

    streamed = client.post(
        ANALYZE, content=endless(), headers={**headers, "Content-Type": "application/json"}
    )
    assert _error(streamed, 400)["message"] == TOO_LARGE
    keys = client.post("/api/v1/keys", content=b" " * (2**20 + 1), headers=headers)
    assert _error(keys, 413)["error"]["code"] == "payload_too_large"


# --- pending-task quota ----------------------------------------------------------------------
@contextlib.contextmanager
def _frozen_workers(mesh: Mesh) -> Iterator[None]:
    """Stop the printability worker processes, so its tasks stay unfinished until the block ends."""
    pids = children_of(mesh.processes["printability"].pid)
    assert pids, "the printability service should have spawned worker processes"
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def test_pending_task_quota_is_the_seeds_429(mesh: Mesh, client: httpx.Client) -> None:
    headers = _key(mesh, "queuer")
    url = data_url(binary_stl(*cube(10)))
    warm = client.post(ANALYZE, json={"model_url": url}, headers=headers).json()["result"]
    assert _follow(client, ANALYZE, warm, headers)["status"] == "SUCCEEDED"

    with _frozen_workers(mesh):
        held = [client.post(ANALYZE, json={"model_url": url}, headers=headers) for _ in range(QUOTA)]
        assert [r.status_code for r in held] == [200] * QUOTA, [r.text for r in held]
        for path, body in (
            (ANALYZE, {"model_url": url}),
            (REPAIR, {"model_url": url}),  # the quota counts both kinds
            (ANALYZE, {"input_task_id": warm, "unit": "cm"}),  # no cached result for cm
        ):
            reply = client.post(path, json=body, headers=headers)
            error = _error(reply, 429)
            assert error["message"].startswith(QUOTA_MESSAGE)
            assert error["error"]["code"] == "pending_task_quota"
            assert int(reply.headers["Retry-After"]) > 0
        # A cached analysis queues nothing, and the quota is each owner's own.
        cached = client.post(ANALYZE, json={"input_task_id": warm}, headers=headers)
        assert cached.status_code == 200, cached.text
        other = client.post(ANALYZE, json={"model_url": url}, headers=_key(mesh, "queuer-2"))
        assert other.status_code == 200, other.text

    for reply in held:
        assert _follow(client, ANALYZE, reply.json()["result"], headers)["status"] == "SUCCEEDED"
    again = client.post(ANALYZE, json={"model_url": url}, headers=headers)
    assert again.status_code == 200, again.text


# --- the analyze cache -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def analyzed(mesh: Mesh, client: httpx.Client) -> tuple[dict[str, str], dict]:
    """A 20 mm cube analyzed in mm for a Bambu X1C, and its owner's headers."""
    headers = _key(mesh, "cacher")
    body = {"model_url": data_url(binary_stl(*cube(20))), "printer": "x1c"}
    task_id = client.post(ANALYZE, json=body, headers=headers).json()["result"]
    final = _follow(client, ANALYZE, task_id, headers)
    assert final["status"] == "SUCCEEDED", final
    return headers, final


def _create(client: httpx.Client, headers: dict[str, str], **body: str) -> str:
    reply = client.post(ANALYZE, json=body, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()["result"]


def test_same_unit_and_printer_is_ready_at_once(client: httpx.Client, analyzed: tuple) -> None:
    headers, source = analyzed
    for printer in ("x1c", "Bambu Lab X1 Carbon"):  # one printer, two names
        task_id = _create(client, headers, input_task_id=source["id"], unit="mm", printer=printer)
        first = client.get(f"{ANALYZE}/{task_id}", headers=headers).json()
        assert first["status"] == "SUCCEEDED" and first["progress"] == 100
        assert first["printability"] == source["printability"]


def test_another_unit_or_printer_is_analyzed_afresh(client: httpx.Client, analyzed: tuple) -> None:
    headers, source = analyzed
    old = source["printability"]
    in_cm = _follow(
        client,
        ANALYZE,
        _create(client, headers, input_task_id=source["id"], unit="cm", printer="x1c"),
        headers,
    )
    assert in_cm["status"] == "SUCCEEDED"
    assert in_cm["printability"]["evaluated_at"] > old["evaluated_at"]
    assert in_cm["printability"]["metrics"]["volume"] == pytest.approx(old["metrics"]["volume"] * 1000)

    mini = _follow(
        client, ANALYZE, _create(client, headers, input_task_id=source["id"], printer="Prusa MINI+"), headers
    )
    assert mini["printability"]["evaluated_at"] > old["evaluated_at"]
    assert mini["printability"]["extra"]["fits_printer"]["printer"] == "Prusa MINI+"
    assert old["extra"]["fits_printer"]["printer"] == "Bambu Lab X1 Carbon"


def test_input_task_id_wins_over_model_url(client: httpx.Client, analyzed: tuple) -> None:
    headers, source = analyzed
    for model_url in (data_url(binary_stl(*cube(5))), "ftp://example.invalid/not-even-valid.stl"):
        task_id = _create(client, headers, input_task_id=source["id"], model_url=model_url, printer="x1c")
        task = client.get(f"{ANALYZE}/{task_id}", headers=headers).json()
        assert task["status"] == "SUCCEEDED" and task["printability"] == source["printability"]
