"""Generate, then check, on the real processes: `input_task_id` names a Meshra generation (or one
of its versions), a chat result or a Makistry job; analyze reads the part's STL in mm, repair its
GLB and returns a GLB; another user's generation id answers exactly like an unknown id; every
generation response carries its own printability summary.
"""

from __future__ import annotations

import io
import time
from typing import Any

import httpx
import pytest
import trimesh

from tests.integration.mesh import Mesh
from tests.integration.sse_client import sse_events

ANALYZE = "/openapi/v1/print/analyze"
REPAIR = "/openapi/v1/print/repair"
UNKNOWN_ID = "0193bfc5-ee4f-73f8-8525-44b398884ce9"
JOB_PROMPT = "A 40x20x10mm rectangular box with a 5mm through-hole centered on the top face"
HEALTHY_SUMMARY_KEYS = {"status", "issues", "repaired", "evaluated_at"}


@pytest.fixture(scope="module")
def client(mesh: Mesh) -> httpx.Client:
    return httpx.Client(base_url=mesh.url, timeout=180)


@pytest.fixture(scope="module")
def starter(client: httpx.Client, alice: dict[str, str]) -> dict[str, Any]:
    reply = client.post("/api/v1/starters/phone_stand", headers=alice)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _create(client: httpx.Client, path: str, headers: dict[str, str], **body: str) -> str:
    reply = client.post(path, json=body, headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()["result"]


def _final(client: httpx.Client, path: str, headers: dict[str, str], task_id: str) -> dict[str, Any]:
    final = sse_events(client, f"{path}/{task_id}/stream", headers)[-1][1]
    assert final["status"] == "SUCCEEDED", final
    return final


def _completed(client: httpx.Client, headers: dict[str, str], generation_id: str) -> dict[str, Any]:
    """The generation once it left `processing` (long-polls of up to 30 s)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        reply = client.get(f"/api/v1/generations/{generation_id}", params={"wait": 30}, headers=headers)
        assert reply.status_code == 200, reply.text
        if reply.json()["status"] != "processing":
            assert reply.json()["status"] == "completed", reply.json()
            return reply.json()
    raise TimeoutError(f"generation {generation_id} still processing")


def _assert_healthy_summary(summary: dict[str, Any] | None) -> None:
    assert summary is not None and set(summary) == HEALTHY_SUMMARY_KEYS
    assert summary["status"] == "healthy" and summary["issues"] == [] and summary["evaluated_at"] > 0


def _assert_repaired_glb(
    client: httpx.Client, headers: dict[str, str], input_task_id: str, size_mm: list
) -> None:
    task = _final(client, REPAIR, headers, _create(client, REPAIR, headers, input_task_id=input_task_id))
    assert [k for k, v in task["model_urls"].items() if v] == ["glb"], task["model_urls"]
    reply = httpx.get(task["model_urls"]["glb"], timeout=30)
    assert reply.status_code == 200 and reply.content[:4] == b"glTF"
    mesh = trimesh.load(io.BytesIO(reply.content), file_type="glb", force="mesh")
    assert mesh.is_watertight and mesh.volume > 0
    # glTF is metres: the repaired part keeps the generated part's size.
    assert sorted(mesh.extents * 1000) == pytest.approx(sorted(size_mm), rel=1e-3)


def test_a_starter_is_analyzed_by_id_in_mm(
    client: httpx.Client, alice: dict[str, str], starter: dict
) -> None:
    _assert_healthy_summary(starter["printability"])
    own_check = starter["analysis"]["printability"]

    # Its own check answers at once: the task is SUCCEEDED on the first GET.
    cached_id = _create(client, ANALYZE, alice, input_task_id=starter["generationId"])
    cached = client.get(f"{ANALYZE}/{cached_id}", headers=alice).json()
    assert cached["status"] == "SUCCEEDED" and cached["printability"] == own_check
    # Deleting the task deletes nothing of the generation it read.
    assert client.delete(f"{ANALYZE}/{cached_id}", headers=alice).status_code == 200
    assert client.get(starter["stlUrl"]).status_code == 200

    # With a printer, the STL is measured again, in millimetres whatever unit the request says.
    task_id = _create(client, ANALYZE, alice, input_task_id=starter["generationId"], printer="x1c", unit="in")
    block = _final(client, ANALYZE, alice, task_id)["printability"]
    assert block["status"] == "healthy" and block["extra"]["fits_printer"]["fits"] is True
    size = block["extra"]["bounding_box_mm"]["size"]
    assert size == pytest.approx(own_check["extra"]["bounding_box_mm"]["size"], rel=1e-6)
    assert block["metrics"]["volume"] == pytest.approx(own_check["metrics"]["volume"], rel=1e-6)
    assert 60 < max(size) < 200, "a phone stand measured in mm, not inches"


def test_a_starter_is_repaired_by_id_to_a_glb(
    client: httpx.Client, alice: dict[str, str], starter: dict
) -> None:
    size = starter["analysis"]["printability"]["extra"]["bounding_box_mm"]["size"]
    _assert_repaired_glb(client, alice, starter["generationId"], size)


def test_a_version_is_named_id_at_v_n(client: httpx.Client, alice: dict[str, str]) -> None:
    first = client.post("/api/v1/starters/phone_stand", json={"params": {"width": 60}}, headers=alice).json()
    gen_id = first["generationId"]
    edited = client.post(
        f"/api/v1/generations/{gen_id}/params", json={"params": {"width": 90}}, headers=alice
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    _assert_healthy_summary(edited.json()["printability"])
    sizes = {}
    for name in (f"{gen_id}@v1", gen_id):
        task_id = _create(client, ANALYZE, alice, input_task_id=name, printer="x1c")
        sizes[name] = _final(client, ANALYZE, alice, task_id)["printability"]["extra"]["bounding_box_mm"][
            "size"
        ]
    grown = sorted(new - old for new, old in zip(sizes[gen_id], sizes[f"{gen_id}@v1"], strict=True))
    assert grown == pytest.approx([0, 0, 30], abs=0.01), "v1 is 60 mm wide, the latest 90 mm"
    missing = client.post(ANALYZE, json={"input_task_id": f"{gen_id}@v9"}, headers=alice)
    assert missing.status_code == 404 and "has no version 9" in missing.json()["message"]


def test_a_chat_result_and_a_makistry_job_are_inputs(client: httpx.Client, alice: dict[str, str]) -> None:
    chat = client.post("/api/v1/chat", json={"prompt": "a 10 mm cube"}, headers=alice)
    assert chat.status_code == 202, chat.text
    chat_result = _completed(client, alice, chat.json()["generationId"])
    _assert_healthy_summary(chat_result["printability"])
    analyzed = _final(
        client, ANALYZE, alice, _create(client, ANALYZE, alice, input_task_id=chat_result["generationId"])
    )
    assert analyzed["printability"]["status"] == "healthy"

    job = client.post("/v1/text-to-cad", json={"prompt": JOB_PROMPT, "output_format": "STL"}, headers=alice)
    assert job.status_code == 202, job.text
    job_id = job.json()["job_id"]
    assert job.json()["printability"] is None, "no summary before the part exists"
    _completed(client, alice, job_id)
    done = client.get(f"/v1/jobs/{job_id}", headers=alice).json()
    assert done["status"] == "success"
    _assert_healthy_summary(done["printability"])
    _assert_repaired_glb(client, alice, job_id, [40, 20, 10])


def test_another_users_generation_answers_like_an_unknown_id(
    client: httpx.Client, alice: dict[str, str], bob: dict[str, str], starter: dict
) -> None:
    gen_id = starter["generationId"]
    for path in (ANALYZE, REPAIR):
        unknown = client.post(path, json={"input_task_id": UNKNOWN_ID}, headers=bob)
        assert unknown.status_code == 404 and unknown.json()["message"] == "Task not found"
        for theirs in (gen_id, f"{gen_id}@v1", f"{gen_id}@v9"):
            reply = client.post(path, json={"input_task_id": theirs}, headers=bob)
            assert (reply.status_code, reply.json()) == (unknown.status_code, unknown.json()), theirs
    listed = client.get(ANALYZE, params={"page_size": 50}, headers=bob).json()
    assert listed == [], "a refused input creates no task"
