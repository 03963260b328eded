"""What every blob backend shares: the store protocol, the one rule for keys, the missing-blob error.

Kept apart from the backends so that each (blobs.DirectoryBlobStore, blobs_s3.S3BlobStore) depends
on this module alone and `blobs.open_blob_store` can pick one without the two importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

# Downloads are sent in chunks of this size: a 100 MB part costs the gateway 1 MiB, not 100 MB.
CHUNK_BYTES = 1 << 20


class BlobNotFound(KeyError):
    """No blob under that key; a KeyError so callers may treat a store like a mapping."""


@dataclass(frozen=True)
class BlobReader:
    """An opened blob: its size, known before the first byte, and its chunks, read lazily.

    Opening is eager so that a missing key is BlobNotFound at `open`, before a response has
    started; reading is lazy so that memory stays one chunk however large the blob is.
    `chunks` closes the underlying file or HTTP body when it is exhausted or closed.
    """

    size: int
    chunks: Iterator[bytes]


class BlobStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def open(self, key: str) -> BlobReader: ...
    def delete_prefix(self, prefix: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def safe_key(key: str) -> str:
    """The key itself if it is a plain relative path; ValueError otherwise, in every backend.

    Refusing `..`, `.`, empty segments and absolute keys keeps a directory store inside its
    root, and refusing them in S3 too keeps both backends interchangeable. NUL cannot be in a
    file name, so it is refused everywhere rather than only on disk.
    """
    parts = key.split("/")
    if not key or key.startswith("/") or "\0" in key or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"invalid blob key {key!r}")
    return key
