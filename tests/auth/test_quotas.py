"""Quota windows: the arithmetic, the store's atomic counting, and two processes sharing one database."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from printforge.runtime.config import Settings
from printforge.runtime.db import engine_for
from printforge_services.auth.quotas import (
    DAY_S,
    MINUTE_S,
    Bucket,
    QuotaRule,
    decide,
    reset_seconds,
    rules_from_settings,
    window_start_ms,
)
from printforge_services.auth.store import (
    PRUNE_INTERVAL_MS,
    AuthStore,
    InvalidArgumentError,
    UnauthenticatedError,
    quota_windows,
)

T0 = int(datetime(2027, 3, 14, 15, 9, 26, 535_000, tzinfo=UTC).timestamp() * 1000)


class Clock:
    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def _rules(requests: int = 5, chat: int = 3) -> dict[Bucket, QuotaRule]:
    return {
        Bucket.REQUESTS: QuotaRule(Bucket.REQUESTS, requests, MINUTE_S),
        Bucket.CHAT: QuotaRule(Bucket.CHAT, chat, DAY_S),
    }


# Arithmetic -------------------------------------------------------------------------------------


def test_windows_align_to_the_utc_minute_and_day() -> None:
    assert window_start_ms(T0, MINUTE_S) == int(datetime(2027, 3, 14, 15, 9, tzinfo=UTC).timestamp() * 1000)
    assert window_start_ms(T0, DAY_S) == int(datetime(2027, 3, 14, tzinfo=UTC).timestamp() * 1000)
    start = window_start_ms(T0, MINUTE_S)
    assert window_start_ms(start, MINUTE_S) == start
    assert window_start_ms(start - 1, MINUTE_S) == start - 60_000


def test_reset_seconds_rounds_up_and_is_never_zero() -> None:
    assert reset_seconds(T0, MINUTE_S) == 34  # 33.465 s left in the minute
    start = window_start_ms(T0, MINUTE_S)
    assert reset_seconds(start, MINUTE_S) == 60
    assert reset_seconds(start + 59_999, MINUTE_S) == 1
    midnight = int(datetime(2027, 3, 15, tzinfo=UTC).timestamp() * 1000)
    assert reset_seconds(T0, DAY_S) == -(-(midnight - T0) // 1000)


def test_decide_reports_remaining_and_denials() -> None:
    rule = QuotaRule(Bucket.REQUESTS, 60, MINUTE_S)
    assert decide(rule, 1, T0) == decide(rule, 1, T0)
    ok = decide(rule, 59, T0)
    assert (ok.allowed, ok.limit, ok.remaining) == (True, 60, 1)
    denied = decide(rule, None, T0)
    assert (denied.allowed, denied.limit, denied.remaining, denied.reset_seconds) == (False, 60, 0, 34)


def test_rules_validate() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        QuotaRule(Bucket.CHAT, -1, DAY_S)
    with pytest.raises(ValueError, match="> 0"):
        QuotaRule(Bucket.CHAT, 1, 0)


def test_rules_come_from_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    defaults = rules_from_settings(Settings.from_env({"PRINTFORGE_DATA_DIR": str(tmp_path)}))
    assert defaults[Bucket.REQUESTS] == QuotaRule(Bucket.REQUESTS, 60, MINUTE_S)
    assert defaults[Bucket.CHAT] == QuotaRule(Bucket.CHAT, 50, DAY_S)
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_RATE_LIMIT_PER_MINUTE": "7",
        "PRINTFORGE_CHAT_PER_DAY": "9",
    }
    custom = rules_from_settings(Settings.from_env(env))
    assert (custom[Bucket.REQUESTS].limit, custom[Bucket.CHAT].limit) == (7, 9)


# Store ------------------------------------------------------------------------------------------


def _store(url: str, rules: dict[Bucket, QuotaRule], clock: Clock) -> AuthStore:
    store = AuthStore(engine_for(url), rules, clock=clock)
    store.migrate()
    return store


def _stored_count(url: str, key_id: str, bucket: Bucket) -> int:
    with engine_for(url).connect() as conn:
        return conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(quota_windows.c.count), 0)).where(
                quota_windows.c.key_id == key_id, quota_windows.c.bucket == bucket.value
            )
        ).scalar_one()


def test_limit_then_deny_without_counting_denials(database_url: str) -> None:
    clock = Clock()
    store = _store(database_url, _rules(requests=5), clock)
    _, key, _ = store.create_api_key("alice")
    answers = [store.consume_quota(key.id, Bucket.REQUESTS) for _ in range(8)]
    assert [a.allowed for a in answers] == [True] * 5 + [False] * 3
    assert [a.remaining for a in answers] == [4, 3, 2, 1, 0, 0, 0, 0]
    assert {a.limit for a in answers} == {5}
    assert {a.reset_seconds for a in answers} == {34}
    assert _stored_count(database_url, key.id, Bucket.REQUESTS) == 5

    clock.now = window_start_ms(T0, MINUTE_S) + 60_000  # next minute
    fresh = store.consume_quota(key.id, Bucket.REQUESTS)
    assert (fresh.allowed, fresh.remaining, fresh.reset_seconds) == (True, 4, 60)


def test_several_requests_are_counted_at_once_in_full_or_one_by_one(database_url: str) -> None:
    """A gateway's lease takes n at once; with fewer than n left, exactly one is taken."""
    store = _store(database_url, _rules(requests=10), Clock())
    _, key, _ = store.create_api_key("alice")
    first = store.consume_quota(key.id, Bucket.REQUESTS, 4)
    assert (first.allowed, first.granted, first.remaining) == (True, 4, 6)
    second = store.consume_quota(key.id, Bucket.REQUESTS, 5)
    assert (second.allowed, second.granted, second.remaining) == (True, 5, 1)
    third = store.consume_quota(key.id, Bucket.REQUESTS, 5)  # 1 left: one is counted
    assert (third.allowed, third.granted, third.remaining) == (True, 1, 0)
    refused = store.consume_quota(key.id, Bucket.REQUESTS, 5)
    assert (refused.allowed, refused.granted) == (False, 0)
    assert _stored_count(database_url, key.id, Bucket.REQUESTS) == 10


