"""Deliver outbox rows to their webhooks: signed POSTs, retried with backoff, never to internal hosts.

Every POST goes through `post_url`, which resolves the host once, refuses the delivery if any
answer is not allowed by the address policy (PUBLIC_ONLY in production: no loopback, private or
metadata addresses, whatever the DNS says at that moment) and connects only to a checked address
without following redirects. The policy is a constructor argument and nothing else: no setting or
environment variable can widen it; tests pass LoopbackTestPolicy(port) in code.

Outcomes follow the Standard Webhooks "Delivery success and failure" section: 2xx is delivered;
410 Gone disables the webhook; anything else (network error, timeout, 3xx, 4xx, 429, 5xx, a host
that now resolves to a refused address) is retried with exponential backoff and jitter until
`max_attempts`, after which the row is marked dead with its last error. (post_url does not return
response headers, so a Retry-After header is not honoured; the backoff applies instead.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
from dataclasses import dataclass

import httpcore
from sqlalchemy.engine import Engine
from uuid6 import uuid7

from printforge.runtime.safe_fetch import FetchError, Resolver, post_url, system_resolver
from printforge.runtime.url_policy import PUBLIC_ONLY, AddressPolicy, UnsafeURLError
from printforge_services.generator.webhooks.outbox import Delivery, Outbox
from printforge_services.generator.webhooks.signing import delivery_headers

log = logging.getLogger(__name__)

GONE = 410


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; the defaults span about a day, as the spec suggests."""

    max_attempts: int = 10
    base_s: float = 5.0
    factor: float = 4.0
    max_delay_s: float = 10 * 3600.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_s <= 0 or self.factor < 1 or self.max_delay_s < self.base_s:
            raise ValueError(f"invalid retry policy {self}")

    def delay_s(self, attempts: int, rng: random.Random) -> float:
        """Delay before the next attempt after `attempts` failed ones ("equal jitter": [d/2, d])."""
        exponent = min(attempts - 1, 64)  # no float overflow however large `attempts` grows
        full = min(self.max_delay_s, self.base_s * self.factor**exponent)
        return full / 2 + rng.uniform(0, full / 2)


class WebhookDispatcher:
    """Background loop (one per generator replica) that drains the webhook outbox."""

    def __init__(
        self,
        engine: Engine,
        *,
        poll_s: float = 1.0,
        resolver: Resolver = system_resolver,
        policy: AddressPolicy = PUBLIC_ONLY,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        retry: RetryPolicy | None = None,
        timeout_s: float = 15.0,
        lease_s: float = 60.0,
        batch_size: int = 16,
        rng: random.Random | None = None,
    ) -> None:
        if lease_s <= timeout_s:
            # A lease must outlive the POST, or another replica could re-claim a row mid-send.
            raise ValueError(f"lease_s ({lease_s}) must exceed timeout_s ({timeout_s})")
        self.outbox = Outbox(engine)
        self.poll_s = poll_s
        self.resolver = resolver
        self.policy = policy
        self.network_backend = network_backend
        self.retry = retry or RetryPolicy()
        self.timeout_s = timeout_s
        self.lease_s = lease_s
        self.batch_size = batch_size
        self.rng = rng or random.Random()
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid7().hex[-12:]}"
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="webhook-dispatcher")

    async def stop(self) -> None:
        """Stop polling; a POST in flight is abandoned and its row re-sent after its lease expires."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("webhook dispatch round failed")
                handled = 0
            if handled < self.batch_size:
                await asyncio.sleep(self.poll_s)

    async def run_once(self) -> int:
        """Claim one batch of due rows and deliver them concurrently; returns how many were claimed."""
        batch = await asyncio.to_thread(self.outbox.claim, self.worker, self.lease_s, self.batch_size)
        await asyncio.gather(*(self._deliver(d) for d in batch))
        return len(batch)

    async def _deliver(self, delivery: Delivery) -> None:
        body = delivery.payload.encode()
        try:
            headers = delivery_headers(delivery.secret, delivery.id, int(time.time()), body)
            result = await post_url(
                delivery.url,
                content=body,
                headers=headers,
                timeout_s=self.timeout_s,
                resolver=self.resolver,
                policy=self.policy,
                network_backend=self.network_backend,
            )
        except (UnsafeURLError, FetchError) as exc:
            await self._failed(delivery, f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:
            # A bug or a corrupt row must cost attempts like any failure, not loop forever.
            log.exception("webhook delivery %s failed unexpectedly", delivery.id)
            await self._failed(delivery, f"internal error: {type(exc).__name__}: {exc}")
            return
        if 200 <= result.status < 300:
            await asyncio.to_thread(self.outbox.mark_delivered, delivery.id, self.worker)
        elif result.status == GONE:
            log.info("webhook %s disabled: its receiver answered 410 Gone", delivery.webhook_id)
            await asyncio.to_thread(
                self.outbox.disable_webhook, delivery.webhook_id, f"{delivery.url} answered 410 Gone"
            )
        else:
            await self._failed(delivery, f"{delivery.url} answered HTTP {result.status}")

    async def _failed(self, delivery: Delivery, error: str) -> None:
        if delivery.attempts >= self.retry.max_attempts:
            log.warning(
                "webhook delivery dead after %d attempts: %s",
                delivery.attempts,
                error,
                extra={"webhook_id": delivery.webhook_id, "delivery_id": delivery.id},
            )
            await asyncio.to_thread(self.outbox.mark_dead, delivery.id, self.worker, error)
            return
        delay_ms = int(self.retry.delay_s(delivery.attempts, self.rng) * 1000)
        next_at = int(time.time() * 1000) + delay_ms
        await asyncio.to_thread(self.outbox.mark_retry, delivery.id, self.worker, next_at, error)
