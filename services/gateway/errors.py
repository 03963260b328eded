"""One error envelope for every route, and the mapping from gRPC errors to it.

The body follows the Meshia convention `{"error": {"code", "message"}}` and also carries a
top-level `message`, which is what Meshy clients read; status codes come from the gRPC
status (printforge.runtime.grpc_errors.GRPC_TO_HTTP).
"""

from __future__ import annotations

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from printforge.runtime.grpc_errors import GRPC_TO_HTTP, reason_of

_DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
    504: "timeout",
}


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _DEFAULT_CODES.get(status, "error")
        self.headers = headers or {}


def error_body(status: int, message: str, code: str | None = None) -> dict[str, object]:
    code = code or _DEFAULT_CODES.get(status, "error")
    return {"error": {"code": code, "message": message}, "message": message}


RETRY_AFTER_S = 5
"""Retry-After of a 429 from a service (a pending-task quota): roughly one task's run time."""


def from_grpc(error: grpc.aio.AioRpcError) -> ApiError:
    status = GRPC_TO_HTTP.get(error.code(), 500)
    message = error.details() or error.code().name
    if status >= 500 and error.code() == grpc.StatusCode.UNAVAILABLE:
        message = "a backend service is unavailable, try again shortly"
    reason = reason_of(error)
    # Every 429 tells the client when to come back, like the per-key rate limit does.
    headers = {"Retry-After": str(RETRY_AFTER_S)} if status == 429 else None
    return ApiError(status, message, reason.lower() if reason else None, headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.status, exc.message, exc.code), exc.status, headers=exc.headers)

    @app.exception_handler(grpc.aio.AioRpcError)
    async def _grpc_error(_: Request, exc: grpc.aio.AioRpcError) -> JSONResponse:
        api = from_grpc(exc)
        return JSONResponse(error_body(api.status, api.message, api.code), api.status, headers=api.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return JSONResponse(error_body(400, "; ".join(parts) or "invalid request", "invalid_request"), 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(exc.status_code, str(exc.detail)), exc.status_code, headers=exc.headers
        )
