"""The studio's static files: served at / and /studio with a strict CSP, nothing outside its folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from printforge.runtime.config import Settings
from printforge_services.gateway.app import create_app
from printforge_services.gateway.routes.studio import STUDIO_DIR


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings.from_env({"PRINTFORGE_DATA_DIR": str(tmp_path), "PRINTFORGE_SIGNING_KEY": "k"}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        yield client


def policy(response: httpx.Response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";"))
    return {name: value for name, value in directives}


async def test_the_page_is_served_at_both_paths_under_a_strict_csp(client: httpx.AsyncClient) -> None:
    for path in ("/", "/studio"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.text == (STUDIO_DIR / "index.html").read_text()
        csp = policy(response)
        assert csp["default-src"] == "'self'"
        assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
        assert csp["style-src"] == "'self'"
        assert csp["connect-src"] == "'self' blob: data:"
        assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
        assert response.headers["x-content-type-options"] == "nosniff"


class _InlineFinder(HTMLParser):
    """Collects what a no-inline CSP would refuse: inline scripts, style attributes, on* handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]
        for name in ("src", "href"):
            value = names.get(name) or ""
            if "//" in value:
                self.external.append(value)


def test_index_html_has_nothing_inline_and_nothing_from_elsewhere() -> None:
    finder = _InlineFinder()
    finder.feed((STUDIO_DIR / "index.html").read_text())
    assert finder.found == []
    assert finder.external == []


async def test_assets_carry_their_types_and_the_csp(client: httpx.AsyncClient) -> None:
    for path, media in [
        ("/studio/app.js", "text/javascript; charset=utf-8"),
        ("/studio/screens/check.js", "text/javascript; charset=utf-8"),
        ("/studio/studio.css", "text/css; charset=utf-8"),
        ("/studio/vendor/three.bundle.min.js", "text/javascript; charset=utf-8"),
        ("/studio/thumbnails/starter-knob.png", "image/png"),
    ]:
        response = await client.get(path)
        assert (response.status_code, response.headers["content-type"]) == (200, media), path
        assert "content-security-policy" in response.headers


@pytest.mark.parametrize(
    "raw_path",
    [
        b"/studio/../routes/studio.py",
        b"/studio/%2e%2e/routes/studio.py",
        b"/studio/..%2F..%2Fapp.py",
        b"/studio/%2e%2e/%2e%2e/%2e%2e/scripts/studio_vendor/three_entry.js",  # a .js, but outside
        b"/studio/vendor/VERSION",  # inside, but not a type the studio serves
        b"/studio/missing.js",
    ],
)
async def test_nothing_outside_the_studio_files_is_served(client: httpx.AsyncClient, raw_path: bytes) -> None:
    request = client.build_request("GET", "http://gateway.test/")
    request.url = request.url.copy_with(raw_path=raw_path)
    response = await client.send(request)
    assert response.status_code == 404
    assert "content-security-policy" not in response.headers
    assert response.json()["error"]["code"]


def test_the_vendored_three_js_is_pinned_with_its_licence() -> None:
    vendor = STUDIO_DIR / "vendor"
    assert (vendor / "VERSION").read_text().startswith("three.js 0.187.0 (npm)")
    assert "MIT License" in (vendor / "three.LICENSE").read_text()
    assert (vendor / "three.bundle.min.js").stat().st_size > 500_000
