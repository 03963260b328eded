"""S3 (or any S3-compatible server) blob backend, for deployments on several machines.

It keeps the DirectoryBlobStore's contract (tests/runtime/test_blobs.py runs both): keys are
checked by the same `blob_keys.safe_key`, a missing key is BlobNotFound, and a prefix is a path prefix
(`a/b` covers `a/b` and `a/b/...`, never `a/bc`), as a directory tree would have it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from printforge.runtime.blob_keys import CHUNK_BYTES, BlobNotFound, BlobReader, safe_key

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3BlobStore:
    def __init__(
        self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, client: Any = None
    ) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url)

    def _key(self, key: str) -> str:
        key = safe_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey as exc:
            raise BlobNotFound(key) from exc

    def open(self, key: str) -> BlobReader:
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise BlobNotFound(key) from exc
        return BlobReader(int(reply["ContentLength"]), _body_chunks(reply["Body"]))

    def exists(self, key: str) -> bool:
        """Only a 404 means "no blob": a denied or broken request raises instead of reading as absent."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in _MISSING:
                return False
            raise
        return True

    def delete_prefix(self, prefix: str) -> None:
        """Delete the blob named `prefix` and every blob under `prefix/`; S3's own Prefix is a
        string match, so `t1` alone would also take `t10/...`."""
        full = self._key(prefix.rstrip("/"))
        self.client.delete_object(Bucket=self.bucket, Key=full)  # no error when absent
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full + "/"):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            if not keys:
                continue
            reply = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
            if reply.get("Errors"):
                first = reply["Errors"][0]
                raise OSError(
                    f"could not delete {len(reply['Errors'])} blob(s) under {prefix!r}: "
                    f"{first.get('Key')}: {first.get('Code')} {first.get('Message')}"
                )


def _body_chunks(body: Any) -> Iterator[bytes]:
    """botocore's StreamingBody in CHUNK_BYTES pieces, closed at the end so its connection is reused."""
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
