"""WebhookDispatcher against a real HTTP receiver on 127.0.0.1, on SQLite and PostgreSQL.

Loopback is reachable only because each test passes LoopbackTestPolicy(receiver port) in code;
the refusal tests use the production policy with a recording resolver and network backend, so
nothing is dialled.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import httpcore
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from standardwebhooks import Webhook

from printforge.runtime.url_policy import PUBLIC_ONLY, LoopbackTestPolicy
from printforge_services.generator.webhooks.dispatcher import RetryPolicy, WebhookDispatcher
from printforge_services.generator.webhooks.store import (
    DEAD,
    DELIVERED,
    PENDING,
    InvalidWebhookURL,
    WebhookStore,
    enqueue_event,
    outbox_table,
    webhooks_table,
)
from tests.generator.webhooks.conftest import migrated
from tests.generator.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """Dispatch behaviour does not depend on the backend; the claims it rests on are tested on both."""
    return sqlite_engine


FAST = RetryPolicy(max_attempts=4, base_s=0.1, factor=2.0, max_delay_s=1.0)


def dispatcher(engine: Engine, receiver: Receiver, **kwargs: object) -> WebhookDispatcher:
    options: dict[str, object] = {"poll_s": 0.02, "retry": FAST, "timeout_s": 5.0, "lease_s": 10.0}
    options.update(kwargs)
    return WebhookDispatcher(engine, policy=LoopbackTestPolicy(receiver.port), **options)  # type: ignore[arg-type]


def outbox(engine: Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox_table).order_by(outbox_table.c.id)).all()


async def wait_until(condition: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.02)


def settled(engine: Engine) -> bool:
    rows = outbox(engine)
    return bool(rows) and all(r.status != PENDING for r in rows)


def subscribe(engine: Engine, receiver: Receiver) -> str:
    _, secret = WebhookStore(engine, policy=LoopbackTestPolicy(receiver.port)).create(
        "alice", receiver.url, ["job.completed", "job.failed"]
    )
    return secret


async def test_retries_5xx_with_backoff_then_delivers_exactly_once(engine: Engine) -> None:
    with running_receiver(script=[500, 503]) as receiver:
        secret = subscribe(engine, receiver)
        enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1", "status": "completed"})
        worker = dispatcher(engine, receiver)
        await worker.start()
        try:
            await wait_until(lambda: settled(engine))
            await asyncio.sleep(0.3)  # time for a (wrong) repeat to show up
        finally:
            await worker.stop()
        (row,) = outbox(engine)
        assert (row.status, row.attempts) == (DELIVERED, 3)
        assert len(receiver.received) == 3
        ids = {r.headers["webhook-id"] for r in receiver.received}
        assert ids == {row.id}
        for request in receiver.received:
            body = Webhook(secret).verify(request.body, request.headers)
            assert body["type"] == "job.completed" and body["data"]["job_id"] == "g1"
        gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
        # Equal jitter: the n-th retry waits at least half of base * factor ** (n - 1).
        assert gaps[0] >= 0.05 and gaps[1] >= 0.1


async def test_gives_up_after_max_attempts(engine: Engine) -> None:
    with running_receiver(default=500) as receiver:
        subscribe(engine, receiver)
        enqueue_event(engine, "alice", "generation.failed", {"job_id": "g1"})
        worker = dispatcher(engine, receiver)
        await worker.start()
        try:
            await wait_until(lambda: settled(engine))
        finally:
            await worker.stop()
    (row,) = outbox(engine)
    assert (row.status, row.attempts) == (DEAD, FAST.max_attempts)
    assert "HTTP 500" in row.last_error
    assert len(receiver.received) == FAST.max_attempts


async def test_429_and_4xx_are_retried(engine: Engine) -> None:
    with running_receiver(script=[429, 404]) as receiver:
        subscribe(engine, receiver)
        enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1"})
        worker = dispatcher(engine, receiver)
        await worker.start()
        try:
            await wait_until(lambda: settled(engine))
        finally:
            await worker.stop()
    (row,) = outbox(engine)
    assert (row.status, row.attempts) == (DELIVERED, 3)


async def test_410_gone_disables_the_webhook(engine: Engine) -> None:
    with running_receiver(default=410) as receiver:
        subscribe(engine, receiver)
        enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1"})
        worker = dispatcher(engine, receiver)
        await worker.start()
        try:
            await wait_until(lambda: settled(engine))
        finally:
            await worker.stop()
    (row,) = outbox(engine)
    assert row.status == DEAD and "410" in row.last_error
    assert len(receiver.received) == 1
    (hook,) = WebhookStore(engine).list("alice")
    assert hook.disabled_at_ms > 0 and "410" in hook.disabled_reason
    assert enqueue_event(engine, "alice", "generation.completed", {"job_id": "g2"}) == 0


async def test_connection_failures_are_retried(engine: Engine) -> None:
    with running_receiver() as receiver:
        subscribe(engine, receiver)
    # The receiver is closed: its port now refuses connections.
    enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1"})
    worker = dispatcher(engine, receiver)
    assert await worker.run_once() == 1
    (row,) = outbox(engine)
    assert (row.status, row.attempts) == (PENDING, 1)
    assert "FetchError" in row.last_error
    assert row.next_attempt_at_ms > time.time() * 1000


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_two_replicas_deliver_each_event_once(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Claims are what keeps replicas apart, and they differ per backend: run this on both.
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else f"sqlite:///{tmp_path}/r.db"
    engine = migrated(url)
    with running_receiver() as receiver:
        subscribe(engine, receiver)
        for i in range(30):
            enqueue_event(engine, "alice", "generation.completed", {"job_id": f"g{i}"})
        workers = [dispatcher(engine, receiver, batch_size=4) for _ in range(2)]
        for w in workers:
            await w.start()
        try:
            await wait_until(lambda: settled(engine))
            await asyncio.sleep(0.2)
        finally:
            for w in workers:
                await w.stop()
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 30
    assert {r.status for r in outbox(engine)} == {DELIVERED}


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Records every connection attempt and makes none."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        raise httpcore.ConnectError("recording backend: no real connections")


async def test_a_name_resolving_to_metadata_is_never_dialled(engine: Engine) -> None:
    with pytest.raises(InvalidWebhookURL, match="metadata"):
        WebhookStore(engine).create("alice", "http://169.254.169.254/latest/meta-data/", ["*"])
    # A name passes creation (no DNS then); at delivery it resolves to the metadata address.
    WebhookStore(engine).create("alice", "https://rebind.example.com/hook", ["*"])
    enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1"})
    asked: list[str] = []

    async def resolver(host: str) -> list[str]:
        asked.append(host)
        return ["93.184.215.14", "169.254.169.254"]

    backend = RecordingBackend()
    worker = WebhookDispatcher(
        engine, policy=PUBLIC_ONLY, resolver=resolver, network_backend=backend, retry=FAST
    )
    assert await worker.run_once() == 1
    assert asked == ["rebind.example.com"]
    assert backend.connects == []
    (row,) = outbox(engine)
    assert row.status == PENDING and "metadata" in row.last_error


async def test_a_row_whose_webhook_was_disabled_meanwhile_is_not_sent(engine: Engine) -> None:
    with running_receiver() as receiver:
        subscribe(engine, receiver)
        enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1"})
        with engine.begin() as conn:
            conn.execute(sa.update(webhooks_table).values(disabled_at_ms=1))
        worker = dispatcher(engine, receiver)
        await worker.run_once()
    assert receiver.received == []


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    policy = RetryPolicy(max_attempts=10, base_s=5, factor=4, max_delay_s=3600)
    rng = random.Random(7)
    for attempts, full in [(1, 5), (2, 20), (3, 80), (6, 3600), (200, 3600)]:
        delays = [policy.delay_s(attempts, rng) for _ in range(200)]
        assert full / 2 <= min(delays) and max(delays) <= full
        assert max(delays) - min(delays) > full / 4  # jitter actually spreads retries


def test_lease_must_outlive_the_request_timeout(engine: Engine) -> None:
    with pytest.raises(ValueError, match="lease_s"):
        WebhookDispatcher(engine, timeout_s=30, lease_s=30)


async def test_a_corrupt_row_costs_attempts_instead_of_looping(engine: Engine) -> None:
    with running_receiver() as receiver:
        subscribe(engine, receiver)
        enqueue_event(engine, "alice", "generation.completed", {"job_id": "g1"})
        with engine.begin() as conn:
            conn.execute(sa.update(webhooks_table).values(secret="not-a-whsec-secret"))
        worker = dispatcher(engine, receiver, retry=RetryPolicy(max_attempts=1, base_s=0.1))
        assert await worker.run_once() == 1
    (row,) = outbox(engine)
    assert row.status == DEAD and "InvalidWebhook" in row.last_error
    assert receiver.received == []
