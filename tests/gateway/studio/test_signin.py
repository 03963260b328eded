"""Signing in to the studio in a real browser: a good key opens the screens, a bad one is told."""

from __future__ import annotations

from tests.gateway.studio.browser import screenshot, wait_for_js


def test_sign_in_with_the_keyboard_keeps_the_key_in_the_tab_only(page, server, api_key) -> None:
    page.goto(f"{server.url}/studio")
    screenshot(page, "studio-sign-in")
    assert page.evaluate("() => document.activeElement.id") == "api-key"  # focused on arrival
    page.keyboard.type(api_key)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check a print").wait_for()
    assert page.get_by_role("navigation", name="Screens").is_visible()
    assert page.evaluate("() => sessionStorage.getItem('printforge.apiKey')") == api_key
    assert page.evaluate("() => localStorage.length") == 0
    assert api_key not in page.url

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.evaluate("() => sessionStorage.getItem('printforge.apiKey')") is None


def test_a_bad_key_shows_a_clear_error_and_stays_signed_out(page, server) -> None:
    page.goto(f"{server.url}/")
    page.get_by_label("API key").fill("pf_not-a-real-key")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Your API key was refused: Invalid or revoked API key" in alert.inner_text()
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert not page.get_by_role("navigation", name="Screens").is_visible()
    assert page.evaluate("() => sessionStorage.getItem('printforge.apiKey')") is None
    assert page.evaluate("() => document.activeElement.id") == "api-key"
    screenshot(page, "studio-bad-key")


def test_the_sign_in_hint_names_the_cli_command(page, server) -> None:
    page.goto(f"{server.url}/")
    assert "printforge keys create --user" in page.locator("#key-hint").inner_text()
    assert wait_for_js(page, "() => document.title").startswith("Sign in")


def test_the_network_guard_refuses_and_records_requests_off_loopback(page, server, guard) -> None:
    """The guard the other tests rely on: a page asking a public address gets nothing through.

    203.0.113.7 is TEST-NET-3 (RFC 5737); the request is aborted inside the browser, and
    chromium's dead loopback proxy would catch it were it not. It is asked from about:blank:
    on a studio page the CSP (connect-src 'self') would refuse it before the guard sees it.
    """
    page.goto("about:blank")
    outcome = page.evaluate(
        "() => fetch('http://203.0.113.7/probe.png').then(() => 'reached', (exc) => exc.name)"
    )
    assert outcome == "TypeError"  # the fetch failed: aborted by the guard
    assert guard.refused == ["http://203.0.113.7/probe.png"]
    guard.refused.clear()
