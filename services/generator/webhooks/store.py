"""Webhook endpoints per owner and the durable outbox their events are delivered from.

Why an outbox: a webhook must not be lost when the receiver is down or the generator restarts,
and must not be sent while the generation it announces is still uncommitted. So the event is a
row (`generator_webhook_outbox`) written with the generation row's update, and a
dispatcher (dispatcher.py) delivers rows later, retrying until the receiver answers 2xx. The
rows are written in the SAME transaction as the state change they announce (`enqueue_event`
takes the caller's Connection), so a crash either keeps both or neither: no event is lost. A
crash between a successful POST and marking the row delivered repeats an event: delivery is
AT LEAST ONCE, and receivers deduplicate on the `webhook-id` header (the outbox row id, stable
across retries), as the Standard Webhooks spec asks.

Secrets are stored in clear text: HMAC signing needs the key itself (a hash would not do). They
are returned once, on creation, and never listed; protect the database like any credential store.

Events come in two vocabularies for one thing, a generation ending: Makistry calls it a job
(`job.completed`), Meshra a generation (`generation.completed`). A webhook subscribed to either
name (or `*`) gets ONE delivery per event, typed with the name it subscribed to.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from uuid6 import uuid7

from printforge.runtime.db import Migration, now_ms
from printforge.runtime.url_policy import (
    PUBLIC_ONLY,
    AddressPolicy,
    DataTarget,
    UnsafeURLError,
    validate_url,
)

SERVICE = "generator-webhooks"
ALL_EVENTS = "*"
EVENT_ALIASES = {
    "generation.completed": "job.completed",
    "generation.failed": "job.failed",
}
"""Canonical event type -> its Makistry name; `enqueue_event` takes the canonical names."""
EVENT_TYPES = (*EVENT_ALIASES, *EVENT_ALIASES.values())
MAX_WEBHOOKS_PER_OWNER = 20
MAX_URL_LENGTH = 2048
SECRET_PREFIX = "whsec_"
# Standard Webhooks: symmetric secrets are random, 24 to 64 bytes.
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"

_metadata = sa.MetaData()

webhooks_table = sa.Table(
    "generator_webhooks",
    _metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.Text, nullable=False),  # JSON list
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("created_at_ms", sa.BigInteger, nullable=False),
    sa.Column("disabled_at_ms", sa.BigInteger, nullable=False, default=0),
    sa.Column("disabled_reason", sa.Text, nullable=False, default=""),
    sa.Index("ix_generator_webhooks_owner", "owner", "id"),
)

outbox_table = sa.Table(
    "generator_webhook_outbox",
    _metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "webhook_id",
        sa.String(40),
        sa.ForeignKey("generator_webhooks.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # the exact JSON body that is signed and sent
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at_ms", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("lease_owner", sa.String(128)),
    sa.Column("lease_expires_at_ms", sa.BigInteger, nullable=False, default=0),
    sa.Column("created_at_ms", sa.BigInteger, nullable=False),
    sa.Column("delivered_at_ms", sa.BigInteger, nullable=False, default=0),
    sa.Index("ix_generator_webhook_outbox_due", "status", "next_attempt_at_ms"),
    sa.Index("ix_generator_webhook_outbox_webhook", "webhook_id"),
)


def _create_tables(conn: Connection) -> None:
    webhooks_table.create(conn)
    outbox_table.create(conn)


WEBHOOK_MIGRATIONS = [Migration(1, "create generator_webhooks and generator_webhook_outbox", _create_tables)]


class InvalidWebhook(ValueError):
    """The webhook request is not acceptable; the message says why (map to HTTP 400)."""


class InvalidWebhookURL(InvalidWebhook):
    """The URL is malformed, not http(s), or names a host that may never be dialled."""


@dataclass(frozen=True)
class Webhook:
    id: str
    owner: str
    url: str
    events: tuple[str, ...]
    created_at_ms: int
    disabled_at_ms: int
    disabled_reason: str


def _row_to_webhook(row: Any) -> Webhook:
    return Webhook(
        id=row.id,
        owner=row.owner,
        url=row.url,
        events=tuple(json.loads(row.events)),
        created_at_ms=row.created_at_ms,
        disabled_at_ms=row.disabled_at_ms,
        disabled_reason=row.disabled_reason,
    )


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret; InvalidWebhook when it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidWebhook(
            "secret must be a Standard Webhooks secret 'whsec_<base64 of 24 to 64 random bytes>'; "
            "omit it to have one generated"
        )
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except ValueError as exc:
        raise InvalidWebhook(f"secret is not valid base64 after 'whsec_': {exc}") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InvalidWebhook(
            f"secret decodes to {len(key)} bytes; Standard Webhooks secrets are "
            f"{MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes"
        )
    return key


def check_url(url: str, policy: AddressPolicy = PUBLIC_ONLY) -> str:
    """The canonical http(s) URL, or InvalidWebhook saying why it may never be dialled.

    Only what needs no DNS is checked here (scheme, syntax, internal names, IP literals against
    `policy`); names are resolved and checked again at every delivery (DNS can change).
    """
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhookURL(f"url is longer than {MAX_URL_LENGTH} characters")
    try:
        target = validate_url(url, None)
    except UnsafeURLError as exc:
        raise InvalidWebhookURL(f"unsafe or unsupported webhook url: {exc}") from None
    if isinstance(target, DataTarget):
        raise InvalidWebhookURL("unsupported webhook url scheme 'data': use http or https")
    if target.ip is not None:
        reason = policy.refusal(target.ip, target.port)
        if reason:
            raise InvalidWebhookURL(f"webhook url host {target.host} is a {reason} address; it is refused")
    return target.url


def check_events(events: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(events))
    if not chosen:
        raise InvalidWebhook(f"events must name at least one of {', '.join(EVENT_TYPES)} or '*'")
    unknown = [e for e in chosen if e != ALL_EVENTS and e not in EVENT_TYPES]
    if unknown:
        raise InvalidWebhook(
            f"unknown event type(s) {', '.join(map(repr, unknown))}; "
            f"supported: {', '.join(EVENT_TYPES)} or '*'"
        )
    return chosen


class WebhookStore:
    """Create, list and delete an owner's webhooks (SQLAlchemy Core, SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, *, policy: AddressPolicy = PUBLIC_ONLY) -> None:
        self.engine = engine
        self.policy = policy

    def create(self, owner: str, url: str, events: Sequence[str], secret: str = "") -> tuple[Webhook, str]:
        """Store a webhook; returns it and its signing secret (generated when `secret` is empty)."""
        canonical_url = check_url(url, self.policy)
        chosen = check_events(events)
        secret = secret or generate_secret()
        secret_key(secret)
        t = webhooks_table
        webhook = Webhook(
            id=f"wh_{uuid7().hex}",
            owner=owner,
            url=canonical_url,
            events=chosen,
            created_at_ms=now_ms(),
            disabled_at_ms=0,
            disabled_reason="",
        )
        with self.engine.begin() as conn:
            count = conn.execute(sa.select(sa.func.count()).where(t.c.owner == owner)).scalar_one()
            if count >= MAX_WEBHOOKS_PER_OWNER:
                raise InvalidWebhook(f"at most {MAX_WEBHOOKS_PER_OWNER} webhooks per owner; delete one first")
            conn.execute(
                t.insert().values(
                    id=webhook.id,
                    owner=owner,
                    url=webhook.url,
                    events=json.dumps(list(chosen)),
                    secret=secret,
                    created_at_ms=webhook.created_at_ms,
                    disabled_at_ms=0,
                    disabled_reason="",
                )
            )
        return webhook, secret

    def list(self, owner: str) -> list[Webhook]:
        t = webhooks_table
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.owner == owner).order_by(t.c.id)).all()
        return [_row_to_webhook(r) for r in rows]

    def delete(self, owner: str, webhook_id: str) -> bool:
        """Delete the owner's webhook and its undelivered events; False when there was none."""
        t, o = webhooks_table, outbox_table
        with self.engine.begin() as conn:
            owned = sa.select(t.c.id).where(t.c.id == webhook_id, t.c.owner == owner)
            conn.execute(sa.delete(o).where(o.c.webhook_id.in_(owned)))
            return conn.execute(sa.delete(t).where(t.c.id == webhook_id, t.c.owner == owner)).rowcount == 1


