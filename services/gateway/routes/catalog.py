"""`GET /api/v1/catalog`: the starters and gifts a maker can customise, with thumbnails.

A thin view of the generator's ListCatalog RPC (the studio's "Customize" screen lists it as
cards). Each entry's `thumbnailUrl` points at a PNG of the template at its defaults, rendered
at build time by scripts/render_studio_thumbnails.py and served with the studio's static
files, so listing the catalogue renders nothing; it is null for a template without one yet.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from printforge.generator.v1 import generator_pb2 as pb
from printforge_services.gateway.principal import Principal, require_principal
from printforge_services.gateway.routes.studio import STUDIO_DIR
from printforge_services.gateway.schemas import ErrorBody

THUMBNAIL_DIR = STUDIO_DIR / "thumbnails"

router = APIRouter(
    prefix="/api/v1",
    tags=["meshra"],
    responses={code: {"model": ErrorBody} for code in (400, 401, 429, 500)},
)


class CatalogEntry(BaseModel):
    kind: str = Field(description="starter or gift.")
    id: str = Field(description="Starter id (POST /api/v1/starters/{id}) or gift templateId.")
    title: str
    description: str
    paramManifest: list[dict[str, Any]]
    thumbnailUrl: str | None = Field(description="PNG of the part at its defaults (no key needed).")


def thumbnail_name(kind: str, template_id: str) -> str:
    return f"{kind}-{template_id}.png"


def thumbnail_url(kind: str, template_id: str) -> str | None:
    name = thumbnail_name(kind, template_id)
    return f"/studio/thumbnails/{name}" if (THUMBNAIL_DIR / name).is_file() else None


@router.get("/catalog", response_model=list[CatalogEntry], summary="List starters and gift templates")
async def list_catalog(
    request: Request,
    principal: Annotated[Principal, Depends(require_principal)],
    kind: Annotated[str, Query(description="starter, gift, or empty for both.")] = "",
) -> list[dict[str, Any]]:
    clients = request.app.state.clients
    reply = await clients.call(clients.generator.ListCatalog, pb.ListCatalogRequest(kind=kind))
    return [
        {
            "kind": e.kind,
            "id": e.id,
            "title": e.title,
            "description": e.description,
            "paramManifest": json.loads(e.param_manifest_json or "[]"),
            "thumbnailUrl": thumbnail_url(e.kind, e.id),
        }
        for e in reply.entries
    ]
