"""Outbox claims on SQLite and PostgreSQL: leases are exclusive, settling is fenced, replicas split work."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from printforge_services.generator.webhooks.outbox import Outbox
from printforge_services.generator.webhooks.store import (
    DEAD,
    DELIVERED,
    PENDING,
    WebhookStore,
    enqueue_event,
    outbox_table,
    webhooks_table,
)

URL = "https://hooks.example.com/printforge"


def queue(engine: Engine, events: int) -> str:
    webhook, _ = WebhookStore(engine).create("alice", URL, ["*"])
    for i in range(events):
        enqueue_event(engine, "alice", "generation.completed", {"job_id": f"g{i}"})
    return webhook.id


def row(engine: Engine, delivery_id: str) -> sa.Row:
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox_table).where(outbox_table.c.id == delivery_id)).one()


def test_claim_leases_rows_and_carries_the_signing_data(engine: Engine) -> None:
    webhook_id = queue(engine, 3)
    outbox = Outbox(engine)
    first = outbox.claim("w1", lease_s=60, limit=2)
    assert len(first) == 2
    assert all(d.webhook_id == webhook_id and d.url == URL and d.secret.startswith("whsec_") for d in first)
    assert all(d.attempts == 1 for d in first)
    rest = outbox.claim("w2", lease_s=60, limit=10)
    assert len(rest) == 1 and rest[0].id not in {d.id for d in first}
    assert outbox.claim("w3", lease_s=60, limit=10) == []


def test_settling_is_fenced_by_the_lease_owner(engine: Engine) -> None:
    queue(engine, 1)
    outbox = Outbox(engine)
    (delivery,) = outbox.claim("w1", lease_s=60, limit=1)
    assert outbox.mark_delivered(delivery.id, "intruder") is False
    assert outbox.mark_delivered(delivery.id, "w1") is True
    assert row(engine, delivery.id).status == DELIVERED
    assert outbox.mark_dead(delivery.id, "w1", "late") is False


def test_an_expired_lease_is_reclaimed_and_the_old_owner_fenced_out(engine: Engine) -> None:
    queue(engine, 1)
    outbox = Outbox(engine)
    (stale,) = outbox.claim("w1", lease_s=0.05, limit=1)
    time.sleep(0.1)
    (again,) = outbox.claim("w2", lease_s=60, limit=1)
    assert again.id == stale.id and again.attempts == 2
    assert outbox.mark_retry(stale.id, "w1", 0, "late") is False
    assert outbox.mark_retry(again.id, "w2", int(time.time() * 1000) + 60_000, "HTTP 500") is True
    settled = row(engine, again.id)
    assert (settled.status, settled.last_error, settled.lease_owner) == (PENDING, "HTTP 500", None)
    assert outbox.claim("w3", lease_s=60, limit=1) == []  # not due for a minute


def test_disabling_a_webhook_kills_its_pending_rows(engine: Engine) -> None:
    webhook_id = queue(engine, 2)
    outbox = Outbox(engine)
    outbox.disable_webhook(webhook_id, "answered 410 Gone")
    with engine.connect() as conn:
        statuses = conn.execute(sa.select(outbox_table.c.status)).scalars().all()
        hook = conn.execute(sa.select(webhooks_table)).one()
    assert statuses == [DEAD, DEAD]
    assert hook.disabled_at_ms > 0 and hook.disabled_reason == "answered 410 Gone"
    assert outbox.claim("w1", lease_s=60, limit=10) == []


def test_concurrent_claimers_take_disjoint_rows(engine: Engine) -> None:
    queue(engine, 40)
    outbox = Outbox(engine)
    claimed: dict[str, list[str]] = {}
    start = threading.Barrier(4)

    def claimer(name: str) -> None:
        start.wait()
        mine: list[str] = []
        while batch := outbox.claim(name, lease_s=60, limit=3):
            mine += [d.id for d in batch]
        claimed[name] = mine

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == len(set(every)) == 40
