"""The safe fetcher against real HTTP servers on 127.0.0.1, and a recording network backend.

Two local servers: the *stand-in* plays a public host (the test policy allows exactly its port)
and the *canary* plays an internal service that every refused URL targets; the canary must never
see a request. Private and public addresses other than loopback are never dialled: those tests
inject a resolver that answers from a table and a network backend that records instead of
connecting.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import pytest

from printforge.runtime.safe_fetch import (
    MAX_REDIRECTS,
    FetchError,
    FetchTimeoutError,
    FileTooLargeError,
    PostResult,
    TooManyRedirectsError,
    UpstreamStatusError,
    fetch_url,
    post_url,
    system_resolver,
)
from printforge.runtime.url_policy import LoopbackTestPolicy, UnsafeURLError

STL = frozenset({".glb", ".stl", ".obj"})
MODEL = b"solid t\nfacet normal 0 0 1\nendfacet\nendsolid t\n"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.posts.append((body, self.headers.get("Content-Type"), self.headers.get("X-Signature")))
        self.do_GET()

    def do_GET(self) -> None:
        self.server.hits.append((self.path, self.headers.get("Host")))
        url = urllib.parse.urlsplit(self.path)
        segments = url.path.strip("/").split("/")
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        route = getattr(self, f"route_{segments[0]}", self.route_model)
        with contextlib.suppress(OSError):  # the client gave up (deadline, size cap): expected
            route(segments, query)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _raw(self, head: str, body: bytes = b"") -> None:
        self.wfile.write(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        self.wfile.flush()
        self.close_connection = True

    def route_model(self, segments: list[str], query: dict[str, str]) -> None:
        self._raw(f"HTTP/1.1 200 OK\nContent-Type: model/stl\nContent-Length: {len(MODEL)}\n", MODEL)

    def route_redirect(self, segments: list[str], query: dict[str, str]) -> None:
        self._raw(f"HTTP/1.1 302 Found\nLocation: {query['to']}\nContent-Length: 0\n")

    def route_loop(self, segments: list[str], query: dict[str, str]) -> None:
        hop, stop = int(segments[1]), int(query["stop"])
        if hop >= stop:
            self.route_model(segments, query)
        else:
            self._raw(f"HTTP/1.1 307 Temporary Redirect\nLocation: /loop/{hop + 1}/x?stop={stop}\n\n")

    def route_slowloop(self, segments: list[str], query: dict[str, str]) -> None:
        time.sleep(0.3)
        self._raw(
            f"HTTP/1.1 302 Found\nLocation: /slowloop/{int(segments[1]) + 1}/x.stl\nContent-Length: 0\n"
        )

    def route_chunked(self, segments: list[str], query: dict[str, str]) -> None:
        self._raw("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n")
        remaining = int(query["n"])
        while remaining:
            size = min(remaining, 4096)
            self.wfile.write(b"%x\r\n" % size + b"a" * size + b"\r\n")
            remaining -= size
        self.wfile.write(b"0\r\n\r\n")

    def route_close(self, segments: list[str], query: dict[str, str]) -> None:
        """HTTP/1.0 style: no Content-Length, the body ends when the connection closes."""
        self._raw("HTTP/1.0 200 OK\nConnection: close\n", b"b" * int(query["n"]))

    def route_lying(self, segments: list[str], query: dict[str, str]) -> None:
        self._raw(f"HTTP/1.1 200 OK\nContent-Length: {query['declared']}\n", b"c" * int(query["actual"]))
        time.sleep(float(query.get("linger", "0")))

    def route_trickle(self, segments: list[str], query: dict[str, str]) -> None:
        self._raw("HTTP/1.1 200 OK\nContent-Length: 1000\n")
        for _ in range(1000):
            time.sleep(0.05)
            self.wfile.write(b"d")
            self.wfile.flush()

    def route_status(self, segments: list[str], query: dict[str, str]) -> None:
        self._raw(f"HTTP/1.1 {segments[1]} Whatever\nContent-Length: 0\n")

    def route_gzip(self, segments: list[str], query: dict[str, str]) -> None:
        self._raw("HTTP/1.1 200 OK\nContent-Encoding: gzip\nContent-Length: 3\n", b"xyz")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[tuple[str, str | None]] = []
        self.posts: list[tuple[bytes, str | None, str | None]] = []

    @property
    def port(self) -> int:
        return self.server_address[1]


@contextlib.contextmanager
def _serve() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def stand_in() -> Iterator[_Server]:
    with _serve() as server:
        yield server


@pytest.fixture
def canary() -> Iterator[_Server]:
    """Fails the test at teardown if anything reached it, in case a test forgets to look."""
    with _serve() as server:
        yield server
        assert server.hits == [], "a refused URL reached the canary"


@pytest.fixture
def policy(stand_in: _Server) -> LoopbackTestPolicy:
    return LoopbackTestPolicy(port=stand_in.port)


class RecordingResolver:
    """Answers from a table without DNS and records every question."""

    def __init__(self, answers: dict[str, list[str]] | None = None) -> None:
        self.answers = answers or {}
        self.queries: list[str] = []

    async def __call__(self, host: str) -> list[str]:
        self.queries.append(host)
        return self.answers[host]


class _RecordingStream(httpcore.AsyncNetworkStream):
    def __init__(self, backend: RecordingBackend) -> None:
        self._backend = backend

    async def start_tls(
        self, ssl_context: object, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        self._backend.tls_names.append(server_hostname)
        raise httpcore.ConnectError("recording backend: no TLS handshake")

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        raise httpcore.WriteError("recording backend: nothing is sent")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        raise httpcore.ReadError("recording backend: nothing is received")

    async def aclose(self) -> None:
        pass


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that records connection attempts and never opens a socket."""

    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.refuse = refuse
        self.connects: list[tuple[str, int]] = []
        self.tls_names: list[str | None] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        **_: object,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if host in self.refuse:
            raise httpcore.ConnectError(f"recording backend: {host} refused")
        return _RecordingStream(self)


