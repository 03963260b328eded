"""The CreateWebhook / ListWebhooks / DeleteWebhook RPCs, for the GeneratorService servicer to delegate to.

Kept here rather than in the servicer so the webhook rules (URL safety, events, secrets) live in
one package; the servicer only forwards `(request, context)`.
"""

from __future__ import annotations

import asyncio

import grpc

from printforge.generator.v1 import generator_pb2 as pb
from printforge.runtime.grpc_errors import abort_http
from printforge_services.generator.webhooks.store import (
    InvalidWebhook,
    InvalidWebhookURL,
    Webhook,
    WebhookStore,
)


def webhook_to_proto(webhook: Webhook) -> pb.Webhook:
    return pb.Webhook(
        id=webhook.id,
        owner=webhook.owner,
        url=webhook.url,
        events=list(webhook.events),
        created_at_ms=webhook.created_at_ms,
        disabled_at_ms=webhook.disabled_at_ms,
        disabled_reason=webhook.disabled_reason,
    )


async def _require_owner(owner: str, context: grpc.aio.ServicerContext) -> None:
    if not owner:
        await abort_http(context, 400, "owner is required", "MISSING_OWNER")


class WebhookRpc:
    def __init__(self, store: WebhookStore) -> None:
        self.store = store

    async def create(
        self, request: pb.CreateWebhookRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateWebhookResponse:
        await _require_owner(request.owner, context)
        try:
            webhook, secret = await asyncio.to_thread(
                self.store.create, request.owner, request.url, list(request.events), request.secret
            )
        except InvalidWebhookURL as exc:
            await abort_http(context, 400, str(exc), "INVALID_WEBHOOK_URL")
        except InvalidWebhook as exc:
            await abort_http(context, 400, str(exc), "INVALID_WEBHOOK")
        return pb.CreateWebhookResponse(webhook=webhook_to_proto(webhook), secret=secret)

    async def list(
        self, request: pb.ListWebhooksRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListWebhooksResponse:
        await _require_owner(request.owner, context)
        webhooks = await asyncio.to_thread(self.store.list, request.owner)
        return pb.ListWebhooksResponse(webhooks=[webhook_to_proto(w) for w in webhooks])

    async def delete(
        self, request: pb.DeleteWebhookRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteWebhookResponse:
        await _require_owner(request.owner, context)
        if not await asyncio.to_thread(self.store.delete, request.owner, request.webhook_id):
            await abort_http(context, 404, f"No webhook with id {request.webhook_id}", "WEBHOOK_NOT_FOUND")
        return pb.DeleteWebhookResponse()
