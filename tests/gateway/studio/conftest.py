"""Fixtures of the studio's browser tests: one `printforge up` and one chromium for the whole folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.studio.browser import CHROMIUM, NetworkGuard, PageProblems, launch
from tests.gateway.studio.studio_server import StudioServer, start_printforge_up

if not Path(CHROMIUM).exists():
    reason = f"the studio tests drive Debian's chromium at {CHROMIUM} (scripts/setup.sh test)"
    pytest.skip(reason, allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    server = start_printforge_up(tmp_path_factory.mktemp("studio") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def api_key(server: StudioServer) -> str:
    return server.create_key("maker")


@pytest.fixture(scope="package")
def guard() -> NetworkGuard:
    return NetworkGuard()


@pytest.fixture(scope="package")
def browser_context(tmp_path_factory: pytest.TempPathFactory, guard: NetworkGuard) -> Iterator:
    with sync_api.sync_playwright() as playwright:
        context = launch(playwright, tmp_path_factory.mktemp("chromium-profile"), guard)
        yield context
        context.close()


@pytest.fixture
def page(browser_context, guard: NetworkGuard) -> Iterator:
    """A fresh tab; after the test, no request left loopback and the page logged no error."""
    problems = PageProblems()
    page = browser_context.new_page()
    problems.watch(page)
    yield page
    page.close()
    assert guard.refused == [], f"the studio tried to reach the network: {guard.refused}"
    assert problems.errors == [], problems.errors


@pytest.fixture
def signed_in(page, server: StudioServer, api_key: str):
    """The page signed in with a valid key, on the default screen."""
    page.goto(f"{server.url}/")
    page.get_by_label("API key").fill(api_key)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Check a print").wait_for()
    return page
