"""A cap on request body size, enforced while the body streams in.

FastAPI reads a JSON body whole into memory before any route runs, so without a cap one
multi-GB POST could exhaust the gateway. This pure ASGI middleware counts the bytes of each
`http.request` message as it arrives and stops at the route's limit: it never trusts
Content-Length alone (a chunked body has none, and a client may declare less than it sends),
though a declared length over the limit is refused before a single byte is read.

On overflow the route's own answer is discarded and the limit's error envelope is sent
instead, with `Connection: close` so the server stops reading the rest of the upload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from printforge_services.gateway.errors import error_body


@dataclass(frozen=True)
class BodyLimit:
    """The largest body a group of routes accepts, and the error that answers a larger one."""

    max_bytes: int
    status: int
    message: str
    code: str


class BodyTooLarge(Exception):
    """Raised from `receive` once the body passes its limit, so the route stops reading."""


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, default: BodyLimit, routes: Sequence[tuple[str, BodyLimit]] = ()
    ) -> None:
        """`routes` maps path prefixes to limits (first match wins); other paths get `default`."""
        self.app = app
        self.default = default
        self.routes = tuple(routes)

    def limit_for(self, path: str) -> BodyLimit:
        for prefix, limit in self.routes:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit.max_bytes:
            await _reject(limit, scope, receive, send)
            return

        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the route makes of a body it could not read, ours replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            # Routes and FastAPI wrap a failed body read in errors of their own; once the
            # limit is passed any of them means "too large".
            if not exceeded:
                raise
        if exceeded and not started:
            await _reject(limit, scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _reject(limit: BodyLimit, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        error_body(limit.status, limit.message, limit.code), limit.status, headers={"Connection": "close"}
    )
    await response(scope, receive, send)