async def test_system_resolver_answers_from_the_hosts_file() -> None:
    assert {"127.0.0.1", "::1"} & set(await system_resolver("localhost"))


# --- success --------------------------------------------------------------------------------------


async def test_fetch_connects_to_the_pinned_address_and_sends_the_original_host(
    stand_in: _Server, canary: _Server, policy: LoopbackTestPolicy
) -> None:
    resolver = RecordingResolver({"models.example.test": ["127.0.0.1"]})
    got = await fetch_url(
        f"http://models.example.test:{stand_in.port}/files/part.STL?sig=abc",
        allowed_extensions=STL,
        resolver=resolver,
        policy=policy,
    )
    assert got.data == MODEL
    assert got.filename == "part.STL"
    assert got.content_type == "model/stl"
    assert got.final_url == f"http://models.example.test:{stand_in.port}/files/part.STL?sig=abc"
    assert stand_in.hits == [("/files/part.STL?sig=abc", f"models.example.test:{stand_in.port}")]
    assert resolver.queries == ["models.example.test"]


async def test_exactly_max_redirects_are_followed(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    got = await fetch_url(
        f"http://127.0.0.1:{stand_in.port}/loop/0/model.glb?stop={MAX_REDIRECTS}",
        allowed_extensions=STL,
        policy=policy,
    )
    assert got.data == MODEL
    assert got.filename == "model.glb"  # the name the caller gave, whose extension was checked
    assert got.final_url.endswith(f"/loop/{MAX_REDIRECTS}/x?stop={MAX_REDIRECTS}")
    assert len(stand_in.hits) == MAX_REDIRECTS + 1


async def test_body_of_exactly_the_cap_is_accepted(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    url = f"http://127.0.0.1:{stand_in.port}/chunked/x.stl?n=10000"
    got = await fetch_url(url, allowed_extensions=STL, max_bytes=10_000, policy=policy)
    assert got.data == b"a" * 10_000


async def test_https_sni_uses_the_name_while_tcp_goes_to_the_checked_address() -> None:
    backend = RecordingBackend()
    resolver = RecordingResolver({"cdn.example.com": ["1.1.1.1"]})
    with pytest.raises(FetchError, match="could not fetch"):
        await fetch_url(
            "https://cdn.example.com/m.glb",
            allowed_extensions=STL,
            resolver=resolver,
            network_backend=backend,
        )
    assert backend.connects == [("1.1.1.1", 443)]
    assert backend.tls_names == ["cdn.example.com"]


async def test_every_checked_address_is_tried_in_order_and_no_other() -> None:
    backend = RecordingBackend(refuse=frozenset({"2606:4700:4700::1111"}))
    resolver = RecordingResolver({"cdn.example.com": ["2606:4700:4700::1111", "1.0.0.1"]})
    with pytest.raises(FetchError):
        await fetch_url(
            "http://cdn.example.com:8080/m.glb",
            allowed_extensions=STL,
            resolver=resolver,
            network_backend=backend,
        )
    assert backend.connects == [("2606:4700:4700::1111", 8080), ("1.0.0.1", 8080)]


# --- refused before any connection -----------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "2130706433",
        "0x7f000001",
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "[::ffff:127.0.0.1]",
        "[::1]",
        "localhost",
    ],
)
async def test_loopback_spellings_never_reach_the_canary(
    host: str, canary: _Server, policy: LoopbackTestPolicy
) -> None:
    resolver = RecordingResolver()
    with pytest.raises(UnsafeURLError):
        await fetch_url(
            f"http://{host}:{canary.port}/x.stl", allowed_extensions=STL, resolver=resolver, policy=policy
        )
    assert resolver.queries == []
    assert canary.hits == []


