"""The AuthService gRPC servicer: protobuf in, store call in a worker thread, protobuf or status out.

It stays thin on purpose: rules live in `store.py`, `keys.py` and `quotas.py`, which the CLI uses
too. Blocking database calls run through `asyncio.to_thread` so one slow query never stalls the
event loop that serves every other RPC. Tokens are never logged; ids are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

import grpc

from printforge.auth.v1 import auth_pb2, auth_pb2_grpc
from printforge.runtime.config import Settings
from printforge.runtime.db import engine_for
from printforge.runtime.grpc_server import ServiceSpec
from printforge_services.auth.quotas import Bucket, rules_from_settings
from printforge_services.auth.store import (
    ApiKey,
    AuthStore,
    InvalidArgumentError,
    NotFoundError,
    UnauthenticatedError,
    User,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# A lease larger than this would only hide more requests from the other gateway replicas.
MAX_QUOTA_COUNT = 1000

_BUCKETS = {
    auth_pb2.QUOTA_BUCKET_REQUESTS: Bucket.REQUESTS,
    auth_pb2.QUOTA_BUCKET_CHAT: Bucket.CHAT,
}


def _user_pb(user: User) -> auth_pb2.User:
    return auth_pb2.User(id=user.id, name=user.name, created_at_ms=user.created_at_ms)


def _key_pb(key: ApiKey) -> auth_pb2.ApiKey:
    return auth_pb2.ApiKey(
        id=key.id,
        user_id=key.user_id,
        prefix=key.prefix,
        last_four=key.last_four,
        name=key.name,
        created_at_ms=key.created_at_ms,
        last_used_at_ms=key.last_used_at_ms,
        revoked_at_ms=key.revoked_at_ms,
    )


async def _call(
    context: grpc.aio.ServicerContext, fn: Callable[..., T], *args: object, **kwargs: object
) -> T:
    """Runs a store call off the event loop and turns its domain errors into gRPC status codes."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except InvalidArgumentError as exc:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
    except NotFoundError as exc:
        await context.abort(grpc.StatusCode.NOT_FOUND, str(exc))
    except UnauthenticatedError as exc:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, str(exc))
    raise AssertionError("context.abort returned")  # pragma: no cover - abort always raises


class AuthServicer(auth_pb2_grpc.AuthServiceServicer):
    def __init__(self, store: AuthStore) -> None:
        self._store = store

    async def CreateUser(
        self, request: auth_pb2.CreateUserRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.CreateUserResponse:
        user = await _call(context, self._store.create_user, request.name)
        return auth_pb2.CreateUserResponse(user=_user_pb(user))

    async def CreateApiKey(
        self, request: auth_pb2.CreateApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.CreateApiKeyResponse:
        user, key, token = await _call(context, self._store.create_api_key, request.user_name, request.name)
        log.info("API key created", extra={"key_id": key.id, "user_id": user.id})
        return auth_pb2.CreateApiKeyResponse(key=_key_pb(key), token=token)

    async def ListApiKeys(
        self, request: auth_pb2.ListApiKeysRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.ListApiKeysResponse:
        user = await _call(context, self._store.get_user, user_id=request.user_id, name=request.user_name)
        page, next_token = await _call(
            context,
            self._store.list_api_keys,
            user.id,
            include_revoked=request.include_revoked,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return auth_pb2.ListApiKeysResponse(keys=[_key_pb(k) for k in page], next_page_token=next_token)

    async def RevokeApiKey(
        self, request: auth_pb2.RevokeApiKeyRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.RevokeApiKeyResponse:
        key = await _call(context, self._store.revoke_api_key, request.key_id, user_id=request.user_id)
        log.info("API key revoked", extra={"key_id": key.id, "user_id": key.user_id})
        return auth_pb2.RevokeApiKeyResponse(key=_key_pb(key))

    async def Authenticate(
        self, request: auth_pb2.AuthenticateRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.AuthenticateResponse:
        user, key = await _call(context, self._store.authenticate, request.token)
        return auth_pb2.AuthenticateResponse(user=_user_pb(user), key=_key_pb(key))

    async def ConsumeQuota(
        self, request: auth_pb2.ConsumeQuotaRequest, context: grpc.aio.ServicerContext
    ) -> auth_pb2.ConsumeQuotaResponse:
        bucket = _BUCKETS.get(request.bucket)
        if bucket is None:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown quota bucket {request.bucket}")
        if request.count < 0 or request.count > MAX_QUOTA_COUNT:
            message = f"quota count must be 0..{MAX_QUOTA_COUNT}, got {request.count}"
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)
        count = max(1, request.count)
        decision = await _call(context, self._store.consume_quota, request.key_id, bucket, count)
        return auth_pb2.ConsumeQuotaResponse(
            allowed=decision.allowed,
            limit=decision.limit,
            remaining=decision.remaining,
            reset_seconds=decision.reset_seconds,
            granted=decision.granted,
        )


def build_spec(settings: Settings) -> ServiceSpec:
    """The auth service for the shared bootstrap; its tables are migrated before it starts serving."""
    store = AuthStore(engine_for(settings.database_url_for("auth")), rules_from_settings(settings))
    servicer = AuthServicer(store)

    def register(server: grpc.aio.Server) -> Sequence[str]:
        auth_pb2_grpc.add_AuthServiceServicer_to_server(servicer, server)
        return [auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name]

    async def run_migrations() -> None:
        applied = await asyncio.to_thread(store.migrate)
        if applied:
            log.info("auth migrations applied", extra={"versions": applied})

    return ServiceSpec(name="auth", register=register, on_start=[run_migrations])
