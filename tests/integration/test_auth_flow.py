"""Authentication and quotas through the real gateway and auth service."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import grpc
import httpx
import pytest

from printforge.auth.v1 import auth_pb2, auth_pb2_grpc
from printforge_services.gateway.quota_leases import LEASE_S
from tests.conftest import REPO_ROOT
from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.integration.mesh import Mesh, fresh_rate_window, start_mesh


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Mesh:
    # A principal cached for the whole module: every 401 below must come from the quota check's
    # own revocation test, never from the cache having expired.
    env = {"PRINTFORGE_RATE_LIMIT_PER_MINUTE": "8", "PRINTFORGE_AUTH_CACHE_TTL_S": "120"}
    mesh = start_mesh(tmp_path_factory.mktemp("auth-mesh"), env)
    yield mesh
    mesh.stop()


ROUTE = "/openapi/v1/print/analyze"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "pf_not_bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer pf_this_key_does_not_exist_at_all_0000000000000000"},
    ],
)
def test_missing_malformed_or_unknown_key_is_401(mesh: Mesh, headers: dict[str, str]) -> None:
    reply = httpx.get(f"{mesh.url}{ROUTE}", headers=headers, timeout=10)
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "unauthorized"


def test_revoked_key_stops_working_within_5_seconds(mesh: Mesh) -> None:
    token = mesh.create_key("carol")
    headers = {"Authorization": f"Bearer {token}"}
    client = httpx.Client(base_url=mesh.url, timeout=10)
    assert client.get(ROUTE, headers=headers).status_code == 200
    keys = client.get("/api/v1/keys", headers=headers).json()
    assert len(keys) == 1 and keys[0]["last_four"] == token[-4:] and "key" not in keys[0]
    assert client.delete(f"/api/v1/keys/{keys[0]['id']}", headers=headers).status_code == 200
    # The gateway still caches the principal, but the quota check refuses the key: 401 at once.
    for _ in range(4):
        reply = client.get(ROUTE, headers=headers)
        assert reply.status_code == 401, reply.text
        assert reply.json()["error"]["message"] == "Invalid or revoked API key"
        time.sleep(0.25)


def test_cannot_revoke_another_users_key(mesh: Mesh) -> None:
    dave = {"Authorization": f"Bearer {mesh.create_key('dave')}"}
    erin = {"Authorization": f"Bearer {mesh.create_key('erin')}"}
    client = httpx.Client(base_url=mesh.url, timeout=10)
    dave_key = client.get("/api/v1/keys", headers=dave).json()[0]["id"]
    assert client.delete(f"/api/v1/keys/{dave_key}", headers=erin).status_code == 404
    assert client.get(ROUTE, headers=dave).status_code == 200


def test_rate_limit_gives_429_with_retry_after(mesh: Mesh) -> None:
    headers = {"Authorization": f"Bearer {mesh.create_key('frank')}"}
    client = httpx.Client(base_url=mesh.url, timeout=10)
    window = fresh_rate_window()
    statuses = []
    for _ in range(10):
        reply = client.get(ROUTE, headers=headers)
        statuses.append(reply.status_code)
        if reply.status_code == 200:
            assert reply.headers["RateLimit-Limit"] == "8"
    assert int(time.time() // 60) == window, "the requests straddled two rate-limit windows"
    assert statuses[:8] == [200] * 8 and statuses[8:] == [429, 429]
    assert int(reply.headers["Retry-After"]) >= 1
    assert reply.headers["RateLimit-Remaining"] == "0"
    assert reply.json()["error"]["code"] == "rate_limited"


def test_plaintext_key_is_nowhere_on_disk_or_in_logs(mesh: Mesh) -> None:
    token = mesh.create_key("grace")
    httpx.get(f"{mesh.url}{ROUTE}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    httpx.get(f"{mesh.url}{ROUTE}", headers={"Authorization": f"Bearer {token}x"}, timeout=10)
    files = [p for p in Path(mesh.data_dir).rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files)
    for path in files:
        assert token.encode() not in path.read_bytes(), f"plaintext key found in {path}"


def test_task_lookup_answers_quota_and_revocation_first(mesh: Mesh) -> None:
    """GET .../{id} counts the request and reads the task at once: the quota answer still wins."""
    headers = {"Authorization": f"Bearer {mesh.create_key('heidi')}"}
    client = httpx.Client(base_url=mesh.url, timeout=30)
    window = fresh_rate_window()
    key_id = client.get("/api/v1/keys", headers=headers).json()[0]["id"]  # 1st request of 8
    model = {"model_url": data_url(binary_stl(*cube(5)))}
    task_id = client.post(ROUTE, json=model, headers=headers).json()["result"]  # 2nd
    found = client.get(f"{ROUTE}/{task_id}", headers=headers)  # 3rd
    assert found.status_code == 200 and found.json()["id"] == task_id
    assert found.headers["RateLimit-Limit"] == "8" and found.headers["RateLimit-Remaining"] == "5"
    missing_path = f"{ROUTE}/01a00000-0000-7000-8000-000000000000"
    assert client.get(missing_path, headers=headers).status_code == 404  # 4th
    statuses = [client.get(f"{ROUTE}/{task_id}", headers=headers).status_code for _ in range(5)]
    assert int(time.time() // 60) == window, "the requests straddled two rate-limit windows"
    assert statuses == [200] * 4 + [429]
    # Over the limit: a 429 without task data, for an existing task as for a missing one.
    for path in (f"{ROUTE}/{task_id}", missing_path):
        refused = client.get(path, headers=headers)
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
        assert task_id not in refused.text
    subprocess.run(
        [sys.executable, "-m", "printforge_cli.main", "keys", "revoke", key_id],
        env=mesh.env,
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
        check=True,
    )
    # The principal is still cached, the window is still full: the revocation is what answers,
    # once this busy key's cached refusal (at most one lease, quota_leases.LEASE_S) has run out.
    time.sleep(LEASE_S)
    for path in (f"{ROUTE}/{task_id}", missing_path):
        revoked = client.get(path, headers=headers)
        assert revoked.status_code == 401 and task_id not in revoked.text


def test_a_caller_that_is_not_a_printforge_service_cannot_mint_keys(mesh: Mesh) -> None:
    """Any process that reaches auth's port (another pod, say) without the gateway's token is refused."""

    async def attempt() -> grpc.StatusCode:
        async with grpc.aio.insecure_channel(mesh.addr("auth")) as channel:
            stub = auth_pb2_grpc.AuthServiceStub(channel)
            try:
                request = auth_pb2.CreateApiKeyRequest(user_name="victim", name="x")
                await stub.CreateApiKey(request, timeout=10)
            except grpc.aio.AioRpcError as exc:
                return exc.code()
        return grpc.StatusCode.OK

    assert asyncio.run(attempt()) == grpc.StatusCode.UNAUTHENTICATED

    async def as_the_gateway() -> str:
        async with mesh.channel("auth") as channel:
            stub = auth_pb2_grpc.AuthServiceStub(channel)
            reply = await stub.ListApiKeys(auth_pb2.ListApiKeysRequest(user_name="victim"), timeout=10)
            return str(len(reply.keys))

    with pytest.raises(grpc.aio.AioRpcError) as info:  # the mesh's own client is answered: no such user
        asyncio.run(as_the_gateway())
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
