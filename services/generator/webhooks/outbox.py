"""Leased claims on outbox rows, so replicas share delivery work without sending a row twice.

A claim is one atomic UPDATE that picks due rows and stamps a lease owner and expiry
(PostgreSQL: the candidates are selected `FOR UPDATE SKIP LOCKED`, so concurrent claimers take
disjoint rows without waiting; SQLite: `BEGIN IMMEDIATE` holds the database write lock for the
statement). Every later write is fenced by `lease_owner = me AND status = pending`, so a
dispatcher whose lease expired (it hung past `lease_s`) can no longer settle a row that another
replica has re-claimed. A dispatcher that dies mid-POST leaves its rows to be re-claimed when the
lease expires: that is the at-least-once case receivers deduplicate with `webhook-id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from printforge.runtime.db import is_postgres, now_ms
from printforge_services.generator.webhooks.store import (
    DEAD,
    DELIVERED,
    PENDING,
    outbox_table,
    webhooks_table,
)

MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Delivery:
    """One claimed outbox row with what is needed to send it."""

    id: str
    webhook_id: str
    url: str
    secret: str
    event_type: str
    payload: str
    attempts: int
    """Attempts including the one this claim is for."""


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, worker: str, lease_s: float, limit: int) -> list[Delivery]:
        """Lease up to `limit` due rows of active webhooks to `worker`, oldest due first."""
        o, w = outbox_table, webhooks_table
        now = now_ms()
        candidates = (
            sa.select(o.c.id)
            .where(
                o.c.status == PENDING,
                o.c.next_attempt_at_ms <= now,
                o.c.lease_expires_at_ms < now,
                o.c.webhook_id.in_(sa.select(w.c.id).where(w.c.disabled_at_ms == 0)),
            )
            .order_by(o.c.next_attempt_at_ms, o.c.id)
            .limit(limit)
        )
        postgres = is_postgres(self.engine)
        if postgres:
            candidates = candidates.with_for_update(skip_locked=True)
        claim = (
            sa.update(o)
            .where(o.c.id.in_(candidates))
            .values(
                lease_owner=worker,
                lease_expires_at_ms=now + int(lease_s * 1000),
                attempts=o.c.attempts + 1,
            )
            .returning(o.c.id, o.c.webhook_id, o.c.event_type, o.c.payload, o.c.attempts)
        )
        with self.engine.connect() as conn:
            if not postgres:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            claimed = conn.execute(claim).all()
            hooks: dict[str, Any] = {}
            if claimed:
                ids = {row.webhook_id for row in claimed}
                hooks = {
                    h.id: h
                    for h in conn.execute(sa.select(w.c.id, w.c.url, w.c.secret).where(w.c.id.in_(ids)))
                }
            conn.commit()
        return [
            Delivery(
                id=row.id,
                webhook_id=row.webhook_id,
                url=hooks[row.webhook_id].url,
                secret=hooks[row.webhook_id].secret,
                event_type=row.event_type,
                payload=row.payload,
                attempts=row.attempts,
            )
            for row in sorted(claimed, key=lambda r: r.id)
            if row.webhook_id in hooks
        ]

    def _settle(self, delivery_id: str, worker: str, **values: Any) -> bool:
        o = outbox_table
        stmt = (
            sa.update(o)
            .where(o.c.id == delivery_id, o.c.lease_owner == worker, o.c.status == PENDING)
            .values(lease_owner=None, lease_expires_at_ms=0, **values)
        )
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def mark_delivered(self, delivery_id: str, worker: str) -> bool:
        return self._settle(delivery_id, worker, status=DELIVERED, delivered_at_ms=now_ms(), last_error="")

    def mark_retry(self, delivery_id: str, worker: str, next_attempt_at_ms: int, error: str) -> bool:
        return self._settle(
            delivery_id, worker, next_attempt_at_ms=next_attempt_at_ms, last_error=error[:MAX_ERROR_LENGTH]
        )

    def mark_dead(self, delivery_id: str, worker: str, error: str) -> bool:
        return self._settle(delivery_id, worker, status=DEAD, last_error=error[:MAX_ERROR_LENGTH])

    def disable_webhook(self, webhook_id: str, reason: str) -> None:
        """Stop delivering to a webhook (its receiver answered 410 Gone): no new or pending events."""
        o, w = outbox_table, webhooks_table
        now = now_ms()
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(w)
                .where(w.c.id == webhook_id, w.c.disabled_at_ms == 0)
                .values(disabled_at_ms=now, disabled_reason=reason[:MAX_ERROR_LENGTH])
            )
            conn.execute(
                sa.update(o)
                .where(o.c.webhook_id == webhook_id, o.c.status == PENDING)
                .values(
                    status=DEAD,
                    lease_owner=None,
                    lease_expires_at_ms=0,
                    last_error=f"webhook disabled: {reason}"[:MAX_ERROR_LENGTH],
                )
            )
