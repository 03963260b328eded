"""Fetch a user-supplied URL from a server without letting it reach internal addresses.

Checking a URL and then handing it to an ordinary HTTP client is not enough: the client resolves
the name again (DNS rebinding: public on the first answer, 127.0.0.1 on the second) and follows
redirects to wherever they point. So this module resolves each host once, checks *every* answer
against an `AddressPolicy`, and connects only to a checked address through an httpcore network
backend that refuses any other destination; the request still carries the original name in the
Host header and TLS SNI, so virtual hosting and certificate checks work. Redirects are followed
by hand (at most `MAX_REDIRECTS`), each target checked the same way. One deadline covers DNS,
connects, every redirect and the body; the byte cap is enforced while streaming, whatever
Content-Length says. `fetch_url` GETs model files (http, https, data:); `post_url` delivers
webhooks under the same rules without following redirects. httpcore is used directly because
it honours no proxy environment variables (a proxy would resolve names itself) and lets us
supply the network backend.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import ipaddress
import math
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urljoin

import httpcore

from printforge.runtime.mesh_media_types import suffix_for
from printforge.runtime.url_policy import (
    PUBLIC_ONLY,
    AddressPolicy,
    DataTarget,
    HttpTarget,
    UnsafeURLError,
    parse_http_url,
    validate_url,
)

Resolver = Callable[[str], Awaitable[list[str]]]
"""Async callable: host name -> IP address strings (all of them; every one is checked)."""

DEFAULT_MAX_BYTES = 100 * 2**20
MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_REQUEST_HEADERS = (
    (b"User-Agent", b"printforge-fetch/1"),
    (b"Accept", b"*/*"),
    (b"Accept-Encoding", b"identity"),
)
_CALLER_MAY_NOT_SET = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_WHITESPACE = re.compile(rb"[\t\n\f\r ]")


class FetchError(Exception):
    """The URL was acceptable but fetching it failed; the message says why."""


class FileTooLargeError(FetchError):
    """The body (or decoded data: payload) exceeds the byte cap."""


class FetchTimeoutError(FetchError):
    """The whole fetch (DNS, connects, redirects, body) missed its deadline."""


class UpstreamStatusError(FetchError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class TooManyRedirectsError(FetchError):
    """More than MAX_REDIRECTS redirects."""


@dataclass(frozen=True)
class FetchedFile:
    data: bytes
    filename: str
    """Last path segment of the URL the caller gave (its extension was checked), or for data:
    URLs `model` plus a suffix derived from the media type when it is a known mesh type."""
    content_type: str | None
    final_url: str
    """The URL the body came from after redirects; for data: URLs just `data:<media type>`."""


async def system_resolver(host: str) -> list[str]:
    """Resolve with the operating system (getaddrinfo in a worker thread)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def fetch_url(
    url: str,
    *,
    allowed_extensions: frozenset[str] | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = 60.0,
    resolver: Resolver = system_resolver,
    policy: AddressPolicy = PUBLIC_ONLY,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> FetchedFile:
    """GET `url` (http, https or data:) safely and return its body.

    Raises UnsafeURLError (map to HTTP 400) before any connection when the URL or any address
    it or a redirect leads to is not allowed, and a FetchError subclass when fetching fails.
    `network_backend` is the httpcore backend that makes the (pinned) TCP connections; tests
    substitute one that records instead of connecting.
    """
    target = validate_url(url, allowed_extensions)
    if isinstance(target, DataTarget):
        return decode_data_url(target, max_bytes)
    try:
        async with asyncio.timeout(timeout_s):
            return await _get_following_redirects(
                target, max_bytes, resolver, policy, network_backend or httpcore.AnyIOBackend()
            )
    except (TimeoutError, httpcore.TimeoutException) as exc:
        raise FetchTimeoutError(f"fetching {target.url} took longer than {timeout_s:g} s") from exc


def decode_data_url(target: DataTarget, max_bytes: int) -> FetchedFile:
    """Decode a data: URL payload (percent-encoded or base64), never producing > max_bytes."""
    payload = target.payload
    if target.base64:
        # Allow line breaks and escapes on top of the exact encoded size of a max_bytes file.
        max_b64 = 4 * math.ceil(max_bytes / 3)
        _refuse_if_longer(len(payload), 2 * max_b64 + 4, max_bytes)
        text = _WHITESPACE.sub(b"", unquote_to_bytes(payload) if "%" in payload else payload.encode())
        _refuse_if_longer(len(text), max_b64, max_bytes)
        data = _forgiving_base64(text)
    else:
        # Every decoded byte takes at least one and at most three characters.
        _refuse_if_longer(len(payload), 3 * max_bytes, max_bytes)
        data = unquote_to_bytes(payload)
    _refuse_if_longer(len(data), max_bytes, max_bytes)
    media_type = target.media_type
    return FetchedFile(
        data=data,
        filename="model" + suffix_for(media_type),
        content_type=media_type,
        final_url=f"data:{media_type or ''}",
    )


def _refuse_if_longer(length: int, limit: int, max_bytes: int) -> None:
    if length > limit:
        raise FileTooLargeError(f"data: URL payload is larger than the {max_bytes}-byte limit")


def _forgiving_base64(text: bytes) -> bytes:
    """WHATWG forgiving-base64: padding optional, anything outside the alphabet is an error."""
    if len(text) % 4 == 0 and text.endswith(b"="):
        text = text[:-2] if text.endswith(b"==") else text[:-1]
    if len(text) % 4 == 1:
        raise UnsafeURLError("malformed data: URL: base64 payload has an impossible length")
    try:
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error as exc:
        raise UnsafeURLError(f"malformed data: URL: invalid base64 ({exc})") from exc


@dataclass(frozen=True)
class PostResult:
    status: int
    body: bytes
    """At most `max_response_bytes` of the response body (the rest is not read)."""


async def post_url(
    url: str,
    *,
    content: bytes,
    headers: Mapping[str, str] | None = None,
    max_response_bytes: int = 64 * 1024,
    timeout_s: float = 10.0,
    resolver: Resolver = system_resolver,
    policy: AddressPolicy = PUBLIC_ONLY,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
) -> PostResult:
    """POST `content` to an http(s) URL (e.g. a webhook) under the same address rules as fetch_url.

    Redirects are not followed and HTTP error statuses are returned, not raised: the caller
    decides what a 3xx/4xx/5xx means for retries. Raises UnsafeURLError for refused URLs or
    addresses, FetchTimeoutError past the deadline and FetchError when the exchange fails.
    """
    extra = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in (headers or {}).items()]
    if any(name.decode().lower() in _CALLER_MAY_NOT_SET for name, _ in extra):
        raise ValueError(f"post_url sets these headers itself: {', '.join(sorted(_CALLER_MAY_NOT_SET))}")
    target = validate_url(url, None)
    if isinstance(target, DataTarget):
        raise UnsafeURLError("unsupported URL scheme 'data': use http or https")
    try:
        async with asyncio.timeout(timeout_s):
            addresses = await resolve_allowed(target, resolver, policy)
            backend = network_backend or httpcore.AnyIOBackend()
            async with _exchange(target, addresses, backend, "POST", content, extra) as response:
                body = bytearray()
                async for chunk in response.aiter_stream():
                    body += chunk[: max_response_bytes - len(body)]
                    if len(body) >= max_response_bytes:
                        break
                return PostResult(status=response.status, body=bytes(body))
    except (TimeoutError, httpcore.TimeoutException) as exc:
        raise FetchTimeoutError(f"posting to {target.url} took longer than {timeout_s:g} s") from exc


