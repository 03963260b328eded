"""Forwarded headers count only from the trusted proxy: real uvicorn, real HTTP from two loopback addresses.

Envoy's pod is played by 127.0.0.2 (PRINTFORGE_TRUSTED_PROXIES), any other client by 127.0.0.1,
both sending `X-Forwarded-Proto: https`. The route answers with a URL signed by the gateway's own
signer, so what is checked is what a client would be handed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from printforge.runtime.config import Settings
from printforge_services.gateway.proxies import server_config
from printforge_services.gateway.routes.files import url_signer
from tests.integration.mesh import free_port

ENVOY = "127.0.0.2"
OTHER = "127.0.0.1"


def _signing_app(settings: Settings) -> FastAPI:
    app = FastAPI()
    app.state.settings = settings

    @app.get("/signed")
    async def signed(request: Request) -> dict[str, str]:
        return {"url": url_signer(request)("printability/t1/model.stl"), "client": request.client.host}

    return app


async def _serve(settings: Settings) -> AsyncIterator[str]:
    server = uvicorn.Server(server_config(_signing_app(settings), settings))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.02)
        yield f"http://{settings.bind_host}:{settings.http_port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def gateway(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_HTTP_PORT": str(free_port()),
        "PRINTFORGE_TRUSTED_PROXIES": request.param,
    }
    async for url in _serve(Settings.from_env(env)):
        yield url


async def _signed_url(base: str, source: str) -> dict[str, str]:
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "Host": "pf.example"}
        reply = await client.get(f"{base}/signed", headers=headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("gateway", [ENVOY], indirect=True)
async def test_signed_urls_are_https_behind_the_trusted_proxy_only(gateway: str) -> None:
    behind_envoy = await _signed_url(gateway, ENVOY)
    assert behind_envoy["url"].startswith("https://pf.example/v1/files/")
    assert behind_envoy["client"] == "203.0.113.7"

    spoofed = await _signed_url(gateway, OTHER)
    assert spoofed["url"].startswith("http://pf.example/v1/files/"), "a header from a non-proxy counted"
    assert spoofed["client"] == OTHER


@pytest.mark.parametrize("gateway", [""], indirect=True)
async def test_no_proxy_is_trusted_by_default(gateway: str) -> None:
    """Locally nothing is trusted, not even loopback (uvicorn on its own trusts 127.0.0.1)."""
    for source in (OTHER, ENVOY):
        reply = await _signed_url(gateway, source)
        assert reply["url"].startswith("http://pf.example/"), source
        assert reply["client"] == source
