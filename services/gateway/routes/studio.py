"""The studio: the single-page web app at `/` and `/studio`, served as committed static files.

No Node at run time: the ES modules, CSS and the vendored three.js bundle in
services/gateway/studio/ are served as they are. Every studio response carries a strict
Content-Security-Policy: scripts, styles and fonts only from this origin and never inline,
requests only to this origin (the API and the signed file URLs it hands out), images also
from `blob:`/`data:` (three.js decodes glTF textures through blob URLs), no frames, no plugins.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from printforge_services.gateway.errors import ApiError

STUDIO_DIR = Path(__file__).resolve().parent.parent / "studio"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "font-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}

router = APIRouter(include_in_schema=False)


def _file_response(path: Path) -> FileResponse:
    # index.html must never be cached stale against newer modules; assets revalidate by ETag.
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=headers)


def studio_file(relative: str) -> Path:
    """The studio file at `relative`, or ApiError 404 (also for anything outside the studio folder)."""
    path = (STUDIO_DIR / relative).resolve()
    if not path.is_relative_to(STUDIO_DIR) or not path.is_file() or path.suffix not in MEDIA_TYPES:
        raise ApiError(404, f"no studio file {relative!r}")
    return path


@router.get("/")
@router.get("/studio")
async def index() -> FileResponse:
    return _file_response(STUDIO_DIR / "index.html")


@router.get("/studio/{relative:path}")
async def asset(relative: str) -> FileResponse:
    return _file_response(studio_file(relative or "index.html"))