async def resolve_allowed(target: HttpTarget, resolver: Resolver, policy: AddressPolicy) -> tuple[str, ...]:
    """Resolve `target` once and return its addresses; UnsafeURLError if ANY of them is refused.

    Refusing the whole name when one answer is internal (rather than picking a public one) keeps
    mixed answers from being used to probe which internal addresses exist.
    """
    if target.ip is not None:
        reason = policy.refusal(target.ip, target.port)
        if reason:
            raise UnsafeURLError(f"{target.host} is a {reason} address; server-side fetches are refused")
        return (target.host,)
    try:
        answers = await resolver(target.host)
    except OSError as exc:
        raise FetchError(f"could not resolve host {target.host!r}: {exc}") from exc
    if not answers:
        raise FetchError(f"host {target.host!r} has no addresses")
    addresses = []
    for answer in answers:
        try:
            address = ipaddress.ip_address(answer)
        except ValueError as exc:
            raise FetchError(f"resolver returned {answer!r} for {target.host!r}, not an address") from exc
        reason = policy.refusal(address, target.port)
        if reason:
            raise UnsafeURLError(
                f"host {target.host!r} resolves to {address}, a {reason} address; "
                "server-side fetches are refused"
            )
        addresses.append(str(address))
    return tuple(addresses)


