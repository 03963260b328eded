"""Request counts and latencies per route for Prometheus, as a plain ASGI middleware.

A pure ASGI middleware (not Starlette's BaseHTTPMiddleware) so SSE responses keep
streaming and the per-request cost stays small on the hot path.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled by the gateway.", ("method", "route", "status")
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to the response headers of gateway HTTP requests.",
    ("method", "route"),
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                route = scope.get("route")
                path = getattr(route, "path", "unmatched")
                LATENCY.labels(scope["method"], path).observe(time.perf_counter() - start)
                REQUESTS.labels(scope["method"], path, str(status)).inc()
            await send(message)

        await self.app(scope, receive, send_wrapper)
