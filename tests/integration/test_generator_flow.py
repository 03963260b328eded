"""The Meshra generation API end to end on real processes, with the seed's examples.

starter → cache → params edit (version bump, 400 naming bad fields) → versions → files (the STL
parses and is healthy) → another user's generation is 403; file URLs open without a key through
their signature, which opens nothing else and expires; gift coaster "Cheers"; chat 202 → poll →
completed; the daily chat quota (2 in this mesh) answers 429.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
import trimesh
from PIL import Image

from printforge.runtime.signing import InvalidSignature, sign_blob, sign_claims, verify_claims
from printforge_services.gateway.routes.generations import FILE_SIG_PURPOSE
from tests.integration.mesh import Mesh, start_mesh

ISO_MS_Z = "%Y-%m-%dT%H:%M:%S.%fZ"
SIGNING_KEY = "generator-flow-signing-key"
URL_FIELDS = ("glbUrl", "stepUrl", "stlUrl", "threeMfUrl", "pngUrl")


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mesh]:
    running = start_mesh(
        tmp_path_factory.mktemp("genmesh"),
        {"PRINTFORGE_CHAT_PER_DAY": "2", "PRINTFORGE_SIGNING_KEY": SIGNING_KEY},
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(mesh: Mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.url, timeout=120) as http:
        yield http


def _path(url: str) -> str:
    """Path and query of a URL the gateway handed out (the query holds its signature)."""
    return httpx.URL(url).raw_path.decode()


def _bare(url: str) -> str:
    """The seed's URL without printforge's signature: opened with an API key, as before."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(params=parsed.params.remove("sig")).raw_path.decode())


def _sig(url: str) -> str:
    return httpx.URL(url).params["sig"]


def _with_sig(url: str, sig: str) -> str:
    parsed = httpx.URL(url)
    return parsed.copy_with(params=parsed.params.set("sig", sig)).raw_path.decode()


def assert_forbidden(reply: httpx.Response, message: str | None = None) -> None:
    """403 in the error envelope, as every refusal of a download is."""
    assert reply.status_code == 403, reply.text
    body = reply.json()
    assert set(body) == {"error", "message"} and body["error"]["message"] == body["message"] != ""
    assert message is None or body["message"] == message, body