async def test_a_name_resolving_to_loopback_never_reaches_the_canary(
    canary: _Server, policy: LoopbackTestPolicy
) -> None:
    resolver = RecordingResolver({"canary.example.test": ["127.0.0.1"]})
    with pytest.raises(UnsafeURLError, match=r"resolves to 127\.0\.0\.1, a loopback address"):
        await fetch_url(
            f"http://canary.example.test:{canary.port}/x.stl",
            allowed_extensions=STL,
            resolver=resolver,
            policy=policy,
        )
    assert resolver.queries == ["canary.example.test"]
    assert canary.hits == []


async def test_a_bad_extension_is_refused_before_resolving_or_connecting(
    stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    resolver = RecordingResolver({"models.example.test": ["127.0.0.1"]})
    with pytest.raises(UnsafeURLError, match="extension"):
        await fetch_url(
            f"http://models.example.test:{stand_in.port}/model.exe?as=x.stl",
            allowed_extensions=STL,
            resolver=resolver,
            policy=policy,
        )
    assert resolver.queries == []
    assert stand_in.hits == []


@pytest.mark.parametrize(
    "answers",
    [
        ["10.0.0.5"],
        ["169.254.169.254"],
        ["100.64.0.1"],
        ["198.18.0.1"],
        ["fd00:ec2::254"],
        ["fe80::1"],
        ["::ffff:10.0.0.5"],
        ["64:ff9b::a9fe:a9fe"],
        ["2002:c0a8:101::1"],
        ["1.1.1.1", "127.0.0.1"],  # one internal answer condemns the name
    ],
)
async def test_names_resolving_to_internal_addresses_are_never_dialled(answers: list[str]) -> None:
    backend = RecordingBackend()
    resolver = RecordingResolver({"evil.example.com": answers})
    with pytest.raises(UnsafeURLError, match=r"evil\.example\.com"):
        await fetch_url(
            "https://evil.example.com/m.stl",
            allowed_extensions=STL,
            resolver=resolver,
            network_backend=backend,
        )
    assert resolver.queries == ["evil.example.com"]
    assert backend.connects == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/m.stl",
        "http://169.254.169.254/latest/meta-data/m.stl",
        "http://[fd00:ec2::254]/m.stl",
        "http://metadata.google.internal/computeMetadata/v1/m.stl",
        "http://[fe80::1]/m.stl",
        "http://100.64.0.1/m.stl",
        "http://0.0.0.0/m.stl",
        "http://[::]/m.stl",
        "http://[2002:7f00:1::]/m.stl",
        "http://[64:ff9b::7f00:1]/m.stl",
        "http://user@8.8.8.8/m.stl",
    ],
)
async def test_internal_literals_are_never_resolved_or_dialled(url: str) -> None:
    backend = RecordingBackend()
    resolver = RecordingResolver()
    with pytest.raises(UnsafeURLError):
        await fetch_url(url, allowed_extensions=STL, resolver=resolver, network_backend=backend)
    assert resolver.queries == []
    assert backend.connects == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/m.stl", "gopher://example.com/m.stl"]
)
async def test_bad_schemes_are_refused(url: str) -> None:
    backend = RecordingBackend()
    with pytest.raises(UnsafeURLError, match="scheme"):
        await fetch_url(url, allowed_extensions=STL, network_backend=backend)
    assert backend.connects == []


