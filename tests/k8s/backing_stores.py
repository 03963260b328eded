"""Stand-ins for the overlay's backing-store components, and the checks they cannot make themselves.

The dev overlay runs MinIO (plus an `mc` Job that makes its bucket) and PostgreSQL in-cluster;
neither image runs here. moto's S3 server stands in for MinIO and the local PostgreSQL for the
postgres component. Both accept any credentials, so `assert_credentials_agree` checks instead
that the printforge pods were given the credentials the real components are configured with.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from tests.k8s.container_images import NO_IMAGE
from tests.k8s.loopback import LOOPBACK
from tests.k8s.manifest_env import container_env, required
from tests.k8s.rendered_manifest import Manifest, Workload


@contextlib.contextmanager
def s3_server() -> Iterator[int]:
    """moto's S3 server on loopback, standing in for MinIO; yields its port."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    try:
        yield server.get_host_and_port()[1]
    finally:
        server.stop()


def s3_client(port: int, minio_env: dict[str, str]) -> Any:
    """A boto3 S3 client of the server on `port`, with the MinIO container's root credentials."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=f"http://{LOOPBACK}:{port}",
        region_name="us-east-1",
        aws_access_key_id=minio_env["MINIO_ROOT_USER"],
        aws_secret_access_key=minio_env["MINIO_ROOT_PASSWORD"],
    )


def bucket_of_job(job: Workload) -> str:
    """The bucket the minio-create-bucket Job's `mc mb ALIAS/BUCKET` makes (mc itself is not here)."""
    script = " ".join(job.container.get("command", []) + job.container.get("args", []))
    match = re.search(r"\bmc mb(?: --?[-\w]+)* [\w.-]+/([\w.-]+)", script)
    assert match, f"{job.name} creates no bucket: {script}"
    return match.group(1)


def assert_credentials_agree(manifest: Manifest, env: dict[str, str], where: str) -> None:
    """The stand-ins accept any credentials, so check what the real MinIO and PostgreSQL would."""
    minio = container_env(manifest, manifest.workload("minio"), NO_IMAGE)
    s3 = (required(env, "AWS_ACCESS_KEY_ID", where), required(env, "AWS_SECRET_ACCESS_KEY", where))
    assert s3 == (minio["MINIO_ROOT_USER"], minio["MINIO_ROOT_PASSWORD"]), f"{where}: not MinIO's credentials"
    postgres = container_env(manifest, manifest.workload("postgres"), NO_IMAGE)
    url = sa.make_url(required(env, "PRINTFORGE_DATABASE_URL", where))
    assert (url.username, url.password, url.database) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    ), f"{where}: the database URL does not match the postgres component's credentials"
    assert manifest.backend(url.host or "", url.port or 5432) is not None, f"{url.host} is no Service"
