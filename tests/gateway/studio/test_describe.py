"""Describe a part in a real browser: a chat prompt and a follow-up that changes the same part,
with the planner's interpretation beside the preview; and image-to-CAD from a dropped picture."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from tests.gateway.studio.browser import scene_after as shown
from tests.gateway.studio.browser import screenshot, unlabelled_controls


def scene_after(page, loads: int) -> dict:
    return shown(page, "describe", loads)


def drop_image(page, name: str, data: bytes) -> None:
    page.locator("#image-file").set_input_files({"name": name, "mimeType": "image/png", "buffer": data})


def send(page, text: str) -> None:
    page.get_by_label("Describe the part, or how to change it").fill(text)
    page.get_by_role("button", name="Send").click()


def test_a_prompt_and_a_follow_up_refine_one_part(signed_in) -> None:
    page = signed_in
    page.get_by_role("link", name="Describe").click()
    send(page, "a plant pot 80 mm tall")
    first = scene_after(page, 1)
    assert first["bbox"]["size"][2] == pytest.approx(82.0, abs=1.0)  # 80 mm pot on its feet
    interpretation = page.locator("#interpretation")
    assert "Plant pot" in interpretation.inner_text()
    assert page.locator("[data-list=understood] li").count() >= 1
    assert page.locator("[data-list=assumed] li").count() >= 1  # what it took as default is shown
    assert "version 1" in page.locator(".chat-log").inner_text()

    send(page, "make it 120 mm tall")
    second = scene_after(page, 2)
    assert second["bbox"]["size"][2] == pytest.approx(122.0, abs=1.0)
    assert second["bbox"]["size"][0] == pytest.approx(first["bbox"]["size"][0], abs=0.1)
    log = page.locator(".chat-log li")
    assert log.count() == 4  # two prompts, two answers
    assert "version 2" in log.nth(3).inner_text()
    assert page.locator("[data-screen=describe] .downloads a").count() == 4
    assert unlabelled_controls(page) == []
    screenshot(page, "studio-describe-chat")


def test_a_dropped_picture_becomes_a_part(signed_in) -> None:
    page = signed_in
    page.get_by_role("link", name="Describe").click()
    image = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(image).ellipse((30, 30, 170, 170), fill="black")
    png = io.BytesIO()
    image.save(png, format="PNG")
    page.get_by_label("Make a").select_option("keychain")
    page.get_by_label("width (mm)").fill("40")
    drop_image(page, "disc.png", png.getvalue())
    scene = scene_after(page, 1)
    assert 40.0 <= max(scene["bbox"]["size"][:2]) <= 70.0  # the 40 mm drawing, its border and ring
    assert "disc.png" in page.locator(".chat-log").inner_text()


def test_a_non_image_is_refused_with_a_clear_error(signed_in) -> None:
    page = signed_in
    page.get_by_role("link", name="Describe").click()
    drop_image(page, "notes.png", b"not a png")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "PNG or JPEG" in alert.inner_text()
