"""A version's outcome and its webhook outbox rows commit in ONE transaction (SQLite and PostgreSQL).

The callback is the service's real wiring (`server.announce_finished`, which enqueues through
services/generator/webhooks) on one engine holding both the generator and the webhook tables.
A crash while enqueueing must leave neither the completion nor any outbox row behind: that is
what makes the outbox durable ("at least once", never "lost between two commits").
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from printforge.runtime.db import engine_for, migrate
from printforge_services.generator.server import announce_finished
from printforge_services.generator.store import (
    COMPLETED,
    FAILED,
    MIGRATIONS,
    PROCESSING,
    SERVICE,
    Content,
    Generation,
    GenerationStore,
)
from printforge_services.generator.webhooks.store import SERVICE as WEBHOOK_SERVICE
from printforge_services.generator.webhooks.store import WEBHOOK_MIGRATIONS, WebhookStore, outbox_table

DONE = Content(template_id="knob", manifest=[], values={"d": 30}, files={"stl": "generator/g/v1/part.stl"})


class EnqueueCrash(RuntimeError):
    """Stands for the process or the database failing after the outbox insert, before commit."""


@pytest.fixture
def engine(database_url: str) -> Engine:
    engine = engine_for(database_url)
    migrate(engine, SERVICE, MIGRATIONS)
    migrate(engine, WEBHOOK_SERVICE, WEBHOOK_MIGRATIONS)
    WebhookStore(engine).create("alice", "https://hooks.example.com/pf", ["*"])
    return engine


@pytest.fixture
def store(engine: Engine) -> GenerationStore:
    return GenerationStore(engine)


def events(engine: Engine) -> list[dict[str, Any]]:
    """(type, data) of every committed outbox row, oldest first."""
    o = outbox_table
    with engine.connect() as conn:
        rows = conn.execute(sa.select(o.c.event_type, o.c.payload).order_by(o.c.id)).all()
    return [{"type": r.event_type, **json.loads(r.payload)["data"]} for r in rows]


def crash_after_enqueue(conn: Connection, gen: Generation) -> None:
    announce_finished(conn, gen)
    queued = conn.execute(sa.select(sa.func.count()).select_from(outbox_table)).scalar_one()
    assert queued == 1, "the event row was written on the caller's transaction"
    raise EnqueueCrash("crashed after queueing the event")


def test_a_completion_commits_with_its_event(engine: Engine, store: GenerationStore) -> None:
    gen = store.create("alice", "chat", status=PROCESSING, content=DONE)
    assert events(engine) == [], "a processing version is not announced"
    assert store.complete(gen.id, 1, DONE, in_transaction=announce_finished)
    (event,) = events(engine)
    assert (event["type"], event["generation_id"], event["version"]) == ("generation.completed", gen.id, 1)
    assert (event["status"], event["job_status"], event["error_code"]) == ("completed", "success", None)
    assert not store.complete(gen.id, 1, DONE, in_transaction=crash_after_enqueue), "finished once only"
    assert len(events(engine)) == 1


def test_a_failure_while_enqueueing_rolls_back_the_completion(engine: Engine, store: GenerationStore) -> None:
    gen = store.create("alice", "chat", status=PROCESSING, content=Content("", [], {}, {}))
    with pytest.raises(EnqueueCrash):
        store.complete(gen.id, 1, DONE, in_transaction=crash_after_enqueue)
    with pytest.raises(EnqueueCrash):
        store.fail(gen.id, 1, "no part", in_transaction=crash_after_enqueue)
    kept = store.get(gen.id, 1)
    assert kept is not None and (kept.status, kept.values, kept.error) == (PROCESSING, {}, None)
    assert events(engine) == []

    assert store.fail(gen.id, 1, "no part", in_transaction=announce_finished)
    failed = store.get(gen.id, 1)
    assert failed is not None and (failed.status, failed.error) == (FAILED, "no part")
    (event,) = events(engine)
    assert (event["type"], event["job_status"], event["error_code"]) == (
        "generation.failed",
        "failed",
        "generation_failed",
    )
    assert event["error_message"] == "no part"


def test_a_finished_create_commits_with_its_event_and_a_cache_hit_is_silent(
    engine: Engine, store: GenerationStore
) -> None:
    with pytest.raises(EnqueueCrash):
        store.create(
            "alice",
            "starter",
            status=COMPLETED,
            content=DONE,
            cache_key="k",
            in_transaction=crash_after_enqueue,
        )
    assert store.find_cached("alice", "k") is None and store.list("alice", [], limit=10) == []
    assert events(engine) == []

    gen = store.create(
        "alice", "starter", status=COMPLETED, content=DONE, cache_key="k", in_transaction=announce_finished
    )
    again = store.create(
        "alice", "starter", status=COMPLETED, content=DONE, cache_key="k", in_transaction=crash_after_enqueue
    )
    assert again.cached and again.id == gen.id
    assert [(e["type"], e["generation_id"]) for e in events(engine)] == [("generation.completed", gen.id)]


def test_a_database_error_while_enqueueing_rolls_back_the_completion(database_url: str) -> None:
    """Here the outbox insert itself fails (its tables were never migrated): a real driver error."""
    engine = engine_for(database_url)
    migrate(engine, SERVICE, MIGRATIONS)
    store = GenerationStore(engine)
    gen = store.create("alice", "chat", status=PROCESSING, content=DONE)
    with pytest.raises(DBAPIError):
        store.complete(gen.id, 1, DONE, in_transaction=announce_finished)
    kept = store.get(gen.id, 1)
    assert kept is not None and kept.status == PROCESSING