def test_a_count_larger_than_the_limit_takes_one(database_url: str) -> None:
    store = _store(database_url, _rules(requests=3), Clock())
    _, key, _ = store.create_api_key("alice")
    answer = store.consume_quota(key.id, Bucket.REQUESTS, 50)
    assert (answer.allowed, answer.granted, answer.remaining) == (True, 1, 2)
    with pytest.raises(InvalidArgumentError):
        store.consume_quota(key.id, Bucket.REQUESTS, 0)


def test_buckets_and_keys_are_counted_separately(database_url: str) -> None:
    clock = Clock()
    store = _store(database_url, _rules(requests=2, chat=1), clock)
    _, a, _ = store.create_api_key("alice")
    _, b, _ = store.create_api_key("alice")
    assert store.consume_quota(a.id, Bucket.CHAT).allowed
    assert not store.consume_quota(a.id, Bucket.CHAT).allowed
    assert store.consume_quota(b.id, Bucket.CHAT).allowed
    assert store.consume_quota(a.id, Bucket.REQUESTS).remaining == 1
    # The chat day outlives many minutes.
    clock.now += 3 * 3_600_000
    assert not store.consume_quota(a.id, Bucket.CHAT).allowed
    assert store.consume_quota(a.id, Bucket.REQUESTS).remaining == 1


def test_zero_limit_denies_everything(database_url: str) -> None:
    store = _store(database_url, _rules(chat=0), Clock())
    _, key, _ = store.create_api_key("alice")
    answer = store.consume_quota(key.id, Bucket.CHAT)
    assert (answer.allowed, answer.limit, answer.remaining) == (False, 0, 0)


def test_unknown_or_revoked_key_is_not_counted(database_url: str) -> None:
    store = _store(database_url, _rules(), Clock())
    _, key, _ = store.create_api_key("alice")
    store.revoke_api_key(key.id)
    with pytest.raises(UnauthenticatedError, match="revoked"):
        store.consume_quota(key.id, Bucket.REQUESTS)
    with pytest.raises(UnauthenticatedError):
        store.consume_quota("key_00000000000000000000aa", Bucket.REQUESTS)
    assert _stored_count(database_url, key.id, Bucket.REQUESTS) == 0


def test_key_revoked_with_a_full_window_is_unauthenticated_not_limited(database_url: str) -> None:
    """A full window and a revoked key both make the counting statement return no row: revoked wins."""
    store = _store(database_url, _rules(requests=2), Clock())
    _, key, _ = store.create_api_key("alice")
    assert [store.consume_quota(key.id, Bucket.REQUESTS).allowed for _ in range(3)] == [True, True, False]
    store.revoke_api_key(key.id)
    with pytest.raises(UnauthenticatedError, match="revoked"):
        store.consume_quota(key.id, Bucket.REQUESTS)
    assert _stored_count(database_url, key.id, Bucket.REQUESTS) == 2


def test_ended_windows_are_pruned(database_url: str) -> None:
    clock = Clock()
    store = _store(database_url, _rules(), clock)
    _, key, _ = store.create_api_key("alice")
    store.consume_quota(key.id, Bucket.REQUESTS)
    store.consume_quota(key.id, Bucket.CHAT)
    clock.now += 2 * 60_000
    assert store.prune_windows() == 1  # the minute ended, the day did not
    assert _stored_count(database_url, key.id, Bucket.CHAT) == 1
    # Consuming prunes on its own once the interval has passed.
    store.consume_quota(key.id, Bucket.REQUESTS)
    clock.now += PRUNE_INTERVAL_MS + DAY_S * 1000
    store.consume_quota(key.id, Bucket.REQUESTS)
    with engine_for(database_url).connect() as conn:
        rows = conn.execute(sa.select(quota_windows.c.bucket, quota_windows.c.count)).all()
    assert [tuple(r) for r in rows] == [("requests", 1)]


# Two processes --------------------------------------------------------------------------------


def _hammer(
    url: str,
    key_id: str,
    attempts: int,
    limit: int,
    barrier: multiprocessing.synchronize.Barrier,
    results: multiprocessing.queues.Queue,
) -> None:
    """Child process: consume `attempts` times at one fixed instant and report how many were allowed."""
    store = AuthStore(engine_for(url), _rules(requests=limit), clock=lambda: T0)
    barrier.wait(60)  # both children are up and connected before either starts counting
    results.put(sum(store.consume_quota(key_id, Bucket.REQUESTS).allowed for _ in range(attempts)))


def test_two_processes_share_the_limit_exactly(database_url: str) -> None:
    limit, attempts = 60, 80
    store = _store(database_url, _rules(requests=limit), Clock())
    _, key, _ = store.create_api_key("alice")
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    children = [
        ctx.Process(target=_hammer, args=(database_url, key.id, attempts, limit, barrier, results))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    try:
        allowed = [results.get(timeout=120) for _ in children]
    finally:
        for child in children:
            child.join(30)
    assert [c.exitcode for c in children] == [0, 0]
    assert sum(allowed) == limit
    assert _stored_count(database_url, key.id, Bucket.REQUESTS) == limit
