"""PRINTFORGE_PUBLIC_URL names the base of every URL the gateway hands out; without it, the caller's host."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request

from printforge.runtime.config import Settings
from printforge_services.gateway.public_url import public_base_url
from printforge_services.gateway.routes.files import url_signer


def _app(tmp_path: Path, env: dict[str, str]) -> FastAPI:
    app = FastAPI()
    app.state.settings = Settings.from_env({"PRINTFORGE_DATA_DIR": str(tmp_path), **env})

    @app.get("/urls")
    async def urls(request: Request) -> dict[str, str]:
        return {"base": public_base_url(request), "file": url_signer(request)("printability/t1/model.stl")}

    return app


async def _urls(app: FastAPI) -> dict[str, str]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw.internal:8080") as client:
        reply = await client.get("/urls", headers={"Host": "gw.internal:8080"})
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("public", ["https://pf.example", "https://pf.example/", "https://pf.example/api"])
async def test_the_public_url_is_the_base_of_signed_file_urls(tmp_path: Path, public: str) -> None:
    urls = await _urls(_app(tmp_path, {"PRINTFORGE_PUBLIC_URL": public}))
    assert urls["base"] == public.rstrip("/")
    assert urls["file"].startswith(public.rstrip("/") + "/v1/files/")
    assert "gw.internal" not in urls["file"]


async def test_without_a_public_url_the_callers_host_is_the_base(tmp_path: Path) -> None:
    urls = await _urls(_app(tmp_path, {}))
    assert urls["base"] == "http://gw.internal:8080"
    assert urls["file"].startswith("http://gw.internal:8080/v1/files/")
