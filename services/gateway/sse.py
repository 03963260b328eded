"""Server-Sent Events for watching long work (sse-starlette): `event: message` snapshots,
`event: error` on failure, heartbeats while waiting, no caching or proxy buffering.

The HTTP status is already sent when the first event goes out, so a failure after that (the
backend went away, the watch deadline passed) can only be told in-band, as an `error` event
whose body each dialect shapes its own way. Routes check ownership before they stream, so
401/403/404 still arrive as ordinary HTTP errors.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from sse_starlette.sse import EventSourceResponse

from printforge.task.v1 import task_pb2
from printforge_services.gateway.errors import ApiError, error_body, from_grpc

HEARTBEAT_S = 15
"""A `: ping` comment this often, so proxies with idle timeouts (Envoy, nginx) keep the stream."""
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}

ErrorData = Callable[[ApiError], dict[str, Any]]


def meshy_error(api: ApiError) -> dict[str, Any]:
    """The Meshy stream's error event body."""
    return {"status_code": api.status, "message": api.message}


def envelope_error(api: ApiError) -> dict[str, Any]:
    """The printforge error envelope (Meshra, Makistry), as the REST routes answer it."""
    return error_body(api.status, api.message, api.code)


def event_stream(
    objects: AsyncIterator[dict[str, Any]], error_data: ErrorData = meshy_error
) -> EventSourceResponse:
    """Send each object as a `message` event; a gRPC or API error ends the stream with an `error` event."""

    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            async for obj in objects:
                yield {"event": "message", "data": json.dumps(obj)}
        except (grpc.aio.AioRpcError, ApiError) as exc:
            api = from_grpc(exc) if isinstance(exc, grpc.aio.AioRpcError) else exc
            yield {"event": "error", "data": json.dumps(error_data(api))}

    return EventSourceResponse(events(), ping=HEARTBEAT_S, headers=SSE_HEADERS)


def task_event_stream(
    snapshots: AsyncIterator[task_pb2.Task], render: Callable[[task_pb2.Task], dict[str, Any]]
) -> EventSourceResponse:
    """The Meshy task stream: each task snapshot rendered as the dialect's object."""

    async def rendered() -> AsyncIterator[dict[str, Any]]:
        async for task in snapshots:
            yield render(task)

    return event_stream(rendered())
