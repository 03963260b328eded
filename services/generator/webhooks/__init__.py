"""Webhooks of the generator service: endpoints, a durable outbox and its signed, SSRF-safe delivery.

What the generator service wires in (see `WebhookComponents`):
- `components = WebhookComponents(engine, policy=...)`; add `components.start` to the spec's
  on_start hooks (it migrates the tables and starts the dispatcher) and `components.stop` to on_stop;
- servicer methods CreateWebhook/ListWebhooks/DeleteWebhook return
  `await components.rpc.create/list/delete(request, context)`;
- inside the transaction that marks a generation's version "completed" or "failed":
  `enqueue_generation_finished(conn, generation_proto)` (sync; the rows commit with the outcome).
"""

from __future__ import annotations

import asyncio

import httpcore
from sqlalchemy.engine import Engine

from printforge.runtime.db import migrate
from printforge.runtime.safe_fetch import Resolver, system_resolver
from printforge.runtime.url_policy import PUBLIC_ONLY, AddressPolicy
from printforge_services.generator.webhooks.dispatcher import RetryPolicy, WebhookDispatcher
from printforge_services.generator.webhooks.events import enqueue_generation_finished
from printforge_services.generator.webhooks.rpc import WebhookRpc
from printforge_services.generator.webhooks.store import SERVICE, WEBHOOK_MIGRATIONS, WebhookStore

__all__ = ["WebhookComponents", "enqueue_generation_finished"]


class WebhookComponents:
    """Store, RPC handlers and dispatcher sharing one engine and one address policy.

    `policy` is PUBLIC_ONLY unless a test passes another in code; there is deliberately no
    setting for it.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        policy: AddressPolicy = PUBLIC_ONLY,
        resolver: Resolver = system_resolver,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        poll_s: float = 1.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.store = WebhookStore(engine, policy=policy)
        self.rpc = WebhookRpc(self.store)
        self.dispatcher = WebhookDispatcher(
            engine,
            poll_s=poll_s,
            resolver=resolver,
            policy=policy,
            network_backend=network_backend,
            retry=retry,
        )

    async def start(self) -> None:
        await asyncio.to_thread(migrate, self.engine, SERVICE, WEBHOOK_MIGRATIONS)
        await self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()