# --- redirects --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/x.stl",
        "http://2130706433:{port}/x.stl",
        "http://[::1]:{port}/x.stl",
        "http://canary.example.test:{port}/x.stl",
        "//127.0.0.1:{port}/x.stl",
        "file:///etc/passwd",
        "data:,solid",
    ],
)
async def test_redirects_to_internal_or_odd_targets_are_refused(
    template: str, stand_in: _Server, canary: _Server, policy: LoopbackTestPolicy
) -> None:
    to = template.format(port=canary.port)
    resolver = RecordingResolver({"canary.example.test": ["127.0.0.1"]})
    url = f"http://127.0.0.1:{stand_in.port}/redirect/x.stl?to={urllib.parse.quote(to)}"
    with pytest.raises(
        UnsafeURLError, match=rf"redirect from http://127\.0\.0\.1:{stand_in.port}/redirect/x"
    ):
        await fetch_url(url, allowed_extensions=STL, resolver=resolver, policy=policy)
    assert len(stand_in.hits) == 1
    assert canary.hits == []


async def test_more_than_max_redirects_fail(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    url = f"http://127.0.0.1:{stand_in.port}/loop/0/x.stl?stop=1000"
    with pytest.raises(TooManyRedirectsError, match=f"more than {MAX_REDIRECTS}"):
        await fetch_url(url, allowed_extensions=STL, policy=policy)
    assert len(stand_in.hits) == MAX_REDIRECTS + 1


# --- size caps and the deadline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["chunked/x.stl?n=50000", "close/x.stl?n=50000", "chunked/x.stl?n=10001"],
    ids=["chunked", "close", "by-one"],
)
async def test_bodies_without_content_length_are_capped_while_streaming(
    path: str, stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    with pytest.raises(FileTooLargeError, match="larger than the 10000-byte limit"):
        await fetch_url(
            f"http://127.0.0.1:{stand_in.port}/{path}",
            allowed_extensions=STL,
            max_bytes=10_000,
            policy=policy,
        )


async def test_a_declared_oversize_fails_before_reading_the_body(
    stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    # The server declares 1 TB, sends nothing and lingers: only the header can end this quickly.
    url = f"http://127.0.0.1:{stand_in.port}/lying/x.stl?declared={10**12}&actual=0&linger=5"
    started = time.monotonic()
    with pytest.raises(FileTooLargeError, match="1000000000000 bytes; the limit is 10000"):
        await fetch_url(url, allowed_extensions=STL, max_bytes=10_000, timeout_s=4, policy=policy)
    assert time.monotonic() - started < 2


async def test_a_content_length_smaller_than_the_body_reads_only_what_was_declared(
    stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    url = f"http://127.0.0.1:{stand_in.port}/lying/x.stl?declared=100&actual=50000"
    got = await fetch_url(url, allowed_extensions=STL, max_bytes=10_000, policy=policy)
    assert got.data == b"c" * 100


async def test_a_body_shorter_than_its_content_length_is_an_error(
    stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    url = f"http://127.0.0.1:{stand_in.port}/lying/x.stl?declared=500&actual=10"
    with pytest.raises(FetchError, match="could not fetch") as info:
        await fetch_url(url, allowed_extensions=STL, policy=policy)
    assert not isinstance(info.value, FileTooLargeError)


async def test_a_slow_body_hits_the_total_deadline(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=r"longer than 0\.5 s"):
        await fetch_url(
            f"http://127.0.0.1:{stand_in.port}/trickle/x.stl",
            allowed_extensions=STL,
            timeout_s=0.5,
            policy=policy,
        )
    assert time.monotonic() - started < 2


async def test_the_deadline_covers_the_whole_redirect_chain(
    stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    # Each hop takes 0.3 s, well under the deadline; four of them do not fit in 0.8 s.
    with pytest.raises(FetchTimeoutError):
        await fetch_url(
            f"http://127.0.0.1:{stand_in.port}/slowloop/0/x.stl",
            allowed_extensions=STL,
            timeout_s=0.8,
            policy=policy,
        )
    assert 2 <= len(stand_in.hits) <= 4


async def test_the_deadline_covers_name_resolution() -> None:
    async def stuck_resolver(host: str) -> list[str]:
        await asyncio.sleep(30)
        return ["1.1.1.1"]

    with pytest.raises(FetchTimeoutError):
        await fetch_url(
            "https://cdn.example.com/m.stl", allowed_extensions=STL, timeout_s=0.2, resolver=stuck_resolver
        )


# --- upstream answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 500])
async def test_error_statuses_raise_with_the_status(
    status: int, stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    with pytest.raises(UpstreamStatusError, match=f"HTTP {status}") as info:
        await fetch_url(
            f"http://127.0.0.1:{stand_in.port}/status/{status}/x.stl", allowed_extensions=STL, policy=policy
        )
    assert info.value.status == status


async def test_a_redirect_without_location_is_an_error(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    with pytest.raises(FetchError, match="no Location to follow"):
        await fetch_url(
            f"http://127.0.0.1:{stand_in.port}/status/302/x.stl", allowed_extensions=STL, policy=policy
        )


async def test_compressed_bodies_are_refused(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    with pytest.raises(FetchError, match="Content-Encoding 'gzip'"):
        await fetch_url(f"http://127.0.0.1:{stand_in.port}/gzip/x.stl", allowed_extensions=STL, policy=policy)


# --- data: URLs --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("url", "filename", "content_type"),
    [
        (f"data:model/stl;base64,{_b64(MODEL)}", "model.stl", "model/stl"),
        (f"data:model/gltf-binary;base64,{_b64(MODEL).rstrip('=')}", "model.glb", "model/gltf-binary"),
        (
            f"data:application/octet-stream;base64,{_b64(MODEL)[:20]}\r\n {_b64(MODEL)[20:]}",
            "model",
            "application/octet-stream",
        ),
        (f"data:;base64,{urllib.parse.quote(_b64(MODEL), safe='')}", "model", None),
        (f"data:model/obj,{urllib.parse.quote(MODEL)}", "model.obj", "model/obj"),
        (f"data:Application/PLY;base64,{_b64(MODEL)}", "model.ply", "Application/PLY"),
    ],
    ids=["base64", "unpadded", "whitespace", "percent-escaped-base64", "percent", "ply-any-case"],
)
async def test_data_urls_decode(url: str, filename: str, content_type: str | None) -> None:
    got = await fetch_url(url, allowed_extensions=STL, network_backend=RecordingBackend())
    assert got.data == MODEL
    assert got.filename == filename
    assert got.content_type == content_type
    assert got.final_url.startswith("data:")


@pytest.mark.parametrize(
    "make_url",
    [
        lambda n: f"data:model/stl;base64,{_b64(b'x' * (n + 1))}",
        lambda n: f"data:model/stl,{'y' * (n + 1)}",
        lambda n: f"data:model/stl,{'%41' * (n + 1)}",
        lambda n: f"data:model/stl;base64,{'A' * (100 * n)}",
        lambda n: f"data:model/stl;base64,{' ' * (100 * n)}",
    ],
    ids=["base64", "plain", "percent", "huge-base64", "huge-whitespace"],
)
async def test_data_urls_over_the_cap_are_refused(make_url: Callable[[int], str]) -> None:
    with pytest.raises(FileTooLargeError, match="1000-byte limit"):
        await fetch_url(make_url(1000), allowed_extensions=STL, max_bytes=1000)


@pytest.mark.parametrize("payload", ["QUJD*", "Q", "QU=JD", "QUJDR==="])
async def test_malformed_base64_is_refused(payload: str) -> None:
    with pytest.raises(UnsafeURLError, match="base64"):
        await fetch_url(f"data:model/stl;base64,{payload}", allowed_extensions=STL)


# --- POST (webhook delivery) ----------------------------------------------------------------------


async def test_post_delivers_through_the_pinned_address(
    stand_in: _Server, policy: LoopbackTestPolicy
) -> None:
    resolver = RecordingResolver({"hooks.example.test": ["127.0.0.1"]})
    result = await post_url(
        f"http://hooks.example.test:{stand_in.port}/model/hook",
        content=b'{"id": "t1"}',
        headers={"Content-Type": "application/json", "X-Signature": "sig"},
        resolver=resolver,
        policy=policy,
    )
    assert result == PostResult(status=200, body=MODEL)
    assert stand_in.hits == [("/model/hook", f"hooks.example.test:{stand_in.port}")]
    assert stand_in.posts == [(b'{"id": "t1"}', "application/json", "sig")]


async def test_post_returns_redirects_and_errors_without_following(
    stand_in: _Server, canary: _Server, policy: LoopbackTestPolicy
) -> None:
    to = urllib.parse.quote(f"http://127.0.0.1:{stand_in.port}/model/x")
    redirect = await post_url(
        f"http://127.0.0.1:{stand_in.port}/redirect/?to={to}", content=b"{}", policy=policy
    )
    failure = await post_url(f"http://127.0.0.1:{stand_in.port}/status/503/", content=b"{}", policy=policy)
    assert (redirect.status, failure.status) == (302, 503)
    assert len(stand_in.hits) == 2


async def test_post_reads_at_most_the_response_cap(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    url = f"http://127.0.0.1:{stand_in.port}/chunked/?n=100000"
    result = await post_url(url, content=b"{}", max_response_bytes=1000, policy=policy)
    assert result.body == b"a" * 1000


@pytest.mark.parametrize(
    "template", ["http://127.0.0.1:{port}/hook", "http://[::1]:{port}/hook", "http://2130706433:{port}/"]
)
async def test_post_to_internal_addresses_is_refused(
    template: str, canary: _Server, policy: LoopbackTestPolicy
) -> None:
    with pytest.raises(UnsafeURLError):
        await post_url(template.format(port=canary.port), content=b"{}", policy=policy)
    assert canary.hits == []


async def test_post_refuses_data_urls_and_framing_headers() -> None:
    backend = RecordingBackend()
    with pytest.raises(UnsafeURLError, match="data"):
        await post_url("data:,x", content=b"{}", network_backend=backend)
    with pytest.raises(ValueError, match="sets these headers itself"):
        await post_url(
            "https://hooks.example.com/", content=b"{}", headers={"Host": "x"}, network_backend=backend
        )
    assert backend.connects == []


async def test_post_has_a_deadline(stand_in: _Server, policy: LoopbackTestPolicy) -> None:
    with pytest.raises(FetchTimeoutError):
        await post_url(
            f"http://127.0.0.1:{stand_in.port}/trickle/", content=b"{}", timeout_s=0.3, policy=policy
        )
