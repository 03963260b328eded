"""Operational routes: `/healthz` (every backend answers its health check) and `/metrics`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter(tags=["ops"])


@router.get("/healthz", summary="200 when every backend service reports SERVING, else 503")
async def healthz(request: Request) -> JSONResponse:
    services = await request.app.state.clients.health()
    healthy = all(status == "SERVING" for status in services.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "services": services}, 200 if healthy else 503
    )


@router.get("/metrics", summary="Prometheus metrics of this gateway process")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
