"""Render the studio's catalogue thumbnails: one PNG per starter and gift, at its defaults.

Build time only, like scripts/vendor_studio.sh: the PNGs are committed under
services/gateway/studio/thumbnails/ and served as static files, so opening the catalogue
renders nothing. Re-run after adding or changing a template (a test fails while one is missing):

    PYTHONPATH=$PWD .venv/bin/python scripts/render_studio_thumbnails.py
"""

from __future__ import annotations

from pathlib import Path

from printforge_services.gateway.routes.catalog import THUMBNAIL_DIR, thumbnail_name
from printforge_services.generator.catalog import KINDS, list_templates
from printforge_services.generator.render import render


def main() -> None:
    THUMBNAIL_DIR.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        for template in list_templates(kind):
            result = render(kind, template.id, {}, formats=("png",))
            path: Path = THUMBNAIL_DIR / thumbnail_name(kind, template.id)
            path.write_bytes(result.files["png"])
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
