"""One blob-store contract, run against the directory backend and the S3 backend.

The S3 backend talks to moto's real S3 HTTP server on a loopback port (started once per module),
so the boto3 request/response path is exercised end to end. A socket guard makes any connection
to a non-loopback address fail the test, and dummy credentials plus AWS_EC2_METADATA_DISABLED keep
boto3's credential chain away from the instance-metadata address.
"""

from __future__ import annotations

import ipaddress
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer

from printforge.runtime.blobs import CHUNK_BYTES, BlobNotFound, BlobStore, DirectoryBlobStore, open_blob_store
from printforge.runtime.blobs_s3 import S3BlobStore
from printforge.runtime.config import Settings
from printforge.runtime.signing import sign_blob
from printforge_services.gateway.app import create_app

REGION = "us-east-1"


# --- the loopback S3 server and a network guard --------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 and a free port chosen by the kernel."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and region; no profile, config file, endpoint override or proxy is read."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything in these tests opens an IP connection off the loopback interface."""
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if not ipaddress.ip_address(host).is_loopback:
                raise AssertionError(f"blob tests must stay on loopback, tried to connect to {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(scope="module")
def s3(s3_endpoint: str) -> Any:
    """A raw boto3 client on the moto server, to look at what the store really wrote."""
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"pf-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name)
    return name


def _bucket_keys(s3: Any, bucket: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


# --- the contract ----------------------------------------------------------------------------


@dataclass
class Backend:
    store: BlobStore
    stored: Callable[[], list[str]]
    """Everything the backend holds, wherever it is: files under tmp_path, or keys in the bucket."""


@pytest.fixture(params=["directory", "s3", "s3-bucket-root"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "directory":
        root = tmp_path / "blobs"
        store = DirectoryBlobStore(root)

        def files() -> list[str]:
            # Everything under tmp_path (not only root), so a write that escapes root shows up as ../
            return sorted(os.path.relpath(p, root) for p in tmp_path.rglob("*") if p.is_file())

        return Backend(store, files)
    s3_client = request.getfixturevalue("s3")
    name = request.getfixturevalue("bucket")
    prefix = "tenant/blobs" if request.param == "s3" else ""
    store = S3BlobStore(name, prefix, endpoint_url=request.getfixturevalue("s3_endpoint"))
    assert store.client.meta.endpoint_url.startswith("http://127.0.0.1:")
    inside = f"{prefix}/" if prefix else ""

    def keys() -> list[str]:
        # Keys outside the store's prefix show up as ../ too.
        listed = _bucket_keys(s3_client, name)
        return sorted(k.removeprefix(inside) if k.startswith(inside) else f"../{k}" for k in listed)

    return Backend(store, keys)


@pytest.mark.parametrize(
    "key", ["printability/t1/model.stl", "top.bin", "reports/part name (1).stl", "ünï/ф.stl"]
)
def test_put_then_get_returns_the_same_bytes(backend: Backend, key: str) -> None:
    backend.store.put(key, b"solid part\nendsolid\n")
    assert backend.store.get(key) == b"solid part\nendsolid\n"
    assert backend.stored() == [key]


def test_put_overwrites(backend: Backend) -> None:
    backend.store.put("a/model.stl", b"first version, longer")
    backend.store.put("a/model.stl", b"second")
    assert backend.store.get("a/model.stl") == b"second"
    assert backend.stored() == ["a/model.stl"]


def test_get_of_a_missing_key_raises_blob_not_found(backend: Backend) -> None:
    backend.store.put("a/b/model.stl", b"x")
    for missing in ("never/written.stl", "a/b/other.stl", "a/b", "a/b/model.stl/inner"):
        with pytest.raises(BlobNotFound) as info:
            backend.store.get(missing)
        assert isinstance(info.value, KeyError)
        assert info.value.args == (missing,)


def test_exists(backend: Backend) -> None:
    assert not backend.store.exists("a/b/model.stl")
    backend.store.put("a/b/model.stl", b"x")
    assert backend.store.exists("a/b/model.stl")
    assert not backend.store.exists("a/b")  # a prefix of a key is not itself a blob
    assert not backend.store.exists("a/b/model")
    backend.store.delete_prefix("a/b")
    assert not backend.store.exists("a/b/model.stl")


def test_delete_prefix_removes_only_that_prefix(backend: Backend) -> None:
    keys = [
        "printability/t1/model.stl",
        "printability/t1/out/repaired.glb",
        "printability/t10/model.stl",  # shares the string prefix "printability/t1", not the path
        "printability/t1.stl",
        "generator/t1/part.stl",
    ]
    for key in keys:
        backend.store.put(key, key.encode())
    backend.store.delete_prefix("printability/t1")
    assert backend.stored() == ["generator/t1/part.stl", "printability/t1.stl", "printability/t10/model.stl"]
    assert backend.store.get("printability/t10/model.stl") == b"printability/t10/model.stl"

    backend.store.delete_prefix("generator/t1/")  # a trailing slash means the same prefix
    backend.store.delete_prefix("printability/t1.stl")  # a whole key is a prefix of itself
    backend.store.delete_prefix("nothing/here")  # deleting nothing is not an error
    assert backend.stored() == ["printability/t10/model.stl"]


UNSAFE_KEYS = ["../x", "a/../../x", "/etc/passwd", "/abs/x", "./x", "a/./b", "a//b", "a/", "", "..", "nul\0x"]


@pytest.mark.parametrize("key", UNSAFE_KEYS)
def test_unsafe_keys_are_refused_by_every_operation(backend: Backend, key: str) -> None:
    with pytest.raises(ValueError, match="invalid blob key"):
        backend.store.put(key, b"escape")
    with pytest.raises(ValueError, match="invalid blob key"):
        backend.store.get(key)
    with pytest.raises(ValueError, match="invalid blob key"):
        backend.store.exists(key)
    if key.rstrip("/") != "a":  # "a/" is the prefix "a" with a trailing slash, a valid prefix
        with pytest.raises(ValueError, match="invalid blob key"):
            backend.store.delete_prefix(key)
    assert backend.stored() == []


def test_delete_prefix_refuses_an_empty_prefix(backend: Backend) -> None:
    backend.store.put("keep/me.stl", b"x")
    for prefix in ("", "/"):
        with pytest.raises(ValueError, match="invalid blob key"):
            backend.store.delete_prefix(prefix)
    assert backend.stored() == ["keep/me.stl"]


def test_binary_data_round_trips_byte_for_byte(backend: Backend) -> None:
    data = bytes(range(256)) * 3 + b"\r\n\x00\xff\r" + "ü".encode("utf-16")
    backend.store.put("bin/all-bytes.glb", data)
    assert backend.store.get("bin/all-bytes.glb") == data


def test_empty_data_is_a_real_blob(backend: Backend) -> None:
    backend.store.put("empty/zero.bin", b"")
    assert backend.store.exists("empty/zero.bin")
    assert backend.store.get("empty/zero.bin") == b""
    assert backend.stored() == ["empty/zero.bin"]


def test_a_5_mb_object_round_trips(backend: Backend) -> None:
    data = random.Random(5).randbytes(5 * 1024 * 1024)
    backend.store.put("big/mesh.stl", data)
    got = backend.store.get("big/mesh.stl")
    assert len(got) == len(data)
    assert got == data


def test_open_reads_a_large_blob_in_bounded_chunks(backend: Backend) -> None:
    data = random.Random(6).randbytes(3 * CHUNK_BYTES + 17)
    backend.store.put("big/part.stl", data)
    reader = backend.store.open("big/part.stl")
    assert reader.size == len(data)
    chunks = list(reader.chunks)
    assert b"".join(chunks) == data
    assert len(chunks) >= 4
    assert max(len(c) for c in chunks) <= CHUNK_BYTES


def test_open_of_a_missing_key_raises_before_any_read(backend: Backend) -> None:
    backend.store.put("a/b/model.stl", b"x")
    for missing in ("never/written.stl", "a/b"):
        with pytest.raises(BlobNotFound):
            backend.store.open(missing)


# --- S3 failures moto cannot produce: a server that denies reads and fails deletes ---------------


class _FailingS3(BaseHTTPRequestHandler):
    """Answers like an S3 endpoint whose credentials may list and delete one key but not read, and
    whose bulk delete reports a per-key error (as S3 does with HTTP 200 and an <Error> element)."""

    def _reply(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._reply(403)

    def do_GET(self) -> None:
        if "list-type=2" in self.path:
            self._reply(
                200,
                b"<ListBucketResult><Name>b</Name><Prefix>a/</Prefix><KeyCount>1</KeyCount>"
                b"<IsTruncated>false</IsTruncated><Contents><Key>a/locked.stl</Key><Size>1</Size>"
                b"</Contents></ListBucketResult>",
            )
        else:
            self._reply(403, b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>")

    def do_DELETE(self) -> None:
        self._reply(204)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self._reply(
            200,
            b"<DeleteResult><Error><Key>a/locked.stl</Key><Code>AccessDenied</Code>"
            b"<Message>Access Denied</Message></Error></DeleteResult>",
        )

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def failing_s3() -> Iterator[S3BlobStore]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FailingS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield S3BlobStore("b", endpoint_url=f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()
    thread.join()


def test_s3_errors_other_than_not_found_are_raised(failing_s3: S3BlobStore) -> None:
    # A denied HEAD must not read as "no such blob", nor a denied GET as BlobNotFound.
    with pytest.raises(ClientError, match="403"):
        failing_s3.exists("a/model.stl")
    with pytest.raises(ClientError, match="AccessDenied") as info:
        failing_s3.get("a/model.stl")
    assert not isinstance(info.value, BlobNotFound)
    with pytest.raises(OSError, match=r"could not delete 1 blob\(s\) under 'a': a/locked.stl: AccessDenied"):
        failing_s3.delete_prefix("a")


# --- choosing the backend from configuration --------------------------------------------------


def test_file_url_and_plain_path_open_a_directory_store(tmp_path: Path) -> None:
    by_url = open_blob_store(f"file://{tmp_path / 'one'}", s3_endpoint_url="http://127.0.0.1:9")
    by_path = open_blob_store(str(tmp_path / "two"))
    assert isinstance(by_url, DirectoryBlobStore)
    assert isinstance(by_path, DirectoryBlobStore)
    by_url.put("k/a.stl", b"1")
    by_path.put("k/b.stl", b"2")
    assert (tmp_path / "one" / "k" / "a.stl").read_bytes() == b"1"
    assert (tmp_path / "two" / "k" / "b.stl").read_bytes() == b"2"


def test_default_settings_keep_blobs_in_the_data_dir(tmp_path: Path) -> None:
    # '#' and '?' are legal in a directory name but would be a URL fragment or query.
    data_dir = tmp_path / "data #1?"
    settings = Settings.from_env({"PRINTFORGE_DATA_DIR": str(data_dir), "PRINTFORGE_SIGNING_KEY": "k"})
    store = open_blob_store(settings.blob_location, s3_endpoint_url=settings.s3_endpoint_url)
    assert isinstance(store, DirectoryBlobStore)
    store.put("generator/g1/part.stl", b"part")
    assert (data_dir / "blobs" / "generator" / "g1" / "part.stl").read_bytes() == b"part"


@pytest.mark.parametrize(("path", "prefix"), [("/printforge/prod", "printforge/prod/"), ("", "")])
def test_s3_url_opens_an_s3_store_on_the_configured_endpoint(
    tmp_path: Path, s3_endpoint: str, s3: Any, bucket: str, path: str, prefix: str
) -> None:
    settings = Settings.from_env(
        {
            "PRINTFORGE_DATA_DIR": str(tmp_path),
            "PRINTFORGE_SIGNING_KEY": "k",
            "PRINTFORGE_BLOB_URL": f"s3://{bucket}{path}",
            "PRINTFORGE_S3_ENDPOINT_URL": s3_endpoint,
        }
    )
    store = open_blob_store(settings.blob_location, s3_endpoint_url=settings.s3_endpoint_url)
    assert isinstance(store, S3BlobStore)
    assert store.client.meta.endpoint_url == s3_endpoint
    store.put("printability/t1/model.stl", b"in s3")
    assert _bucket_keys(s3, bucket) == [f"{prefix}printability/t1/model.stl"]
    assert s3.get_object(Bucket=bucket, Key=f"{prefix}printability/t1/model.stl")["Body"].read() == b"in s3"
    assert not (tmp_path / "blobs").exists()


@pytest.mark.parametrize(
    "location",
    [
        "ftp://host/blobs",
        "s3:///no-bucket",
        "s3://",
        "s3:/typo/prefix",
        "file://otherhost/blobs",
        "file:rel",
        "",
    ],
)
def test_unsupported_locations_are_refused(location: str) -> None:
    with pytest.raises(ValueError, match="blob location"):
        open_blob_store(location)


# --- signed downloads through the gateway, blobs in S3 --------------------------------------


@pytest.fixture
def gateway(tmp_path: Path, s3_endpoint: str, bucket: str) -> Iterator[tuple[TestClient, Settings]]:
    """The real gateway app configured for S3 blobs, as Kubernetes configures it."""
    settings = Settings.from_env(
        {
            "PRINTFORGE_DATA_DIR": str(tmp_path / "gateway"),
            "PRINTFORGE_SIGNING_KEY": "test-signing-key",
            "PRINTFORGE_BLOB_URL": f"s3://{bucket}/artifacts",
            "PRINTFORGE_S3_ENDPOINT_URL": s3_endpoint,
        }
    )
    with TestClient(create_app(settings)) as client:
        assert isinstance(client.app.state.blobs, S3BlobStore)
        yield client, settings


def test_signed_download_serves_an_artifact_stored_in_s3(
    gateway: tuple[TestClient, Settings], s3: Any, bucket: str, s3_endpoint: str
) -> None:
    client, settings = gateway
    # The producing service opens its own store from the same configuration.
    producer = open_blob_store(settings.blob_location, s3_endpoint_url=settings.s3_endpoint_url)
    data = random.Random(7).randbytes(300_000)
    key = "printability/task-1/repaired.stl"
    producer.put(key, data)
    assert _bucket_keys(s3, bucket) == [f"artifacts/{key}"]

    token = sign_blob(key, settings.signing_key)
    response = client.get(f"/v1/files/{token}")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "model/stl"
    assert response.headers["content-disposition"] == 'attachment; filename="repaired.stl"'

    producer.delete_prefix("printability/task-1")
    gone = client.get(f"/v1/files/{token}")
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == "the file no longer exists"


def test_signed_download_refuses_bad_tokens_with_s3_blobs(gateway: tuple[TestClient, Settings]) -> None:
    client, settings = gateway
    client.app.state.blobs.put("printability/task-2/model.glb", b"glTF")
    key = "printability/task-2/model.glb"

    forged = sign_blob(key, b"another deployment's key")
    expired = sign_blob(key, settings.signing_key, ttl_s=3600, now=time.time() - 7200)
    for token, message in ((forged, "invalid download signature"), (expired, "download link expired")):
        response = client.get(f"/v1/files/{token}")
        assert response.status_code == 403
        assert response.json()["error"] == {"code": "invalid_signature", "message": message}
    assert client.get(f"/v1/files/{sign_blob(key, settings.signing_key)}").content == b"glTF"


def test_signed_download_streams_without_reading_the_whole_blob(
    gateway: tuple[TestClient, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route sends chunks from `open`; `get`, which holds the whole blob in memory, is never called."""
    client, settings = gateway
    store = client.app.state.blobs
    data = random.Random(8).randbytes(2 * CHUNK_BYTES + 5)
    store.put("printability/task-3/repaired.glb", data)

    def whole_blob(key: str) -> bytes:
        raise AssertionError(f"download read all of {key} into memory")

    monkeypatch.setattr(store, "get", whole_blob)
    token = sign_blob("printability/task-3/repaired.glb", settings.signing_key)
    with client.stream("GET", f"/v1/files/{token}") as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == str(len(data))
        received = b"".join(response.iter_bytes())
    assert received == data
