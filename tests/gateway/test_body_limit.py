"""Request body limits of the real gateway app, driven in-process over ASGI by httpx.

No backend runs here: a request that gets past the limit reaches its route and is refused
there for its missing API key (401), so every answer tells which side of the limit it fell.
Bodies stream in chunks from a generator that counts what the app pulled, which shows that
an oversized upload is stopped as it arrives rather than read to its end.
"""

from __future__ import annotations

import base64
import math
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from printforge.runtime.config import MIB, Settings, data_url_request_bytes
from printforge.runtime.grpc_channels import channel_options
from printforge_services.gateway.app import DEFAULT_BODY_BYTES, body_limits, create_app
from printforge_services.gateway.routes.makistry import MAX_IMAGE_BYTES

MAX_MODEL_BYTES = 30_000
PRINT_LIMIT = data_url_request_bytes(MAX_MODEL_BYTES)
ANALYZE = "/openapi/v1/print/analyze"
REPAIR = "/openapi/v1/print/repair"
SEED_MESSAGE = "Model file too large: model_url body exceeded 30000 bytes"
CHUNK = 16 * 1024


def _settings(tmp_path: Path, max_model_bytes: int = MAX_MODEL_BYTES) -> Settings:
    return Settings.from_env(
        {
            "PRINTFORGE_DATA_DIR": str(tmp_path),
            "PRINTFORGE_MAX_MODEL_BYTES": str(max_model_bytes),
            "PRINTFORGE_SIGNING_KEY": "test-key",
        }
    )


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return create_app(_settings(tmp_path))


class Upload:
    """A streamed request body of `total` bytes that records how much of it was pulled."""

    def __init__(self, total: int, fill: bytes = b"a") -> None:
        self.total = total
        self.fill = fill
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            size = min(CHUNK, self.total - self.pulled)
            self.pulled += size
            yield self.fill * size


def _json_body(size: int) -> bytes:
    """A JSON create request of exactly `size` bytes: a base64 data: URL padded to fit."""
    head, tail = b'{"model_url": "data:model/stl;base64,', b'"}'
    return head + b"A" * (size - len(head) - len(tail)) + tail


async def _post(app: FastAPI, path: str, content: object, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        return await client.post(
            path, content=content, headers={"Content-Type": "application/json", **(headers or {})}
        )


def _assert_envelope(reply: httpx.Response, status: int, code: str, message: str | None = None) -> None:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["error"]["code"] == code
    assert body["message"] == body["error"]["message"]
    if message is not None:
        assert body["message"] == message


async def test_print_body_just_under_the_limit_reaches_the_route(app: FastAPI) -> None:
    for path in (ANALYZE, REPAIR):
        reply = await _post(app, path, _json_body(PRINT_LIMIT))
        _assert_envelope(reply, 401, "unauthorized")


async def test_print_body_over_the_limit_is_the_seeds_400(app: FastAPI) -> None:
    for path in (ANALYZE, REPAIR):
        reply = await _post(app, path, _json_body(PRINT_LIMIT + 1))
        _assert_envelope(reply, 400, "model_file_too_large", SEED_MESSAGE)
        assert reply.headers["connection"] == "close"


async def test_a_max_size_model_as_a_data_url_fits_the_print_limit(app: FastAPI) -> None:
    url = "data:model/stl;base64," + base64.b64encode(b"\0" * MAX_MODEL_BYTES).decode()
    body = httpx.Request("POST", "http://x", json={"model_url": url, "unit": "mm"}).read()
    assert len(body) <= PRINT_LIMIT
    reply = await _post(app, ANALYZE, body)
    _assert_envelope(reply, 401, "unauthorized")


async def test_declared_oversize_is_refused_before_reading_a_byte(app: FastAPI) -> None:
    upload = Upload(PRINT_LIMIT + 1)
    reply = await _post(app, ANALYZE, upload, {"Content-Length": str(PRINT_LIMIT + 1)})
    _assert_envelope(reply, 400, "model_file_too_large", SEED_MESSAGE)
    assert upload.pulled == 0


async def test_chunked_upload_without_length_is_stopped_as_it_arrives(app: FastAPI) -> None:
    upload = Upload(50 * PRINT_LIMIT)  # Transfer-Encoding: chunked
    reply = await _post(app, ANALYZE, upload)
    _assert_envelope(reply, 400, "model_file_too_large", SEED_MESSAGE)
    assert upload.pulled <= PRINT_LIMIT + CHUNK


async def test_body_larger_than_its_declared_length_is_still_stopped(app: FastAPI) -> None:
    upload = Upload(50 * PRINT_LIMIT)
    reply = await _post(app, ANALYZE, upload, {"Content-Length": "100"})
    _assert_envelope(reply, 400, "model_file_too_large", SEED_MESSAGE)
    assert upload.pulled <= PRINT_LIMIT + CHUNK


async def test_other_routes_take_one_mib(app: FastAPI) -> None:
    padded = b"{" + b" " * (DEFAULT_BODY_BYTES - 2) + b"}"
    _assert_envelope(await _post(app, "/api/v1/keys", padded), 401, "unauthorized")
    for headers in ({}, {"Content-Length": "10"}):  # chunked, then lying
        upload = Upload(20 * DEFAULT_BODY_BYTES, b" ")
        over = await _post(app, "/api/v1/keys", upload, headers)
        _assert_envelope(over, 413, "payload_too_large")
        assert upload.pulled <= DEFAULT_BODY_BYTES + CHUNK
    declared = await _post(app, "/api/v1/webhooks", padded + b" ")
    _assert_envelope(declared, 413, "payload_too_large")


async def test_image_to_cad_takes_its_image_as_a_data_url(app: FastAPI) -> None:
    # The route authenticates before it reads its body, so only a declared length shows here.
    limit = data_url_request_bytes(MAX_IMAGE_BYTES)
    assert limit >= math.ceil(MAX_IMAGE_BYTES * 4 / 3)
    under = await _post(app, "/v1/image-to-cad", Upload(limit, b" "), {"Content-Length": str(limit)})
    _assert_envelope(under, 401, "unauthorized")
    upload = Upload(limit + 1, b" ")
    over = await _post(app, "/v1/image-to-cad", upload, {"Content-Length": str(limit + 1)})
    _assert_envelope(over, 413, "payload_too_large")
    assert upload.pulled == 0


async def test_bodiless_requests_pass(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        reply = await client.get(ANALYZE)
    _assert_envelope(reply, 401, "unauthorized")


def test_default_limit_speaks_the_seeds_100_mb(tmp_path: Path) -> None:
    _, routes = body_limits(_settings(tmp_path, 100 * MIB))
    limit = dict(routes)["/openapi/v1/print"]
    assert limit.message == "Model file too large: model_url body exceeded 100 MB"
    assert limit.max_bytes == data_url_request_bytes(100 * MIB)


@pytest.mark.parametrize("max_model_bytes", [100 * MIB, 300 * MIB])
def test_grpc_messages_fit_the_largest_admitted_request(tmp_path: Path, max_model_bytes: int) -> None:
    options = dict(channel_options(max_model_bytes))
    needed = data_url_request_bytes(max_model_bytes) + MIB
    assert options["grpc.max_send_message_length"] >= needed
    assert options["grpc.max_receive_message_length"] >= needed
