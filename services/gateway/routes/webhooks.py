"""Webhooks (`/api/v1/webhooks`, Meshia shapes): be told when a job or generation ends.

Deliveries are Standard Webhooks POSTs (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
signed with the webhook's `whsec_` secret, which is returned once, on creation. URLs must be
http(s) and may not name loopback, private, link-local or cloud-metadata hosts: they are refused
here with 400 and, for names, checked again against the DNS answer at every delivery.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from printforge.generator.v1 import generator_pb2 as pb
from printforge_services.gateway.makistry_views import iso_ms
from printforge_services.gateway.principal import Principal, require_principal
from printforge_services.gateway.schemas import ErrorBody

router = APIRouter(
    prefix="/api/v1/webhooks",
    tags=["webhooks"],
    responses={code: {"model": ErrorBody} for code in (400, 401, 404, 429, 500, 503)},
)
Caller = Annotated[Principal, Depends(require_principal)]


class CreateWebhookRequest(BaseModel):
    url: str = Field(description="http(s) URL that receives the POSTs; internal addresses are refused.")
    events: list[str] = Field(
        description="job.completed, job.failed, generation.completed, generation.failed, or '*'."
    )
    secret: str | None = Field(
        None, description="Standard Webhooks secret 'whsec_<base64 of 24-64 bytes>'; generated when omitted."
    )


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: str
    disabled_at: str | None = Field(description="Set when the receiver answered 410 Gone.")
    disabled_reason: str | None


class CreatedWebhook(WebhookOut):
    secret: str = Field(description="The signing secret. Shown once: store it now.")


def webhook_object(webhook: pb.Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": list(webhook.events),
        "created_at": iso_ms(webhook.created_at_ms),
        "disabled_at": iso_ms(webhook.disabled_at_ms),
        "disabled_reason": webhook.disabled_reason or None,
    }


@router.post("", response_model=CreatedWebhook, status_code=201, summary="Create a webhook")
async def create_webhook(body: CreateWebhookRequest, request: Request, principal: Caller) -> dict[str, Any]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.generator.CreateWebhook,
        pb.CreateWebhookRequest(
            owner=principal.user_id, url=body.url, events=body.events, secret=body.secret or ""
        ),
    )
    return {**webhook_object(reply.webhook), "secret": reply.secret}


@router.get("", response_model=list[WebhookOut], summary="List your webhooks")
async def list_webhooks(request: Request, principal: Caller) -> list[dict[str, Any]]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.generator.ListWebhooks, pb.ListWebhooksRequest(owner=principal.user_id)
    )
    return [webhook_object(w) for w in reply.webhooks]


@router.delete("/{webhook_id}", summary="Delete a webhook (its undelivered events are dropped)")
async def delete_webhook(webhook_id: str, request: Request, principal: Caller) -> dict[str, str]:
    clients = request.app.state.clients
    await clients.call(
        clients.generator.DeleteWebhook,
        pb.DeleteWebhookRequest(owner=principal.user_id, webhook_id=webhook_id),
    )
    return {}
