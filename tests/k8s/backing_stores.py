"""Stand-ins for the overlay's backing-store components, and the checks they cannot make themselves.

The dev overlay runs MinIO (plus an `mc` Job that makes its bucket) and PostgreSQL in-cluster;
neither image runs here. moto's S3 server stands in for MinIO and the local PostgreSQL for the
postgres component. Both accept any credentials, so `assert_credentials_agree` checks instead
that the printforge pods were given the credentials the real components are configured with: the
MinIO user, and the service's own role of the postgres component's init-roles.sql. The edge
certificate (the Secret envoy-tls, which cert-manager or an operator makes) is issued here by a
CA of the test's own, `edge_certificate`.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.conftest import REPO_ROOT
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


INIT_ROLES_SQL = REPO_ROOT / "k8s" / "components" / "postgres" / "init-roles.sql"


def assert_credentials_agree(manifest: Manifest, env: dict[str, str], where: str) -> None:
    """The stand-ins accept any credentials, so check what the real MinIO and PostgreSQL would."""
    if "AWS_ACCESS_KEY_ID" in env:
        minio = container_env(manifest, manifest.workload("minio"), NO_IMAGE)
        s3 = (env["AWS_ACCESS_KEY_ID"], required(env, "AWS_SECRET_ACCESS_KEY", where))
        expected = (minio["MINIO_ROOT_USER"], minio["MINIO_ROOT_PASSWORD"])
        assert s3 == expected, f"{where}: not MinIO's credentials"
    if "PRINTFORGE_DATABASE_URL" in env:
        postgres = container_env(manifest, manifest.workload("postgres"), NO_IMAGE)
        roles = dict(re.findall(r"CREATE ROLE (\w+) LOGIN PASSWORD '([^']+)'", INIT_ROLES_SQL.read_text()))
        url = sa.make_url(env["PRINTFORGE_DATABASE_URL"])
        assert url.database == postgres["POSTGRES_DB"], f"{where}: not the postgres component's database"
        role = url.username or ""
        assert roles.get(role) == url.password, f"{where}: {role} is not a role of init-roles.sql"
        assert manifest.backend(url.host or "", url.port or 5432) is not None, f"{url.host} is no Service"


def edge_certificate(directory: Path) -> tuple[dict[str, str], Path]:
    """A kubernetes.io/tls Secret's data for `localhost`/127.0.0.1, and the CA file that trusts it."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "printforge smoke test")])
    sans = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    directory.mkdir(parents=True, exist_ok=True)
    ca_file = directory / "edge-ca.crt"
    ca_file.write_text(pem)  # self-signed: the certificate is its own CA
    return {"tls.crt": pem, "tls.key": private}, ca_file
