"""Prometheus metrics for grpc.aio servers, with the go-grpc-prometheus metric names.

The published python-grpc-prometheus interceptor supports only the synchronous server, so
this small asyncio interceptor wraps each handler. Metric names and labels follow
go-grpc-prometheus so existing dashboards work: grpc_server_started_total,
grpc_server_handled_total{grpc_code}, grpc_server_msg_received_total,
grpc_server_msg_sent_total and grpc_server_handling_seconds, with grpc_code values spelt as
Go's codes.Code.String() ("OK", "NotFound", "Canceled") because that is what those dashboards
and alerts match on.

grpc.aio serves a server-streaming handler in one of two styles: an async generator that
yields responses, or a coroutine that sends them with `await context.write(...)` (the library
health servicer's Watch). Both are wrapped, each in its own style, so neither stops working.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import grpc
from prometheus_client import Counter, Histogram

_LABELS = ("grpc_type", "grpc_service", "grpc_method")

STARTED = Counter("grpc_server_started_total", "Total number of RPCs started on the server.", _LABELS)
HANDLED = Counter(
    "grpc_server_handled_total",
    "Total number of RPCs completed on the server, regardless of success or failure.",
    (*_LABELS, "grpc_code"),
)
MSG_RECEIVED = Counter(
    "grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.", _LABELS
)
MSG_SENT = Counter(
    "grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.", _LABELS
)
HANDLING_SECONDS = Histogram(
    "grpc_server_handling_seconds",
    "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
    _LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


# go-grpc-prometheus labels a code with Go's codes.Code.String(): "NotFound", not "NOT_FOUND".
GO_CODE_NAMES = {
    code: "Canceled" if code is grpc.StatusCode.CANCELLED else code.name.title().replace("_", "")
    for code in grpc.StatusCode
}
GO_CODE_NAMES[grpc.StatusCode.OK] = "OK"


def _status_code(context: grpc.aio.ServicerContext, error: BaseException | None) -> grpc.StatusCode:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code
    if isinstance(error, asyncio.CancelledError):
        # grpc.aio cancels the handler when the client cancels or the deadline passes.
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            return grpc.StatusCode.DEADLINE_EXCEEDED
        return grpc.StatusCode.CANCELLED
    if error is not None:
        return grpc.StatusCode.UNKNOWN
    return grpc.StatusCode.OK


def _code_name(context: grpc.aio.ServicerContext, error: BaseException | None) -> str:
    return GO_CODE_NAMES[_status_code(context, error)]


class _MethodMetrics:
    """One method's series, resolved once: `labels()` takes a lock and a dict lookup per call."""

    def __init__(self, labels: tuple[str, str, str]) -> None:
        self.labels = labels
        self.started = STARTED.labels(*labels)
        self.received = MSG_RECEIVED.labels(*labels)
        self.sent = MSG_SENT.labels(*labels)
        self.seconds = HANDLING_SECONDS.labels(*labels)
        self._handled: dict[str, Any] = {}

    def handled(self, code: str) -> Any:
        counter = self._handled.get(code)
        if counter is None:
            counter = self._handled[code] = HANDLED.labels(*self.labels, code)
        return counter


@contextlib.contextmanager
def _observed(metrics: _MethodMetrics, context: grpc.aio.ServicerContext) -> Iterator[None]:
    """One RPC's bookkeeping: started, one message received, latency and the final code."""
    metrics.started.inc()
    metrics.received.inc()
    start = time.perf_counter()
    error: BaseException | None = None
    try:
        yield
    except BaseException as exc:
        error = exc
        raise
    finally:
        metrics.seconds.observe(time.perf_counter() - start)
        metrics.handled(_code_name(context, error)).inc()


class _CountingContext:
    """The servicer context as a coroutine-style streaming handler sees it: write() is counted."""

    def __init__(self, context: grpc.aio.ServicerContext, on_write: Callable[[], None]) -> None:
        self._context = context
        self._on_write = on_write

    async def write(self, message: Any) -> None:
        await self._context.write(message)
        self._on_write()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _measured(handler: grpc.RpcMethodHandler, full_method: str) -> grpc.RpcMethodHandler:
    """`handler` with its calls counted and timed."""
    service, _, method = full_method.lstrip("/").partition("/")
    if handler.unary_unary:
        metrics = _MethodMetrics(("unary", service, method))
        inner = handler.unary_unary

        async def unary_unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
            with _observed(metrics, context):
                response = await inner(request, context)
                metrics.sent.inc()
                return response

        return grpc.unary_unary_rpc_method_handler(
            unary_unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream:
        metrics = _MethodMetrics(("server_stream", service, method))
        inner_stream = handler.unary_stream

        async def unary_stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            with _observed(metrics, context):
                async for response in inner_stream(request, context):
                    metrics.sent.inc()
                    yield response

        async def unary_stream_writer(request: Any, context: grpc.aio.ServicerContext) -> None:
            with _observed(metrics, context):
                await inner_stream(request, _CountingContext(context, metrics.sent.inc))

        return grpc.unary_stream_rpc_method_handler(
            unary_stream_writer if inspect.iscoroutinefunction(inner_stream) else unary_stream,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    # Client- and bidi-streaming RPCs are not used by printforge; pass them through.
    return handler


class MetricsInterceptor(grpc.aio.ServerInterceptor):
    """Wraps each method's handler once and hands out the wrapped one on every later call.

    A server's handler for a method is the same object call after call, so the wrapped one is
    kept per method and reused while it wraps that same object (a refusal of the service-token
    interceptor is a new handler each time and is wrapped afresh). Building the wrapper and
    resolving its label children on every call cost a measurable share of a small RPC.
    """

    def __init__(self) -> None:
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        cached = self._wrapped.get(method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = _measured(handler, method)
        self._wrapped[method] = (handler, wrapped)
        return wrapped
