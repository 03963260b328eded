"""Push instead of polling, on real processes: the Meshra generation stream (SSE), its long-poll
(`?wait=`), and the Makistry job stream, read with an httpx streaming client.

A chat prompt streams to completed and its last event is GET's body; a follow-up version
streams too; an unplannable prompt streams to failed with the planner's message; another
user's generation is 403, an unknown one 404 and no key 401, all as HTTP errors with the
error envelope rather than as events.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.mesh import Mesh
from tests.integration.sse_client import sse_events

STREAM_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def client(mesh: Mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.url, timeout=STREAM_TIMEOUT_S) as http:
        yield http


def unsigned(body: dict[str, Any]) -> dict[str, Any]:
    """The body with file URLs' `sig` removed: signatures are re-issued every 10 minutes, so two reads
    that straddle that boundary differ only there."""
    return {k: re.sub(r"[?&]sig=[^&]*", "", v) if isinstance(v, str) else v for k, v in body.items()}


def stream_to_end(client: httpx.Client, gen_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The generation's events; all are messages, every one before the last still processing."""
    events = sse_events(client, f"/api/v1/generations/{gen_id}/stream", headers)
    assert events and all(name == "message" for name, _ in events), events
    bodies = [data for _, data in events]
    assert all(b["status"] == "processing" for b in bodies[:-1]), bodies
    assert all(a != b for a, b in itertools.pairwise(bodies)), "an event repeats the last one"
    assert all(b["generationId"] == gen_id for b in bodies)
    return bodies


def chat(client: httpx.Client, headers: dict[str, str], prompt: str, gen_id: str | None = None) -> str:
    body = {"prompt": prompt, **({"generationId": gen_id} if gen_id else {})}
    reply = client.post("/api/v1/chat", json=body, headers=headers)
    assert reply.status_code == 202, reply.text
    return reply.json()["generationId"]


def assert_envelope(reply: httpx.Response, status: int) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert set(body) == {"error", "message"} and body["message"] == body["error"]["message"] != ""
    assert body["error"]["code"]


def test_chat_and_follow_up_stream_to_completed(
    client: httpx.Client, alice: dict[str, str], bob: dict[str, str]
) -> None:
    gen_id = chat(client, alice, "a hex bolt M8x40")
    *_, final = stream_to_end(client, gen_id, alice)
    assert final["status"] == "completed", final["error"]
    assert final["version"] == 1 and final["interpretation"]["family"] == "hex_bolt"
    assert unsigned(final) == unsigned(client.get(f"/api/v1/generations/{gen_id}", headers=alice).json())
    # A finished generation: exactly one event, the same object, and the stream ends.
    assert [unsigned(b) for b in stream_to_end(client, gen_id, alice)] == [unsigned(final)]

    assert chat(client, alice, "make it M10", gen_id) == gen_id
    *_, refined = stream_to_end(client, gen_id, alice)
    assert refined["status"] == "completed" and refined["version"] == 2, refined["error"]
    assert unsigned(refined)["stlUrl"] == unsigned(final)["stlUrl"], (
        "the latest version's URLs name no version"
    )
    assert unsigned(refined) == unsigned(client.get(f"/api/v1/generations/{gen_id}", headers=alice).json())
    # A past version streams as GET ?version= shows it: one event, URLs naming the version.
    past = sse_events(client, f"/api/v1/generations/{gen_id}/stream?version=1", alice)
    v1 = client.get(f"/api/v1/generations/{gen_id}", params={"version": 1}, headers=alice).json()
    assert [(name, unsigned(body)) for name, body in past] == [("message", unsigned(v1))]
    assert "part.stl?version=1&sig=" in past[0][1]["stlUrl"]

    denied = client.get(f"/api/v1/generations/{gen_id}/stream", headers=bob)
    assert_envelope(denied, 403)


def test_unplannable_prompt_streams_to_failed(client: httpx.Client, alice: dict[str, str]) -> None:
    gen_id = chat(client, alice, "sing me a lullaby")
    *_, final = stream_to_end(client, gen_id, alice)
    assert final["status"] == "failed"
    assert "I don't know how to make" in final["error"] and "lullaby" in final["error"]
    assert final["interpretation"] == {"status": "not_understood", "message": final["error"]}
    assert final["stlUrl"] is None
    assert unsigned(final) == unsigned(client.get(f"/api/v1/generations/{gen_id}", headers=alice).json())


def test_stream_errors_are_http_errors_with_the_envelope(client: httpx.Client, alice: dict[str, str]) -> None:
    assert_envelope(client.get("/api/v1/generations/nope/stream", headers=alice), 404)
    assert_envelope(client.get("/api/v1/generations/nope/stream"), 401)
    assert_envelope(client.get("/api/v1/generations/nope/stream", headers={"Authorization": "Bearer x"}), 401)
    assert_envelope(client.get("/v1/jobs/nope/stream", headers=alice), 404)
    assert_envelope(client.get("/v1/jobs/nope/stream"), 401)


def test_long_poll_answers_once_finished(client: httpx.Client, alice: dict[str, str]) -> None:
    gen_id = chat(client, alice, "a cylinder 30 mm diameter and 50 mm tall")
    waited = client.get(f"/api/v1/generations/{gen_id}", params={"wait": 30}, headers=alice)
    assert waited.status_code == 200, waited.text
    assert waited.json()["status"] == "completed", waited.json()["error"]
    assert waited.json() == client.get(f"/api/v1/generations/{gen_id}", headers=alice).json()
    # A finished generation answers at once, whatever the wait.
    assert (
        client.get(f"/api/v1/generations/{gen_id}", params={"wait": 5}, headers=alice).json() == waited.json()
    )
    assert_envelope(client.get(f"/api/v1/generations/{gen_id}", params={"wait": 31}, headers=alice), 400)
    assert_envelope(client.get("/api/v1/generations/nope", params={"wait": 1}, headers=alice), 404)


def test_makistry_job_streams_to_success(client: httpx.Client, alice: dict[str, str]) -> None:
    reply = client.post(
        "/v1/text-to-cad", json={"prompt": "a 40x20x10 mm box", "output_format": "STL"}, headers=alice
    )
    assert reply.status_code == 202, reply.text
    job_id = reply.json()["job_id"]
    events = sse_events(client, f"/v1/jobs/{job_id}/stream", alice)
    assert events and all(name == "message" for name, _ in events), events
    *progress, (_, final) = events
    assert all(data["status"] == "processing" and data["job_id"] == job_id for _, data in progress)
    assert final["status"] == "success" and final["output_format"] == "STL", final
    assert final["type"] == "text-to-cad" and final["error_code"] is None
    stl = httpx.get(final["download_url"], timeout=30).content
    assert int.from_bytes(stl[80:84], "little") > 0
    polled = client.get(f"/v1/jobs/{job_id}", headers=alice).json()
    assert {k: v for k, v in polled.items() if "url" not in k} == {
        k: v for k, v in final.items() if "url" not in k
    }

    # A Meshra chat generation is no Makistry job, streamed or polled.
    chat_id = chat(client, alice, "M6 hex nut")
    not_a_job = client.get(f"/v1/jobs/{chat_id}/stream", headers=alice)
    assert_envelope(not_a_job, 404)
    assert not_a_job.json()["error"]["code"] == "job_not_found"
