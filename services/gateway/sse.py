"""Server-Sent Events for task watching (sse-starlette): `event: message` snapshots,
`event: error` on failure, heartbeats while waiting, no caching or proxy buffering."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from sse_starlette.sse import EventSourceResponse

from printforge.task.v1 import task_pb2
from services.gateway.errors import ApiError, from_grpc

HEARTBEAT_S = 15
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def task_event_stream(
    snapshots: AsyncIterator[task_pb2.Task], render: Callable[[task_pb2.Task], dict[str, Any]]
) -> EventSourceResponse:
    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            async for task in snapshots:
                yield {"event": "message", "data": json.dumps(render(task))}
        except (grpc.aio.AioRpcError, ApiError) as exc:
            api = from_grpc(exc) if isinstance(exc, grpc.aio.AioRpcError) else exc
            yield {"event": "error", "data": json.dumps({"status_code": api.status, "message": api.message})}

    return EventSourceResponse(events(), ping=HEARTBEAT_S, headers=SSE_HEADERS)
