"""gRPC between services over TLS (PRINTFORGE_GRPC_TLS_*): a real server and channels on loopback.

The CA and the server certificate are made here with `cryptography`, as an operator's CA would
issue them: the server certificate names the address the client dials (127.0.0.1).
"""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from printforge.auth.v1 import auth_pb2, auth_pb2_grpc
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import ServerOptions, ServiceSpec, start_server
from printforge.runtime.grpc_tls import GrpcTls

KEY = b"tls-test-service-token-key"


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _issue(subject: str, issuer_key, issuer_name, *, ca: bool, public_key, sans=()):  # type: ignore[no-untyped-def]
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_pki(directory: Path, name: str) -> GrpcTls:
    """A CA and a server certificate for 127.0.0.1/localhost it signed, as PEM files."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue(f"{name} CA", ca_key, None, ca=True, public_key=ca_key.public_key())
    server_key = ec.generate_private_key(ec.SECP256R1())
    sans = (x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    server = _issue("auth", ca_key, ca.subject, ca=False, public_key=server_key.public_key(), sans=sans)
    directory.mkdir()
    (directory / "ca.crt").write_bytes(_pem(ca))
    (directory / "tls.crt").write_bytes(_pem(server))
    (directory / "tls.key").write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return GrpcTls(directory / "tls.crt", directory / "tls.key", directory / "ca.crt")


class _Auth(auth_pb2_grpc.AuthServiceServicer):
    async def Authenticate(self, request, context):  # type: ignore[no-untyped-def]
        return auth_pb2.AuthenticateResponse(user=auth_pb2.User(name="over-tls"))


def _spec() -> ServiceSpec:
    def register(server: grpc.aio.Server) -> list[str]:
        auth_pb2_grpc.add_AuthServiceServicer_to_server(_Auth(), server)
        return ["printforge.auth.v1.AuthService"]

    return ServiceSpec("auth", register)


async def test_services_talk_tls_when_configured(tmp_path: Path) -> None:
    tls = _write_pki(tmp_path / "mesh", "mesh")
    running = await start_server(_spec(), "127.0.0.1", 0, ServerOptions(KEY, tls=tls))
    target = f"127.0.0.1:{running.port}"
    try:
        async with open_channel(target, caller="gateway", token_key=KEY, tls=tls) as channel:
            reply = await auth_pb2_grpc.AuthServiceStub(channel).Authenticate(
                auth_pb2.AuthenticateRequest(token="t"), timeout=5
            )
            assert reply.user.name == "over-tls"

        # A plaintext client gets no answer at all, not even health.
        async with grpc.aio.insecure_channel(target) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
            assert info.value.code() == grpc.StatusCode.UNAVAILABLE

        # A client that trusts another CA refuses the server (it could be an impostor).
        other = _write_pki(tmp_path / "other", "other")
        async with open_channel(target, caller="gateway", token_key=KEY, tls=other) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await auth_pb2_grpc.AuthServiceStub(channel).Authenticate(
                    auth_pb2.AuthenticateRequest(token="t"), timeout=2
                )
            assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await running.stop(grace_s=0)


def test_tls_settings_come_as_a_complete_set() -> None:
    assert GrpcTls.from_env({}) is None
    full = {
        "PRINTFORGE_GRPC_TLS_CERT": "/tls/tls.crt",
        "PRINTFORGE_GRPC_TLS_KEY": "/tls/tls.key",
        "PRINTFORGE_GRPC_TLS_CA": "/tls/ca.crt",
    }
    assert GrpcTls.from_env(full) == GrpcTls(Path("/tls/tls.crt"), Path("/tls/tls.key"), Path("/tls/ca.crt"))
    with pytest.raises(ValueError, match="missing PRINTFORGE_GRPC_TLS_CA"):
        GrpcTls.from_env({**full, "PRINTFORGE_GRPC_TLS_CA": ""})
