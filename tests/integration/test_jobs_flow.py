"""Makistry jobs and webhooks through the real gateway, auth and generator processes.

Webhook delivery: the mesh's generator runs its dispatcher with the production address policy,
which (rightly) refuses to dial 127.0.0.1, and a process cannot be handed a test policy. So the
test registers the webhook through the API with a public-looking URL, then, as an operator with
access to the generator's database, points it at a receiver on 127.0.0.1 and runs a second
WebhookDispatcher in this process with LoopbackTestPolicy(receiver port) on that same database:
the event the generator enqueued when the job ended is claimed by whichever dispatcher is first;
the mesh's records a refused attempt and backs off, ours delivers it. Nothing leaves loopback.
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from standardwebhooks import Webhook

from printforge.runtime.db import engine_for
from printforge.runtime.url_policy import LoopbackTestPolicy
from printforge_services.generator.webhooks.dispatcher import WebhookDispatcher
from printforge_services.generator.webhooks.store import webhooks_table
from tests.generator.webhooks.receiver import running_receiver
from tests.integration.mesh import Mesh

PROMPT = "A 40x20x10mm rectangular box with a 5mm through-hole centered on the top face"
JOB_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def key(mesh: Mesh) -> str:
    return mesh.create_key("maker")


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def poll(mesh: Mesh, key: str, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        reply = httpx.get(f"{mesh.url}/v1/jobs/{job_id}", headers=auth(key), timeout=10)
        assert reply.status_code == 200, reply.text
        job = reply.json()
        if job["status"] in ("success", "failed"):
            return job
        assert job["status"] == "processing"
        time.sleep(0.5)
    raise TimeoutError(f"job {job_id} did not finish in {JOB_TIMEOUT_S} s")


def drawing_png() -> bytes:
    image = Image.new("L", (240, 160), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 140, 140), fill=0)
    draw.rectangle((150, 50, 220, 110), fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_text_to_cad_job_polls_to_a_step_download(mesh: Mesh, key: str) -> None:
    reply = httpx.post(
        f"{mesh.url}/v1/text-to-cad",
        headers=auth(key),
        json={"prompt": PROMPT, "output_format": "STEP"},
        timeout=30,
    )
    assert reply.status_code == 202, reply.text
    created = reply.json()
    assert created["type"] == "text-to-cad" and created["output_format"] == "STEP"
    job = poll(mesh, key, created["job_id"])
    assert job["status"] == "success", job
    assert job["error_code"] is None
    download = httpx.get(job["download_url"], timeout=30)
    assert download.status_code == 200
    assert download.content.startswith(b"ISO-10303-21;")
    assert set(job["download_urls"]) >= {"STEP", "STL", "GLB"}


def test_a_prompt_that_names_no_part_fails_as_not_understood(mesh: Mesh, key: str) -> None:
    body = {"prompt": "a dragon"}
    reply = httpx.post(f"{mesh.url}/v1/text-to-cad", headers=auth(key), json=body, timeout=30)
    assert reply.status_code == 202, reply.text
    job = poll(mesh, key, reply.json()["job_id"])
    assert (job["status"], job["error_code"]) == ("failed", "prompt_not_understood"), job
    assert job["error_message"].startswith("I don't know how to make 'dragon'")
    assert "closest things I can make" in job["error_message"] and job["download_url"] is None


def test_image_to_cad_multipart_and_data_url(mesh: Mesh, key: str) -> None:
    png = drawing_png()
    multipart = httpx.post(
        f"{mesh.url}/v1/image-to-cad",
        headers=auth(key),
        files={"image": ("drawing.png", png, "image/png")},
        data={"kind": "keychain", "width_mm": "40", "output_format": "STL"},
        timeout=30,
    )
    assert multipart.status_code == 202, multipart.text
    job = poll(mesh, key, multipart.json()["job_id"])
    assert job["status"] == "success", job
    assert job["type"] == "image-to-cad" and job["output_format"] == "STL"
    stl = httpx.get(job["download_url"], timeout=30).content
    triangles = int.from_bytes(stl[80:84], "little")
    assert triangles > 0 and len(stl) == 84 + 50 * triangles

    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    as_json = httpx.post(
        f"{mesh.url}/v1/image-to-cad",
        headers=auth(key),
        json={"image_url": data_url, "kind": "stencil", "width_mm": 60},
        timeout=30,
    )
    assert as_json.status_code == 202, as_json.text
    assert as_json.json()["output_format"] == "STEP"
    # Finish it here: no job may end later, while another test has a webhook on a public name.
    assert poll(mesh, key, as_json.json()["job_id"])["status"] == "success"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"json": {"image_url": "https://example.com/a.png"}}, "invalid_image_url"),
        ({"json": {"image_url": "data:image/png;base64,AAAA"}}, "invalid_image"),
        ({"files": {"image": ("x.png", b"GIF89a....", "image/gif")}}, "invalid_image"),
        ({"files": {"other": ("x.png", b"\x89PNG\r\n\x1a\n", "image/png")}}, "missing_parameter"),
        ({"content": b"raw", "headers": {"Content-Type": "image/png"}}, "invalid_request"),
    ],
)
def test_image_to_cad_refuses_bad_uploads(mesh: Mesh, key: str, kwargs: dict[str, Any], code: str) -> None:
    headers = {**auth(key), **kwargs.pop("headers", {})}
    reply = httpx.post(f"{mesh.url}/v1/image-to-cad", headers=headers, timeout=30, **kwargs)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]["code"] == code


def test_bad_output_format_and_unknown_job(mesh: Mesh, key: str) -> None:
    reply = httpx.post(
        f"{mesh.url}/v1/text-to-cad", headers=auth(key), json={"prompt": "a cube", "output_format": "OBJ"}
    )
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "invalid_output_format"
    assert httpx.get(f"{mesh.url}/v1/jobs/nope", headers=auth(key)).status_code == 404


def test_job_listing_pages_newest_first(mesh: Mesh, key: str) -> None:
    first = httpx.get(f"{mesh.url}/v1/jobs", params={"limit": 2}, headers=auth(key), timeout=10).json()
    assert len(first["jobs"]) == 2 and first["next_cursor"]
    page_two = {"limit": 2, "cursor": first["next_cursor"]}
    rest = httpx.get(f"{mesh.url}/v1/jobs", params=page_two, headers=auth(key), timeout=10).json()
    ids = [j["job_id"] for j in first["jobs"] + rest["jobs"]]
    assert len(ids) == len(set(ids)) >= 3
    assert {j["type"] for j in first["jobs"] + rest["jobs"]} == {"text-to-cad", "image-to-cad"}
    other = mesh.create_key("someone-else")
    assert httpx.get(f"{mesh.url}/v1/jobs", headers=auth(other), timeout=10).json()["jobs"] == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data/", "ftp://example.com/x"]
)
def test_webhooks_to_internal_or_non_http_urls_are_400(mesh: Mesh, key: str, url: str) -> None:
    reply = httpx.post(
        f"{mesh.url}/api/v1/webhooks", headers=auth(key), json={"url": url, "events": ["*"]}, timeout=10
    )
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]["code"] == "invalid_webhook_url"


def test_webhook_crud(mesh: Mesh, key: str) -> None:
    body = {"url": "https://hooks.example.com/printforge", "events": ["job.completed"]}
    created = httpx.post(f"{mesh.url}/api/v1/webhooks", headers=auth(key), json=body, timeout=10)
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == ["job.completed"]
    listed = httpx.get(f"{mesh.url}/api/v1/webhooks", headers=auth(key), timeout=10).json()
    assert hook["id"] in [w["id"] for w in listed] and all("secret" not in w for w in listed)
    assert httpx.delete(f"{mesh.url}/api/v1/webhooks/{hook['id']}", headers=auth(key)).status_code == 200
    assert httpx.delete(f"{mesh.url}/api/v1/webhooks/{hook['id']}", headers=auth(key)).status_code == 404
    bad = httpx.post(
        f"{mesh.url}/api/v1/webhooks", headers=auth(key), json={**body, "events": ["job.started"]}, timeout=10
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_webhook"


async def test_finished_job_is_delivered_as_a_signed_webhook(mesh: Mesh, key: str) -> None:
    async with httpx.AsyncClient(base_url=mesh.url, headers=auth(key), timeout=30) as client:
        created = await client.post(
            "/api/v1/webhooks", json={"url": "https://hooks.example.com/jobs", "events": ["job.completed"]}
        )
        assert created.status_code == 201, created.text
        hook = created.json()
        engine = engine_for(f"sqlite:///{mesh.data_dir / 'generator.db'}")
        with running_receiver() as receiver:
            with engine.begin() as conn:  # the operator step: point it at the local receiver
                hooks = webhooks_table
                conn.execute(sa.update(hooks).where(hooks.c.id == hook["id"]).values(url=receiver.url))
            dispatcher = WebhookDispatcher(engine, poll_s=0.05, policy=LoopbackTestPolicy(receiver.port))
            await dispatcher.start()
            try:
                reply = await client.post("/v1/text-to-cad", json={"prompt": "M6 hex nut"})
                assert reply.status_code == 202, reply.text
                job_id = reply.json()["job_id"]
                deadline = time.monotonic() + JOB_TIMEOUT_S
                while not receiver.received and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                await asyncio.sleep(1.0)  # room for a wrong second delivery to show up
            finally:
                await dispatcher.stop()
        assert len(receiver.received) == 1, "exactly one delivery for one finished job"
        delivery = receiver.received[0]
        event = Webhook(hook["secret"]).verify(delivery.body, delivery.headers)
        assert event["type"] == "job.completed"
        assert event["data"]["job_id"] == job_id and event["data"]["status"] == "completed"
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        assert job["status"] == "success"