def test_starter_params_versions_files_and_ownership(
    client: httpx.Client, alice: dict[str, str], bob: dict[str, str]
) -> None:
    first = client.post("/api/v1/starters/phone_stand", headers=alice)
    assert first.status_code == 200, first.text
    gen = first.json()
    gen_id = gen["generationId"]
    assert gen["status"] == "completed" and gen["version"] == 1
    assert _bare(gen["stlUrl"]) == f"/generated/{gen_id}/part.stl"
    assert all(gen[k] for k in URL_FIELDS)
    assert {p["name"] for p in gen["paramManifest"]} >= {"width"} and gen["paramValues"]["width"] == 70
    assert gen["analysis"]["status"] == "healthy"
    datetime.strptime(gen["createdAt"], ISO_MS_Z)
    assert len(gen["createdAt"]) == len("2026-05-09T12:00:00.000Z")

    # Per-user cache: same starter and params → same generation; bob gets his own.
    assert client.post("/api/v1/starters/phone_stand", headers=alice).json()["generationId"] == gen_id
    same_values = client.post("/api/v1/starters/phone_stand", json={"params": {"width": 70}}, headers=alice)
    assert same_values.json()["generationId"] == gen_id
    bobs = client.post("/api/v1/starters/phone_stand", headers=bob).json()["generationId"]
    assert bobs != gen_id

    stl = client.get(_bare(gen["stlUrl"]), headers=alice)
    assert stl.status_code == 200 and stl.headers["content-type"] == "model/stl"
    mesh = trimesh.load_mesh(trimesh.util.wrap_as_stream(stl.content), file_type="stl")
    assert mesh.is_watertight and mesh.is_winding_consistent and mesh.volume > 0
    for key in ("glbUrl", "stepUrl", "threeMfUrl", "pngUrl"):
        assert client.get(_bare(gen[key]), headers=alice).status_code == 200

    edited = client.post(
        f"/api/v1/generations/{gen_id}/params", json={"params": {"width": 90}}, headers=alice
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2 and edited.json()["paramValues"]["width"] == 90
    bad = client.post(
        f"/api/v1/generations/{gen_id}/params",
        json={"params": {"width": 9999, "colour": "red"}},
        headers=alice,
    )
    assert bad.status_code == 400
    assert "width" in bad.json()["message"] and "colour" in bad.json()["message"]
    latest = client.get(f"/api/v1/generations/{gen_id}", headers=alice).json()
    assert latest["version"] == 2, "a rejected edit changes nothing"

    versions = client.get(f"/api/v1/generations/{gen_id}/versions", headers=alice).json()
    assert [(v["version"], v["paramValues"]["width"]) for v in versions] == [(1, 70), (2, 90)]
    old = client.get(f"/api/v1/generations/{gen_id}", params={"version": 1}, headers=alice).json()
    assert old["paramValues"]["width"] == 70 and _bare(old["stlUrl"]).endswith("part.stl?version=1")
    assert client.get(_bare(old["stlUrl"]), headers=alice).content == stl.content
    assert client.get(_bare(latest["stlUrl"]), headers=alice).content != stl.content

    for url in (f"/api/v1/generations/{bobs}", f"/generated/{bobs}/part.stl"):
        denied = client.get(url, headers=alice)
        assert denied.status_code == 403 and denied.json()["message"]
    assert client.get("/api/v1/generations/nope", headers=alice).status_code == 404
    assert client.get(f"/generated/{gen_id}/part.obj", headers=alice).status_code == 404
    assert client.post("/api/v1/starters/warp_drive", headers=alice).status_code == 404
    assert client.get(f"/generated/{gen_id}/part.stl").status_code == 401
    assert (
        client.get(f"/api/v1/generations/{gen_id}", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )


def test_file_urls_open_without_a_key_and_only_their_own_file(
    mesh: Mesh, client: httpx.Client, alice: dict[str, str], bob: dict[str, str]
) -> None:
    """What a `<model-viewer src=glbUrl>` does: a plain GET with no header, from any page."""
    gen = client.post("/api/v1/starters/standoff", headers=alice).json()
    theirs = client.post("/api/v1/starters/standoff", headers=bob).json()
    gen_id = gen["generationId"]
    assert gen["status"] == "completed" and theirs["generationId"] != gen_id
    for field in URL_FIELDS:  # the seed's URL, plus one query parameter
        url = httpx.URL(gen[field])
        assert url.path.startswith(f"/generated/{gen_id}/part.") and list(url.params) == ["sig"]

    files = {}
    with httpx.Client(timeout=60) as anonymous:
        for field in URL_FIELDS:
            reply = anonymous.get(gen[field])
            assert reply.status_code == 200, (field, reply.text)
            assert reply.headers["access-control-allow-origin"] == "*"
            files[field] = reply.content
    assert files["glbUrl"][:4] == b"glTF" and files["threeMfUrl"][:2] == b"PK"
    part = trimesh.load_mesh(io.BytesIO(files["stlUrl"]), file_type="stl")
    assert part.is_watertight and part.volume > 0
    assert Image.open(io.BytesIO(files["pngUrl"])).size == (256, 256)
    assert client.get(_bare(gen["stlUrl"]), headers=alice).content == files["stlUrl"]

    stl_url, sig = gen["stlUrl"], _sig(gen["stlUrl"])
    body, mac = sig.split(".")

    def flipped(text: str) -> str:  # one character changed, so one MAC or claims byte
        return text[:-2] + ("B" if text[-2] == "A" else "A") + text[-1]

    for forged in (f"{body}.{flipped(mac)}", f"{flipped(body)}.{mac}"):
        assert_forbidden(httpx.get(mesh.url + _with_sig(stl_url, forged)), "invalid download signature")
    assert_forbidden(httpx.get(mesh.url + _with_sig(stl_url, "not-a-token")), "malformed download token")
    another_file = "the download signature is for another file"
    assert_forbidden(httpx.get(mesh.url + _with_sig(stl_url, _sig(theirs["stlUrl"]))), another_file)
    assert_forbidden(httpx.get(mesh.url + _with_sig(stl_url, _sig(gen["glbUrl"]))), another_file)
    assert_forbidden(httpx.get(mesh.url + _path(stl_url) + "&version=1"), another_file)
    # Tokens of /v1/files and of generated files open nothing of each other's.
    key = SIGNING_KEY.encode()
    blob_token = sign_blob(f"generator/{gen_id}/v1/part.stl", key)
    assert_forbidden(httpx.get(mesh.url + _with_sig(stl_url, blob_token)), "invalid download signature")
    assert_forbidden(httpx.get(f"{mesh.url}/v1/files/{sig}"), "invalid download signature")

    # Short-lived: about an hour (rounded up to 10 minutes), then 403.
    claims = verify_claims(sig, key, purpose=FILE_SIG_PURPOSE, now=time.time() + 3599)
    assert {k: v for k, v in claims.items() if k != "o"} == {"g": gen_id, "f": "stl", "v": 0}
    with pytest.raises(InvalidSignature, match="expired"):
        verify_claims(sig, key, purpose=FILE_SIG_PURPOSE, now=time.time() + 3600 + 601)
    expired = sign_claims(claims, key, expires=int(time.time()) - 1, purpose=FILE_SIG_PURPOSE)
    assert_forbidden(httpx.get(mesh.url + _with_sig(stl_url, expired)), "download link expired")

    # The owner's key opens the file as before, even beside a stale signature; nobody else's does.
    with_key = client.get(_bare(stl_url), headers=alice)
    assert with_key.content == files["stlUrl"] and "access-control-allow-origin" not in with_key.headers
    assert client.get(_with_sig(stl_url, expired), headers=alice).content == files["stlUrl"]
    assert_forbidden(client.get(_bare(stl_url), headers=bob))
    assert_forbidden(client.get(_with_sig(stl_url, expired), headers=bob))
    assert client.get(_bare(stl_url)).status_code == 401

    # A latest URL follows the latest version, as it does with a key; a versioned one stays put.
    edited = client.post(
        f"/api/v1/generations/{gen_id}/params", json={"params": {"height": 20}}, headers=alice
    ).json()
    assert edited["version"] == 2
    newest = httpx.get(stl_url, timeout=60).content
    assert newest != files["stlUrl"]
    assert newest == client.get(_bare(edited["stlUrl"]), headers=alice).content
    first = client.get(f"/api/v1/generations/{gen_id}", params={"version": 1}, headers=alice).json()
    assert httpx.get(first["stlUrl"], timeout=60).content == files["stlUrl"]


def test_gift_coaster_and_unknown_characters(client: httpx.Client, alice: dict[str, str]) -> None:
    gift = client.post(
        "/api/v1/gifts", json={"templateId": "coaster", "config": {"primaryText": "Cheers"}}, headers=alice
    )
    assert gift.status_code == 200, gift.text
    body = gift.json()
    assert body["status"] == "completed" and body["paramValues"]["primaryText"] == "Cheers"
    assert client.get(_path(body["threeMfUrl"]), headers=alice).content[:2] == b"PK"
    bad = client.post(
        "/api/v1/gifts", json={"templateId": "coaster", "config": {"primaryText": "Cheers ☃"}}, headers=alice
    )
    assert bad.status_code == 400 and "primaryText" in bad.json()["message"]


def _poll(client: httpx.Client, headers: dict[str, str], gen_id: str, timeout_s: float = 90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/generations/{gen_id}", headers=headers).json()
        if body["status"] != "processing":
            return body
        time.sleep(0.3)
    raise AssertionError(f"generation {gen_id} still processing after {timeout_s} s")


def test_chat_then_follow_up(client: httpx.Client, alice: dict[str, str]) -> None:
    started = client.post("/api/v1/chat", json={"prompt": "a hex bolt M8x40"}, headers=alice)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "processing" and set(started.json()) == {"generationId", "status"}
    gen_id = started.json()["generationId"]
    done = _poll(client, alice, gen_id)
    assert done["status"] == "completed", done["error"]
    assert done["analysis"]["status"] == "healthy" and done["interpretation"]["family"] == "hex_bolt"
    assert client.get(_path(done["stlUrl"]), headers=alice).status_code == 200

    follow = client.post(
        "/api/v1/chat", json={"prompt": "make it M10", "generationId": gen_id}, headers=alice
    )
    assert follow.status_code == 202 and follow.json()["generationId"] == gen_id
    refined = _poll(client, alice, gen_id)
    assert refined["status"] == "completed" and refined["version"] == 2, refined["error"]


def test_chat_quota_is_enforced(client: httpx.Client, mesh: Mesh) -> None:
    carol = {"Authorization": f"Bearer {mesh.create_key('carol')}"}
    codes = [
        client.post("/api/v1/chat", json={"prompt": "a 10 mm cube"}, headers=carol).status_code
        for _ in range(3)
    ]
    assert codes == [202, 202, 429]
    limited = client.post("/api/v1/chat", json={"prompt": "a 10 mm cube"}, headers=carol)
    assert limited.status_code == 429 and "chat quota" in limited.json()["message"]
    assert int(limited.headers["Retry-After"]) >= 1