def _delivered_type(event_type: str, subscribed: Sequence[str]) -> str | None:
    """The event name this webhook receives `event_type` under, or None if it is not subscribed."""
    if event_type in subscribed or ALL_EVENTS in subscribed:
        return event_type
    alias = EVENT_ALIASES[event_type]
    return alias if alias in subscribed else None


def enqueue_event(target: Engine | Connection, owner: str, event_type: str, data: dict[str, Any]) -> int:
    """Queue `event_type` for every active webhook of `owner` subscribed to it; returns how many.

    `event_type` is a canonical name (a key of EVENT_ALIASES). The body is a Standard Webhooks
    payload `{"type", "timestamp", "data"}`, serialised once here so every retry sends (and
    signs) the same bytes. Pass the Connection whose open transaction makes the announced state
    change: the rows then commit (or roll back) with it, which is what makes the outbox durable.
    An Engine runs the insert in a transaction of its own (tests, and events with no state).
    """
    if event_type not in EVENT_ALIASES:
        raise ValueError(f"unknown event type {event_type!r}; expected one of {', '.join(EVENT_ALIASES)}")
    if isinstance(target, Connection):
        return _insert_events(target, owner, event_type, data)
    with target.begin() as conn:
        return _insert_events(conn, owner, event_type, data)


def _insert_events(conn: Connection, owner: str, event_type: str, data: dict[str, Any]) -> int:
    t, o = webhooks_table, outbox_table
    now = now_ms()
    timestamp = _iso8601(now)
    hooks = conn.execute(
        sa.select(t.c.id, t.c.events).where(t.c.owner == owner, t.c.disabled_at_ms == 0)
    ).all()
    rows = []
    for hook in hooks:
        delivered_as = _delivered_type(event_type, json.loads(hook.events))
        if delivered_as is None:
            continue
        body = {"type": delivered_as, "timestamp": timestamp, "data": data}
        rows.append(
            {
                "id": f"msg_{uuid7().hex}",
                "webhook_id": hook.id,
                "event_type": delivered_as,
                "payload": json.dumps(body, separators=(",", ":"), sort_keys=True),
                "attempts": 0,
                "next_attempt_at_ms": now,
                "status": PENDING,
                "last_error": "",
                "lease_owner": None,
                "lease_expires_at_ms": 0,
                "created_at_ms": now,
                "delivered_at_ms": 0,
            }
        )
    if rows:
        conn.execute(o.insert(), rows)
    return len(rows)


def _iso8601(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
