"""The auth gRPC service end to end: a real grpc.aio server on a loopback port, real stubs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from printforge.auth.v1 import auth_pb2, auth_pb2_grpc
from printforge.runtime.config import Settings
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import ServerOptions, start_server
from printforge_services.auth.server import build_spec


@pytest.fixture
async def stub(tmp_path: Path) -> AsyncIterator[auth_pb2_grpc.AuthServiceStub]:
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_RATE_LIMIT_PER_MINUTE": "3",
        "PRINTFORGE_CHAT_PER_DAY": "2",
    }
    settings = Settings.from_env(env)
    options = ServerOptions.for_service(settings, "auth")
    running = await start_server(build_spec(settings), "127.0.0.1", 0, options)
    try:
        target = f"127.0.0.1:{running.port}"
        async with open_channel(target, caller="gateway", token_key=options.token_key) as channel:
            yield auth_pb2_grpc.AuthServiceStub(channel)
    finally:
        await running.stop(0)


async def _code(call: object) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call  # type: ignore[misc]
    return err.value.code()


async def test_key_lifecycle(stub: auth_pb2_grpc.AuthServiceStub) -> None:
    created = await stub.CreateApiKey(auth_pb2.CreateApiKeyRequest(user_name="alice", name="laptop"))
    token, key = created.token, created.key
    assert token.startswith(key.prefix) and token.endswith(key.last_four)
    assert (key.name, key.revoked_at_ms, key.last_used_at_ms) == ("laptop", 0, 0)

    who = await stub.Authenticate(auth_pb2.AuthenticateRequest(token=token))
    assert (who.user.name, who.user.id, who.key.id) == ("alice", key.user_id, key.id)
    assert who.key.last_used_at_ms > 0

    by_name = await stub.ListApiKeys(auth_pb2.ListApiKeysRequest(user_name="alice"))
    by_id = await stub.ListApiKeys(auth_pb2.ListApiKeysRequest(user_id=key.user_id))
    assert [k.id for k in by_name.keys] == [k.id for k in by_id.keys] == [key.id]
    assert by_name.keys[0].last_used_at_ms == who.key.last_used_at_ms
    assert not by_name.next_page_token

    revoked = await stub.RevokeApiKey(auth_pb2.RevokeApiKeyRequest(key_id=key.id, user_id=key.user_id))
    assert revoked.key.revoked_at_ms > 0
    assert await _code(stub.Authenticate(auth_pb2.AuthenticateRequest(token=token))) == (
        grpc.StatusCode.UNAUTHENTICATED
    )
    assert not (await stub.ListApiKeys(auth_pb2.ListApiKeysRequest(user_name="alice"))).keys
    listed = await stub.ListApiKeys(auth_pb2.ListApiKeysRequest(user_name="alice", include_revoked=True))
    assert [k.revoked_at_ms for k in listed.keys] == [revoked.key.revoked_at_ms]


async def test_errors_map_to_status_codes(stub: auth_pb2_grpc.AuthServiceStub) -> None:
    alice = (await stub.CreateUser(auth_pb2.CreateUserRequest(name="alice"))).user
    assert (await stub.CreateUser(auth_pb2.CreateUserRequest(name="alice"))).user == alice
    bob_key = (await stub.CreateApiKey(auth_pb2.CreateApiKeyRequest(user_name="bob"))).key
    cases = {
        grpc.StatusCode.UNAUTHENTICATED: [
            stub.Authenticate(auth_pb2.AuthenticateRequest(token="pf_not-a-token")),
            stub.Authenticate(auth_pb2.AuthenticateRequest(token="")),
            stub.ConsumeQuota(
                auth_pb2.ConsumeQuotaRequest(key_id="key_missing", bucket=auth_pb2.QUOTA_BUCKET_REQUESTS)
            ),
        ],
        grpc.StatusCode.INVALID_ARGUMENT: [
            stub.CreateUser(auth_pb2.CreateUserRequest(name=" ")),
            stub.CreateApiKey(auth_pb2.CreateApiKeyRequest(user_name="")),
            stub.ListApiKeys(auth_pb2.ListApiKeysRequest()),
            stub.ListApiKeys(auth_pb2.ListApiKeysRequest(user_name="alice", page_token="x")),
            stub.RevokeApiKey(auth_pb2.RevokeApiKeyRequest()),
            stub.ConsumeQuota(auth_pb2.ConsumeQuotaRequest(key_id=bob_key.id)),
        ],
        grpc.StatusCode.NOT_FOUND: [
            stub.ListApiKeys(auth_pb2.ListApiKeysRequest(user_name="nobody")),
            stub.RevokeApiKey(auth_pb2.RevokeApiKeyRequest(key_id=bob_key.id, user_id=alice.id)),
        ],
    }
    for expected, calls in cases.items():
        for call in calls:
            assert await _code(call) == expected


async def test_quota_exhaustion(stub: auth_pb2_grpc.AuthServiceStub) -> None:
    key = (await stub.CreateApiKey(auth_pb2.CreateApiKeyRequest(user_name="alice"))).key
    for bucket, limit in ((auth_pb2.QUOTA_BUCKET_CHAT, 2), (auth_pb2.QUOTA_BUCKET_REQUESTS, 3)):
        answers = [
            await stub.ConsumeQuota(auth_pb2.ConsumeQuotaRequest(key_id=key.id, bucket=bucket))
            for _ in range(limit + 2)
        ]
        if answers[-1].reset_seconds > answers[0].reset_seconds:
            pytest.skip("the quota window rolled over during the test")  # a minute boundary, 1 run in ~1000
        assert [a.allowed for a in answers] == [True] * limit + [False] * 2
        assert [a.remaining for a in answers] == [*range(limit - 1, -1, -1), 0, 0]
        assert {a.limit for a in answers} == {limit}
        window = 60 if bucket == auth_pb2.QUOTA_BUCKET_REQUESTS else 86_400
        assert all(1 <= a.reset_seconds <= window for a in answers)


async def test_plaintext_token_is_not_in_database_files_or_logs(
    stub: auth_pb2_grpc.AuthServiceStub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    created = await stub.CreateApiKey(auth_pb2.CreateApiKeyRequest(user_name="alice", name="ci"))
    token = created.token
    await stub.Authenticate(auth_pb2.AuthenticateRequest(token=token))
    await stub.ConsumeQuota(
        auth_pb2.ConsumeQuotaRequest(key_id=created.key.id, bucket=auth_pb2.QUOTA_BUCKET_REQUESTS)
    )
    await stub.RevokeApiKey(auth_pb2.RevokeApiKeyRequest(key_id=created.key.id))

    files = sorted(tmp_path.glob("auth.db*"))
    assert tmp_path / "auth.db" in files
    secret = token.encode()
    for path in files:
        data = path.read_bytes()
        assert secret not in data and secret[3:40] not in data, f"token found in {path.name}"
    assert caplog.records, "the service logged nothing, so this test would prove nothing"
    for record in caplog.records:
        assert token not in repr(record.__dict__) and token not in record.getMessage()
