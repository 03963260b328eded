"""Blob storage behind one small interface: a local directory (default) or S3.

Keys are service-chosen paths such as `printability/<task id>/model.stl`; clients never
see them directly, only signed download URLs minted by the gateway (see signing.py).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from printforge.runtime.blob_keys import CHUNK_BYTES, BlobNotFound, BlobReader, BlobStore, safe_key

__all__ = ["CHUNK_BYTES", "BlobNotFound", "BlobReader", "BlobStore", "DirectoryBlobStore", "open_blob_store"]


class DirectoryBlobStore:
    """Blobs as files under a root directory; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / safe_key(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            # A prefix of other keys (a directory) or a path through a blob is no blob, as in S3.
            raise BlobNotFound(key) from exc

    def open(self, key: str) -> BlobReader:
        try:
            fh = self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise BlobNotFound(key) from exc
        return BlobReader(os.fstat(fh.fileno()).st_size, _file_chunks(fh))

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete_prefix(self, prefix: str) -> None:
        base = self._path(prefix.rstrip("/"))
        if base.is_file():
            base.unlink()
            return
        if base.is_dir():
            for path in sorted(base.rglob("*"), reverse=True):
                if path.is_dir():
                    path.rmdir()
                else:
                    path.unlink()
            base.rmdir()


def _file_chunks(fh: BinaryIO) -> Iterator[bytes]:
    with fh:
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk


def open_blob_store(location: str, *, s3_endpoint_url: str | None = None) -> BlobStore:
    """`file:///path` or a plain path → DirectoryBlobStore; `s3://bucket/prefix` → S3BlobStore.

    A file location is taken literally after `file://` rather than URL-parsed: Settings builds
    it from the data dir unquoted, and a `#` or `?` in a directory name must not cut the path.
    `s3_endpoint_url` points boto3 at an S3-compatible server; it is ignored for directories.
    """
    if location.startswith("file://"):
        path = location.removeprefix("file://")
        host, slash, rest = path.partition("/")
        if host not in ("", "localhost") or not slash:
            raise ValueError(f"unsupported blob location {location!r}: a file URL needs an absolute path")
        return DirectoryBlobStore(Path("/" + rest))
    parsed = urlparse(location)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ValueError(f"unsupported blob location {location!r}: s3://bucket/prefix needs a bucket")
        from printforge.runtime.blobs_s3 import S3BlobStore

        return S3BlobStore(parsed.netloc, parsed.path.strip("/"), endpoint_url=s3_endpoint_url)
    if location and not parsed.scheme:  # a plain path; `s3:/typo` has a scheme and is refused
        return DirectoryBlobStore(Path(location))
    raise ValueError(
        f"unsupported blob location {location!r}: use a directory, file:///path or s3://bucket/prefix"
    )
