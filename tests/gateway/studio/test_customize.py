"""Customize a part in a real browser: catalogue cards with thumbnails, a slider that
re-renders the part (the scene's bounding box follows), version history and downloads."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from tests.gateway.studio.browser import scene_after as shown
from tests.gateway.studio.browser import screenshot, unlabelled_controls


def scene_after(page, loads: int) -> dict:
    return shown(page, "customize", loads)


def test_the_catalogue_lists_every_part_with_a_thumbnail(server, api_key) -> None:
    headers = {"Authorization": f"Bearer {api_key}"}
    entries = httpx.get(f"{server.url}/api/v1/catalog", headers=headers, timeout=30).json()
    kinds = {e["kind"] for e in entries}
    assert kinds == {"starter", "gift"}
    for entry in entries:
        assert entry["paramManifest"], entry["id"]
        # Rendered by scripts/render_studio_thumbnails.py; a new template needs its run.
        assert entry["thumbnailUrl"] == f"/studio/thumbnails/{entry['kind']}-{entry['id']}.png"
        thumb = httpx.get(server.url + entry["thumbnailUrl"], timeout=30)
        assert thumb.status_code == 200 and thumb.content.startswith(b"\x89PNG")
    starters = httpx.get(f"{server.url}/api/v1/catalog?kind=starter", headers=headers, timeout=30).json()
    assert starters and {e["kind"] for e in starters} == {"starter"}
    bad = httpx.get(f"{server.url}/api/v1/catalog?kind=widget", headers=headers, timeout=30)
    assert bad.status_code == 400 and "kind must be one of" in bad.json()["error"]["message"]
    assert httpx.get(f"{server.url}/api/v1/catalog", timeout=30).status_code == 401


def test_a_starter_slider_rerenders_the_part_and_the_bounding_box_follows(signed_in) -> None:
    page = signed_in
    page.get_by_role("link", name="Customize").click()
    cards = page.locator(".card-button")
    cards.first.wait_for()
    assert page.locator(".card-button img").count() == cards.count()
    screenshot(page, "studio-customize-catalogue")

    page.locator("[data-part='starter:knob']").click()
    first = scene_after(page, 1)
    assert first["bbox"]["size"][0] == pytest.approx(25.0, abs=0.2)  # the knob's default diameter
    slider = page.get_by_label("Diameter (mm) slider", exact=True)
    assert [slider.get_attribute(name) for name in ("min", "max", "step")] == ["10", "60", "0.5"]
    slider.focus()
    for _ in range(10):  # 10 steps of 0.5 mm with the keyboard, one debounced re-render
        page.keyboard.press("ArrowRight")
    assert page.get_by_label("Diameter (mm)", exact=True).input_value() == "30"
    second = scene_after(page, 2)
    assert second["bbox"]["size"][0] == pytest.approx(30.0, abs=0.2)
    assert second["bbox"]["size"][2] == pytest.approx(first["bbox"]["size"][2])  # height unchanged
    assert "Version 2: 30.0" in page.locator("[data-screen=customize] figcaption").inner_text()
    versions = page.locator(".versions li")
    versions.nth(1).wait_for()
    assert versions.count() == 2
    assert unlabelled_controls(page) == []
    screenshot(page, "studio-customize-slider")

    page.get_by_role("button", name="v1 ·").click()
    back = scene_after(page, 3)
    assert back["bbox"]["size"][0] == pytest.approx(25.0, abs=0.2)


def test_the_part_downloads_in_all_four_formats(signed_in) -> None:
    page = signed_in
    page.get_by_role("link", name="Customize").click()
    page.locator("[data-part='starter:standoff']").click()
    scene_after(page, 1)
    magic = {
        "STEP": lambda data: data.startswith(b"ISO-10303-21"),
        "STL": lambda data: len(data) > 84,
        "GLB": lambda data: data.startswith(b"glTF"),
        "3MF": lambda data: "3D/3dmodel.model" in zipfile.ZipFile(io.BytesIO(data)).namelist(),
    }
    for label, looks_right in magic.items():
        link = page.locator(".downloads").get_by_role("link", name=label, exact=True)
        assert "sig=" in link.get_attribute("href")
        with page.expect_download() as download:
            link.click()
        assert looks_right(download.value.path().read_bytes()), label


def test_a_gift_text_field_and_number_box_rerender_it(signed_in) -> None:
    page = signed_in
    page.get_by_role("link", name="Customize").click()
    page.locator("[data-part='gift:coaster']").click()
    scene_after(page, 1)
    thickness = page.get_by_label("Thickness (mm)", exact=True)
    thickness.fill("6")
    thickness.press("Tab")
    assert scene_after(page, 2)["bbox"]["size"][2] == pytest.approx(6.0, abs=0.05)
    bad = page.get_by_label("Text", exact=True)
    bad.fill("")
    bad.press("Tab")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "primaryText" in alert.inner_text()
