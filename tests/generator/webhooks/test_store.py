"""WebhookStore and enqueue_event on SQLite and PostgreSQL: validation, ownership, fan-out."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from printforge.runtime.db import migrate
from printforge.runtime.url_policy import LoopbackTestPolicy
from printforge_services.generator.webhooks.store import (
    MAX_WEBHOOKS_PER_OWNER,
    PENDING,
    SERVICE,
    WEBHOOK_MIGRATIONS,
    InvalidWebhook,
    InvalidWebhookURL,
    WebhookStore,
    check_events,
    check_url,
    enqueue_event,
    outbox_table,
    secret_key,
    webhooks_table,
)

URL = "https://hooks.example.com/printforge"


def outbox_rows(engine: Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox_table).order_by(outbox_table.c.id)).all()


def test_migrations_are_idempotent(engine: Engine) -> None:
    assert migrate(engine, SERVICE, WEBHOOK_MIGRATIONS) == []


def test_create_generates_a_standard_secret_returned_once(engine: Engine) -> None:
    store = WebhookStore(engine)
    webhook, secret = store.create("alice", URL, ["job.completed"])
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert webhook.id.startswith("wh_") and webhook.url == URL and webhook.events == ("job.completed",)
    listed = store.list("alice")
    assert [w.id for w in listed] == [webhook.id]
    assert not hasattr(listed[0], "secret")
    _, other = store.create("alice", URL, ["job.completed"])
    assert other != secret


def test_create_keeps_a_supplied_secret(engine: Engine) -> None:
    supplied = "whsec_" + base64.b64encode(bytes(range(24))).decode()
    _, secret = WebhookStore(engine).create("alice", URL, ["*"], supplied)
    assert secret == supplied
    assert secret_key(secret) == bytes(range(24))


@pytest.mark.parametrize(
    "secret",
    ["plain_signing_secret", "whsec_" + base64.b64encode(b"short").decode(), "whsec_not base64!", "whsec_"],
)
def test_non_standard_secrets_are_refused(secret: str) -> None:
    with pytest.raises(InvalidWebhook, match="secret"):
        secret_key(secret)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example.com/x", "scheme"),
        ("data:text/plain,hi", "scheme"),
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "metadata"),
        ("http://[::1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://0x7f000001/hook", "127.0.0.1"),
        ("http://localhost:9000/hook", "local"),
        ("http://metadata.google.internal/", "internal"),
        ("https://user:pw@hooks.example.com/", "user"),
        ("https://hooks.example.com/" + "a" * 3000, "longer"),
    ],
)
def test_unsafe_urls_are_refused_without_dns(url: str, why: str) -> None:
    with pytest.raises(InvalidWebhookURL, match=why):
        check_url(url)


def test_create_stores_nothing_when_refused(engine: Engine) -> None:
    store = WebhookStore(engine)
    with pytest.raises(InvalidWebhookURL, match="metadata"):
        store.create("alice", "http://169.254.169.254/latest/meta-data", ["*"])
    with pytest.raises(InvalidWebhook, match="secret"):
        store.create("alice", URL, ["*"], "plain_signing_secret")
    with pytest.raises(InvalidWebhook, match="event"):
        store.create("alice", URL, ["job.started"])
    assert store.list("alice") == []


def test_loopback_port_is_allowed_only_by_the_test_policy(engine: Engine) -> None:
    store = WebhookStore(engine, policy=LoopbackTestPolicy(8123))
    webhook, _ = store.create("alice", "http://127.0.0.1:8123/hook", ["*"])
    assert webhook.url == "http://127.0.0.1:8123/hook"
    with pytest.raises(InvalidWebhookURL, match="loopback"):
        store.create("alice", "http://127.0.0.1:8124/hook", ["*"])


@pytest.mark.parametrize("events", [[], ["job.started"], ["job.completed", "JOB.COMPLETED"]])
def test_unknown_or_missing_events_are_refused(events: list[str]) -> None:
    with pytest.raises(InvalidWebhook, match="event"):
        check_events(events)


def test_events_are_deduplicated_in_order() -> None:
    assert check_events(["job.failed", "job.completed", "job.failed"]) == ("job.failed", "job.completed")
    assert check_url("HTTPS://Hooks.Example.COM:443/a%20b") == "https://hooks.example.com/a%20b"


def test_webhooks_per_owner_are_capped(engine: Engine) -> None:
    store = WebhookStore(engine)
    for _ in range(MAX_WEBHOOKS_PER_OWNER):
        store.create("alice", URL, ["*"])
    with pytest.raises(InvalidWebhook, match="at most"):
        store.create("alice", URL, ["*"])
    store.create("bob", URL, ["*"])


def test_owners_see_and_delete_only_their_own(engine: Engine) -> None:
    store = WebhookStore(engine)
    mine, _ = store.create("alice", URL, ["*"])
    assert store.list("bob") == []
    assert store.delete("bob", mine.id) is False
    assert store.delete("alice", "wh_missing") is False
    assert store.delete("alice", mine.id) is True
    assert store.list("alice") == []


def test_enqueue_fans_out_under_the_subscribed_name(engine: Engine) -> None:
    store = WebhookStore(engine)
    as_job, _ = store.create("alice", URL + "/job", ["job.completed"])
    as_generation, _ = store.create("alice", URL + "/gen", ["generation.completed"])
    everything, _ = store.create("alice", URL + "/all", ["*"])
    both, _ = store.create("alice", URL + "/both", ["job.completed", "generation.completed"])
    store.create("alice", URL + "/failures", ["job.failed", "generation.failed"])
    store.create("bob", URL, ["*"])

    data = {"job_id": "g1", "status": "completed"}
    assert enqueue_event(engine, "alice", "generation.completed", data) == 4

    rows = {row.webhook_id: row for row in outbox_rows(engine)}
    assert set(rows) == {as_job.id, as_generation.id, everything.id, both.id}
    expected_types = {
        as_job.id: "job.completed",
        as_generation.id: "generation.completed",
        everything.id: "generation.completed",
        both.id: "generation.completed",
    }
    for webhook_id, row in rows.items():
        body = json.loads(row.payload)
        assert row.event_type == body["type"] == expected_types[webhook_id]
        assert body["data"] == data
        assert body["timestamp"].endswith("Z")
        assert row.status == PENDING and row.attempts == 0 and row.id.startswith("msg_")
        assert "." not in row.id


def test_enqueue_skips_disabled_webhooks(engine: Engine) -> None:
    WebhookStore(engine).create("alice", URL, ["*"])
    with engine.begin() as conn:
        conn.execute(sa.update(webhooks_table).values(disabled_at_ms=1, disabled_reason="gone"))
    assert enqueue_event(engine, "alice", "generation.failed", {"job_id": "g1"}) == 0
    assert outbox_rows(engine) == []


def test_enqueue_refuses_non_canonical_event_types(engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        enqueue_event(engine, "alice", "job.completed", {})


def test_delete_drops_undelivered_events(engine: Engine) -> None:
    store = WebhookStore(engine)
    gone, _ = store.create("alice", URL, ["*"])
    kept, _ = store.create("alice", URL, ["*"])
    enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1"})
    assert store.delete("alice", gone.id)
    assert [row.webhook_id for row in outbox_rows(engine)] == [kept.id]
