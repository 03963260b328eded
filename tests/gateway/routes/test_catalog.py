"""Catalogue thumbnails: every starter and gift has its committed PNG, named as the route says."""

from __future__ import annotations

from printforge_services.gateway.routes.catalog import THUMBNAIL_DIR, thumbnail_name, thumbnail_url
from printforge_services.generator.catalog import KINDS, list_templates


def test_every_template_has_a_thumbnail() -> None:
    missing = [
        f"{kind}:{t.id}"
        for kind in KINDS
        for t in list_templates(kind)
        if not (THUMBNAIL_DIR / thumbnail_name(kind, t.id)).is_file()
    ]
    assert missing == [], f"run scripts/render_studio_thumbnails.py for {missing}"


def test_a_template_without_a_thumbnail_gets_none() -> None:
    assert thumbnail_url("starter", "knob") == "/studio/thumbnails/starter-knob.png"
    assert thumbnail_url("starter", "no_such_part") is None
