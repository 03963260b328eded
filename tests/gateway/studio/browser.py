"""Debian's chromium driven by Playwright, with every request off loopback refused and recorded.

The page under test must never reach the network: fonts, scripts and models all come from
the gateway. `NetworkGuard` is routed every request whose host is not loopback (a route on
the whole context, before anything is sent), aborts it and keeps its URL for the test to
assert on. Behind it, chromium's own proxy setting sends anything that got past it to a
closed loopback port, so not even a bug in the guard lets a packet off the machine. Page
errors and console errors (a CSP refusal is one) are collected too.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Playwright, Route

from tests.conftest import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Safety net under NetworkGuard: non-loopback traffic goes to a proxy on a closed loopback
    # port (connection refused); "<-loopback>" is not listed, so loopback goes direct.
    "--proxy-server=http://127.0.0.1:9",
]
LOCAL_SCHEMES = {"data", "blob", "about"}
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
# Console errors that are not the page's: chromium logs every 4xx answer (the studio shows
# those to the user itself) and every request the guard aborted (the guard reports those).
NOT_PAGE_ERRORS = (
    "Failed to load resource: the server responded with a status of 4",
    "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT",
)


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class NetworkGuard:
    refused: list[str] = field(default_factory=list)

    def handle(self, route: Route) -> None:
        """Routed only requests that are not to loopback (see `launch`): refuse and record."""
        self.refused.append(route.request.url)
        route.abort("blockedbyclient")


@dataclass
class PageProblems:
    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith(NOT_PAGE_ERRORS):
            self.errors.append(f"console: {message.text}")


def launch(playwright: Playwright, user_data_dir: Path, guard: NetworkGuard) -> BrowserContext:
    context = playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    # A predicate, not "**/*": a route that matches loopback too would pass every upload's body
    # through the Playwright driver (a 27 MB POST then takes seconds instead of milliseconds).
    context.route(lambda url: not is_loopback(url), guard.handle)
    return context


def wait_for_js(page: Page, expression: str, timeout_s: float = 90) -> Any:
    """Poll `expression` (a JS arrow function) until it returns something truthy, and return it.

    page.wait_for_function evaluates its predicate with eval inside the page, which the
    studio's CSP refuses (no 'unsafe-eval'); page.evaluate goes through the DevTools protocol.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} still falsy after {timeout_s} s")
        time.sleep(0.2)


def scene_after(page: Page, name: str, loads: int) -> dict[str, Any]:
    """window.studio.scenes[name] (see viewer.js) once that view has shown its `loads`-th model."""
    scene = f"window.studio.scenes.{name}"
    return wait_for_js(page, f"() => {scene} && {scene}.loads >= {loads} && {scene}")


def unlabelled_controls(page: Page) -> list[str]:
    """Visible form controls and buttons a screen reader could not name (no label, no aria name)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea, button, a[href]")]
          .filter((el) => el.offsetParent !== null)
          .filter((el) => !((el.labels && el.labels.length) || el.getAttribute("aria-label")
                            || el.getAttribute("aria-labelledby") || el.textContent.trim()))
          .map((el) => el.outerHTML.slice(0, 120))"""
    )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as docs/screenshots/<name>.png (linked from the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
