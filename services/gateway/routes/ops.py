"""Operational routes: the three health views and `/metrics`.

Kubernetes and Envoy ask different questions, so each gets its own route:
- `/livez`: is this process alive? No backend is called, so a backend outage never makes the
  kubelet restart gateways (the startup and liveness probes).
- `/readyz`: can this gateway serve requests? Every `/api` and `/openapi` route authenticates
  its caller with the auth service first, so readiness is auth's health alone; the other
  backends are reported in the body but do not fail it, so a generator outage leaves the
  analyze routes served (the readiness probe and Envoy's active health check).
- `/healthz`: the full view, 200 only when every backend reports SERVING (`printforge up`,
  dashboards, humans). Never a probe: one backend down would take every gateway with it.
"""

from __future__ import annotations

import asyncio

import grpc
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter(tags=["ops"])

READY_REQUIRES = ("auth",)
"""The backends every routed request needs; the others are reported by /readyz, not required."""

READY_CHECK_TIMEOUT_S = 1.0
"""Each backend's health deadline in /readyz, under the probe's 2 s timeoutSeconds (k8s/base)."""

SERVING = health_pb2.HealthCheckResponse.ServingStatus.Name(health_pb2.HealthCheckResponse.SERVING)


async def _status(channel: grpc.aio.Channel, timeout_s: float) -> str:
    """One backend's overall health status name, or UNREACHABLE with the gRPC code."""
    try:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=timeout_s
        )
    except grpc.aio.AioRpcError as exc:
        return f"UNREACHABLE ({exc.code().name})"
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


async def backend_statuses(channels: dict[str, grpc.aio.Channel], timeout_s: float) -> dict[str, str]:
    """Every backend checked at once, so a slow one costs its deadline once, not per service."""
    names = list(channels)
    statuses = await asyncio.gather(*(_status(channels[name], timeout_s) for name in names))
    return dict(zip(names, statuses, strict=True))


@router.get("/livez", summary="200 while the gateway process serves HTTP; calls no backend")
async def livez() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get(
    "/readyz",
    summary="200 when the auth service reports SERVING (every route needs it); other backends are reported",
)
async def readyz(request: Request) -> JSONResponse:
    services = await backend_statuses(request.app.state.clients.channels, READY_CHECK_TIMEOUT_S)
    ready = all(services.get(name) == SERVING for name in READY_REQUIRES)
    degraded = any(status != SERVING for status in services.values())
    body = {
        "status": ("degraded" if degraded else "ok") if ready else "unavailable",
        "requires": list(READY_REQUIRES),
        "services": services,
    }
    return JSONResponse(body, 200 if ready else 503)


@router.get("/healthz", summary="200 when every backend service reports SERVING, else 503 (not a probe)")
async def healthz(request: Request) -> JSONResponse:
    services = await request.app.state.clients.health()
    healthy = all(status == "SERVING" for status in services.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "services": services}, 200 if healthy else 503
    )


@router.get("/metrics", summary="Prometheus metrics of this gateway process")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