async def _get_following_redirects(
    target: HttpTarget,
    max_bytes: int,
    resolver: Resolver,
    policy: AddressPolicy,
    backend: httpcore.AsyncNetworkBackend,
) -> FetchedFile:
    current, addresses = target, await resolve_allowed(target, resolver, policy)
    for hop in range(MAX_REDIRECTS + 1):
        async with _exchange(current, addresses, backend, "GET") as response:
            status = response.status
            if 200 <= status < 300:
                return FetchedFile(
                    data=await _read_capped(response, max_bytes),
                    filename=target.filename,
                    content_type=_header(response.headers, b"content-type"),
                    final_url=current.url,
                )
            if status >= 400:
                raise UpstreamStatusError(f"{current.url} answered HTTP {status}", status)
            location = _header(response.headers, b"location")
            if status not in _REDIRECT_STATUSES or location is None:
                raise FetchError(f"{current.url} answered HTTP {status} with no Location to follow")
        if hop == MAX_REDIRECTS:
            break
        source = current
        try:
            current = parse_http_url(urljoin(source.url, location))
            addresses = await resolve_allowed(current, resolver, policy)
        except UnsafeURLError as exc:
            raise UnsafeURLError(f"redirect from {source.url} to {location!r} refused: {exc}") from exc
    raise TooManyRedirectsError(f"{target.url} redirected more than {MAX_REDIRECTS} times")


@contextlib.asynccontextmanager
async def _exchange(
    target: HttpTarget,
    addresses: tuple[str, ...],
    backend: httpcore.AsyncNetworkBackend,
    method: str,
    content: bytes | None = None,
    extra_headers: Sequence[tuple[bytes, bytes]] = (),
) -> AsyncIterator[httpcore.Response]:
    """One request over a fresh connection pinned to `addresses`; transport errors -> FetchError."""
    pool = httpcore.AsyncConnectionPool(
        network_backend=_PinnedBackend(target.host, target.port, addresses, backend),
        max_connections=1,
        retries=0,
        http1=True,
        http2=False,
    )
    url = httpcore.URL(
        scheme=target.scheme.encode(),
        host=target.host.encode(),
        port=target.port,
        target=target.target.encode(),
    )
    # Set Host ourselves: httpcore would omit the brackets around an IPv6 literal.
    headers = [(b"Host", target.authority.encode()), *_REQUEST_HEADERS, *extra_headers]
    async with (
        pool,
        _translate_errors(target),
        pool.stream(method, url, headers=headers, content=content) as response,
    ):
        yield response


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in headers if k.lower() == name), None)


async def _read_capped(response: httpcore.Response, max_bytes: int) -> bytes:
    encoding = _header(response.headers, b"content-encoding")
    if encoding not in (None, "identity"):
        raise FetchError(f"server sent Content-Encoding {encoding!r} although identity was requested")
    declared = _header(response.headers, b"content-length")
    if (
        declared is not None
        and declared.isascii()
        and declared.strip().isdigit()
        and int(declared) > max_bytes
    ):
        raise FileTooLargeError(f"file is {int(declared)} bytes; the limit is {max_bytes} bytes")
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.aiter_stream():
        received += len(chunk)
        if received > max_bytes:
            raise FileTooLargeError(f"file is larger than the {max_bytes}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


@contextlib.asynccontextmanager
async def _translate_errors(target: HttpTarget) -> AsyncIterator[None]:
    """Turn httpcore transport failures into FetchError naming the URL (timeouts pass through)."""
    try:
        yield
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
        raise FetchError(f"could not fetch {target.url}: {exc or type(exc).__name__}") from exc


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to the checked addresses of one host:port, whatever httpcore asks for."""

    def __init__(
        self, host: str, port: int, addresses: tuple[str, ...], inner: httpcore.AsyncNetworkBackend
    ) -> None:
        self._host = host
        self._port = port
        self._addresses = addresses
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if (host, port) != (self._host, self._port):
            raise httpcore.ConnectError(f"refusing to connect to unchecked {host}:{port}")
        failure: httpcore.ConnectError | None = None
        for address in self._addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"no addresses for {host}")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for user-supplied URLs")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
