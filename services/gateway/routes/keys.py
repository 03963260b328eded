"""A user's own API keys: list, create and revoke (`/api/v1/keys`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from printforge.auth.v1 import auth_pb2
from printforge_services.gateway.principal import Principal, require_principal
from printforge_services.gateway.schemas import ApiKeyOut, CreateApiKeyRequest, CreatedApiKey, ErrorBody

router = APIRouter(
    prefix="/api/v1/keys",
    tags=["keys"],
    responses={code: {"model": ErrorBody} for code in (400, 401, 404, 429)},
)
Caller = Annotated[Principal, Depends(require_principal)]


def _key_out(key: auth_pb2.ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "prefix": key.prefix,
        "last_four": key.last_four,
        "name": key.name,
        "created_at": key.created_at_ms,
        "last_used_at": key.last_used_at_ms or None,
        "revoked_at": key.revoked_at_ms or None,
    }


@router.get("", response_model=list[ApiKeyOut], summary="List your API keys")
async def list_keys(request: Request, principal: Caller) -> list[dict[str, Any]]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.auth.ListApiKeys, auth_pb2.ListApiKeysRequest(user_id=principal.user_id, include_revoked=True)
    )
    return [_key_out(k) for k in reply.keys]


@router.post("", response_model=CreatedApiKey, status_code=201, summary="Create an API key (shown once)")
async def create_key(body: CreateApiKeyRequest, request: Request, principal: Caller) -> dict[str, Any]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.auth.CreateApiKey, auth_pb2.CreateApiKeyRequest(user_name=principal.user_name, name=body.name)
    )
    return {**_key_out(reply.key), "key": reply.token}


@router.delete("/{key_id}", response_model=ApiKeyOut, summary="Revoke one of your API keys")
async def revoke_key(key_id: str, request: Request, principal: Caller) -> dict[str, Any]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.auth.RevokeApiKey, auth_pb2.RevokeApiKeyRequest(key_id=key_id, user_id=principal.user_id)
    )
    request.app.state.quota_leases.forget(reply.key.id)
    return _key_out(reply.key)
