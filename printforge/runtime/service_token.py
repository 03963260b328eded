"""Signed per-call service tokens: the only callers a printforge gRPC service answers are the mesh's own.

Why a token and not mTLS: Kubernetes' native gRPC probes speak plaintext only, a per-service
HMAC key is one more line in a Secret (no CA, no issuance, no rotation job), and the same code
runs locally with a key generated into the data dir, so `printforge up` needs no set-up. TLS
(grpc_tls.py) can be layered under it when the network itself must be encrypted.

Each service has its own key (`PRINTFORGE_SERVICE_TOKEN_KEY_<SERVICE>`): calls INTO a service are
signed with that service's key, so only the pods that are meant to call it hold it. The auth
key is in the gateway's Secret and auth's own, nowhere else: a compromised generator pod cannot
mint keys for a user.

A token is `v1.<caller>.<unix seconds>.<HMAC-SHA256(key, "v1\\n<caller>\\n<method>\\n<seconds>")>`:
bound to the full method name (a token for ListApiKeys does not open CreateApiKey) and valid for
MAX_AGE_S either side of the server's clock. Within that window a captured token replays only
the same method; TLS between services closes that too. Being a function of (caller, method,
second), a token is minted once per method and second and shared by that second's calls, and a
server remembers the tokens it verified until they expire (TokenMinter, TokenVerifier): neither
changes which calls are admitted, both take the HMAC off each call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

log = logging.getLogger(__name__)

METADATA_KEY = "x-printforge-service-token"
MAX_AGE_S = 60
"""How far a token's timestamp may be from the server's clock, either way (clock skew included)."""
_VERSION = "v1"
# Probes (kubelet, Envoy) and tooling call these without a token; neither reads or changes data.
OPEN_SERVICE_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.v1alpha.ServerReflection/")


class InvalidServiceToken(ValueError):
    pass


def _mac(key: bytes, caller: str, method: str, issued: int) -> str:
    message = f"{_VERSION}\n{caller}\n{method}\n{issued}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def mint(key: bytes, caller: str, method: str, *, now: float | None = None) -> str:
    """A token for one call of `method` (`/package.Service/Method`) by service `caller`."""
    if not caller or "." in caller:
        raise ValueError(f"caller must be a plain service name, got {caller!r}")
    issued = int(time.time() if now is None else now)
    return f"{_VERSION}.{caller}.{issued}.{_mac(key, caller, method, issued)}"


def _verified(token: str, key: bytes, method: str, now: float) -> tuple[str, int]:
    """(caller, issued) of a valid, fresh token for `method`; InvalidServiceToken otherwise."""
    parts = token.split(".")
    if len(parts) != 4:
        raise InvalidServiceToken("malformed service token")
    version, caller, issued_text, mac = parts
    if version != _VERSION or not caller or not issued_text.isdigit():
        raise InvalidServiceToken("malformed service token")
    issued = int(issued_text)
    if not hmac.compare_digest(mac, _mac(key, caller, method, issued)):
        raise InvalidServiceToken("service token signature does not match")
    if abs(now - issued) > MAX_AGE_S:
        raise InvalidServiceToken("service token expired")
    return caller, issued


def verify(token: str, key: bytes, method: str, *, now: float | None = None) -> str:
    """The caller named by a valid, fresh token for `method`; InvalidServiceToken otherwise."""
    return _verified(token, key, method, time.time() if now is None else now)[0]


class TokenMinter:
    """`mint` for one caller and key, one HMAC per method and second.

    A token is a function of (caller, method, second) alone, so every call of a method within
    the same second carries the same token: minting it once per second gives byte-identical
    tokens without an HMAC per call.
    """

    def __init__(self, key: bytes, caller: str, clock: Callable[[], float] = time.time) -> None:
        mint(key, caller, "/check")  # fail when the channel is made, not at its first call
        self._key = key
        self._caller = caller
        self._clock = clock
        self._tokens: dict[str, tuple[int, str]] = {}

    def token(self, method: str) -> str:
        issued = int(self._clock())
        cached = self._tokens.get(method)
        if cached is not None and cached[0] == issued:
            return cached[1]
        token = mint(self._key, self._caller, method, now=issued)
        self._tokens[method] = (issued, token)
        return token


class TokenVerifier:
    """`verify` for one key, remembering the tokens that passed until their window ends.

    Whether a token is valid for a method depends only on the key, the token, the method and
    the clock; a token that verified stays valid until `issued + MAX_AGE_S`. So a remembered
    (token, method) is answered after a freshness check alone, which is exactly what verify
    would say, without its HMAC. Only valid tokens are remembered, and minting one takes the
    key, so the memory cannot be filled by callers without it; it is emptied at `max_entries`.
    """

    def __init__(self, key: bytes, clock: Callable[[], float] = time.time, max_entries: int = 10_000) -> None:
        if not key:
            raise ValueError("a service token key is required")
        self._key = key
        self._clock = clock
        self._max_entries = max_entries
        self._valid: dict[tuple[str, str], tuple[str, int]] = {}

    def caller(self, token: str, method: str) -> str:
        """The caller named by a valid, fresh token for `method`; InvalidServiceToken otherwise."""
        now = self._clock()
        remembered = self._valid.get((token, method))
        if remembered is not None and abs(now - remembered[1]) <= MAX_AGE_S:
            return remembered[0]
        self._valid.pop((token, method), None)
        caller, issued = _verified(token, self._key, method, now)
        if len(self._valid) >= self._max_entries:
            self._valid.clear()
        self._valid[token, method] = (caller, issued)
        return caller


def _metadata_value(metadata: Any, name: str) -> str | None:
    for key, value in metadata or ():
        if key == name:
            return value.decode() if isinstance(value, bytes) else value
    return None


def _refusal(handler: grpc.RpcMethodHandler, message: str) -> grpc.RpcMethodHandler:
    """A handler of the same shape as `handler` that answers UNAUTHENTICATED and runs nothing."""

    async def refuse(_request: Any, context: grpc.aio.ServicerContext) -> Any:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)

    async def refuse_stream(_request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)
        yield  # pragma: no cover - abort raises; the yield makes this an async generator

    kinds = {
        "unary_unary": (grpc.unary_unary_rpc_method_handler, refuse),
        "unary_stream": (grpc.unary_stream_rpc_method_handler, refuse_stream),
        "stream_unary": (grpc.stream_unary_rpc_method_handler, refuse),
        "stream_stream": (grpc.stream_stream_rpc_method_handler, refuse_stream),
    }
    for attribute, (make, behaviour) in kinds.items():
        if getattr(handler, attribute):
            return make(
                behaviour,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
    raise AssertionError(f"RPC handler of no known kind: {handler}")  # pragma: no cover


class ServiceTokenServerInterceptor(grpc.aio.ServerInterceptor):
    """Refuses (UNAUTHENTICATED) every call but health and reflection without a valid token."""

    def __init__(self, key: bytes) -> None:
        self._verifier = TokenVerifier(key)

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(OPEN_SERVICE_PREFIXES):
            return handler
        token = _metadata_value(handler_call_details.invocation_metadata, METADATA_KEY)
        if token is None:
            return _refusal(handler, "this service answers only printforge services: no service token")
        try:
            self._verifier.caller(token, method)
        except InvalidServiceToken as exc:
            log.warning("refused a call", extra={"method": method, "reason": str(exc)})
            return _refusal(handler, f"this service answers only printforge services: {exc}")
        return handler


class _TokenSigner:
    """Adds a fresh token for the called method to a call's metadata."""

    def __init__(self, minter: TokenMinter) -> None:
        self._minter = minter

    def _with_token(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        metadata = [
            *((k, v) for k, v in (details.metadata or ()) if k != METADATA_KEY),
            (METADATA_KEY, self._minter.token(method)),
        ]
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )


class _UnaryUnary(_TokenSigner, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return await continuation(self._with_token(client_call_details), request)


class _UnaryStream(_TokenSigner, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return await continuation(self._with_token(client_call_details), request)


class _StreamUnary(_TokenSigner, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return await continuation(self._with_token(client_call_details), request_iterator)


class _StreamStream(_TokenSigner, grpc.aio.StreamStreamClientInterceptor):
    async def intercept_stream_stream(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return await continuation(self._with_token(client_call_details), request_iterator)


def client_interceptors(caller: str, key: bytes) -> list[grpc.aio.ClientInterceptor]:
    """One interceptor per call shape: a grpc.aio channel files each interceptor under one shape only."""
    minter = TokenMinter(key, caller)
    return [kind(minter) for kind in (_UnaryUnary, _UnaryStream, _StreamUnary, _StreamStream)]
