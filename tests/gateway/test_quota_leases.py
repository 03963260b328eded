"""Quota leases against the real auth store (SQLite): quiet keys count one by one, busy keys in
batches, and nothing is ever admitted beyond the limit."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from printforge.runtime.db import engine_for
from printforge_services.auth.quotas import DAY_S, MINUTE_S, Bucket, QuotaRule
from printforge_services.auth.store import AuthStore
from printforge_services.gateway.quota_leases import QuotaAnswer, QuotaLeases

# 15:09:26.535 UTC on a fixed day: the minute window has 33.465 s left.
T0_MS = 1_805_036_966_535


class Clocks:
    """One clock for the store (epoch ms) and the leases (seconds), moved together by the test."""

    def __init__(self) -> None:
        self.ms = T0_MS

    def store(self) -> int:
        return self.ms

    def leases(self) -> float:
        return self.ms / 1000

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


class Auth:
    """The auth service's counting, through the real store; records the counts asked for."""

    def __init__(self, tmp_path: Path, limit: int, clocks: Clocks) -> None:
        rules = {
            Bucket.REQUESTS: QuotaRule(Bucket.REQUESTS, limit, MINUTE_S),
            Bucket.CHAT: QuotaRule(Bucket.CHAT, 1, DAY_S),
        }
        self.store = AuthStore(engine_for(f"sqlite:///{tmp_path / 'auth.db'}"), rules, clock=clocks.store)
        self.store.migrate()
        _, self.key, _ = self.store.create_api_key("alice")
        self.asked: list[int] = []

    async def ask(self, n: int) -> QuotaAnswer:
        self.asked.append(n)
        await asyncio.sleep(0)  # a real round trip yields to the other requests
        d = self.store.consume_quota(self.key.id, Bucket.REQUESTS, n)
        return QuotaAnswer(d.allowed, d.limit, d.remaining, d.reset_seconds, d.granted)


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


async def _burst(leases: QuotaLeases, auth: Auth, requests: int) -> list[QuotaAnswer]:
    return [await leases.consume(auth.key.id, auth.ask) for _ in range(requests)]


async def test_a_quiet_key_is_counted_request_by_request(tmp_path: Path, clocks: Clocks) -> None:
    auth = Auth(tmp_path, 60, clocks)
    leases = QuotaLeases(clock=clocks.leases)
    answers = []
    for _ in range(10):
        answers += await _burst(leases, auth, 1)
        clocks.advance(1.0)
    assert auth.asked == [1] * 10
    assert [a.remaining for a in answers] == list(range(59, 49, -1))


async def test_a_busy_key_is_counted_in_batches_and_never_beyond_the_limit(
    tmp_path: Path, clocks: Clocks
) -> None:
    auth = Auth(tmp_path, 1000, clocks)
    leases = QuotaLeases(clock=clocks.leases, max_batch=50)
    second_one = await _burst(leases, auth, 200)
    assert auth.asked == [1] * 200  # no traffic seen before: nothing to size a batch from
    clocks.advance(1.0)
    asked_before = len(auth.asked)
    later: list[QuotaAnswer] = []
    for _ in range(10):  # 2000 more requests in the next second, with 800 left in the window
        later += await _burst(leases, auth, 200)
        clocks.advance(0.1)
    batches = auth.asked[asked_before:]
    # 16 batches of 50 and a few single counts near the end, then refusals served from memory.
    assert max(batches) == 50 and len(batches) < 40, batches
    allowed = sum(a.allowed for a in second_one + later)
    assert allowed == 1000  # every request the limit admits, and not one more
    remaining = [a.remaining for a in second_one + later if a.allowed]
    assert remaining == sorted(remaining, reverse=True) and remaining[-1] == 0
    assert later[-1].allowed is False


async def test_near_the_limit_batches_shrink_to_one(tmp_path: Path, clocks: Clocks) -> None:
    auth = Auth(tmp_path, 40, clocks)
    leases = QuotaLeases(clock=clocks.leases)
    await _burst(leases, auth, 20)
    clocks.advance(1.0)
    answers = await _burst(leases, auth, 30)
    assert sum(a.allowed for a in answers) == 20
    assert all(n <= 20 // 4 for n in auth.asked)  # a quarter of what was left, at most


async def test_a_lease_expires_after_its_second(tmp_path: Path, clocks: Clocks) -> None:
    auth = Auth(tmp_path, 1000, clocks)
    leases = QuotaLeases(clock=clocks.leases, max_batch=20)
    await _burst(leases, auth, 30)
    clocks.advance(1.0)
    await _burst(leases, auth, 1)  # takes a batch of 20, serves 1
    assert auth.asked[-1] == 20
    clocks.advance(1.01)
    asked = len(auth.asked)
    await _burst(leases, auth, 1)
    assert len(auth.asked) == asked + 1  # the 19 left were dropped with the lease


async def test_forget_drops_a_lease_at_once(tmp_path: Path, clocks: Clocks) -> None:
    auth = Auth(tmp_path, 1000, clocks)
    leases = QuotaLeases(clock=clocks.leases, max_batch=20)
    await _burst(leases, auth, 30)
    clocks.advance(1.0)
    await _burst(leases, auth, 1)
    leases.forget(auth.key.id)
    asked = len(auth.asked)
    await _burst(leases, auth, 1)
    assert len(auth.asked) == asked + 1


async def test_concurrent_requests_share_one_refill(tmp_path: Path, clocks: Clocks) -> None:
    auth = Auth(tmp_path, 1000, clocks)
    leases = QuotaLeases(clock=clocks.leases, max_batch=100)
    await _burst(leases, auth, 100)
    clocks.advance(1.0)
    asked = len(auth.asked)
    answers = await asyncio.gather(*(leases.consume(auth.key.id, auth.ask) for _ in range(50)))
    assert all(a.allowed for a in answers)
    assert auth.asked[asked:] == [100]  # one batch served all 50, not 50 batches


async def test_concurrent_requests_of_a_quiet_key_are_all_answered(tmp_path: Path, clocks: Clocks) -> None:
    """Every waiter of a one-by-one refill is answered, exactly the limit allowed. (The end-to-end
    case that froze a gateway, waiters spinning on a finished refill still filed, is
    tests/integration/test_scale_out.py's burst across two gateways.)"""
    auth = Auth(tmp_path, 5, clocks)
    leases = QuotaLeases(clock=clocks.leases)
    burst = asyncio.gather(*(leases.consume(auth.key.id, auth.ask) for _ in range(8)))
    answers = await asyncio.wait_for(burst, timeout=10)
    assert sum(a.allowed for a in answers) == 5
    assert sorted(a.remaining for a in answers if a.allowed) == [0, 1, 2, 3, 4]


async def test_a_failed_refill_reaches_its_caller_and_the_waiters_retry(clocks: Clocks) -> None:
    calls: list[int] = []

    async def flaky(n: int) -> QuotaAnswer:
        calls.append(n)
        await asyncio.sleep(0)
        if len(calls) == 1:
            raise ConnectionError("auth unavailable")
        return QuotaAnswer(True, 100, 100 - len(calls), 30, 1)

    leases = QuotaLeases(clock=clocks.leases)
    results = await asyncio.gather(*(leases.consume("k", flaky) for _ in range(3)), return_exceptions=True)
    assert isinstance(results[0], ConnectionError)
    assert all(isinstance(r, QuotaAnswer) and r.allowed for r in results[1:])


async def test_take_counts_from_the_lease_and_refill_counts_the_same_request_once(
    tmp_path: Path, clocks: Clocks
) -> None:
    """take + refill is consume split in two (what the task GET uses): one request, one count."""
    auth = Auth(tmp_path, 1000, clocks)
    leases = QuotaLeases(clock=clocks.leases, max_batch=10)
    assert leases.take(auth.key.id) is None  # a quiet key holds no lease
    first = await leases.refill(auth.key.id, auth.ask)
    assert first.allowed and auth.asked == [1]
    await _burst(leases, auth, 9)
    clocks.advance(1.0)
    assert leases.take(auth.key.id) is None
    batch = await leases.refill(auth.key.id, auth.ask)  # sized by the 10 requests of the last second
    assert auth.asked[-1] == 10 and batch.remaining == 1000 - 10 - 10 + 9
    taken = [leases.take(auth.key.id) for _ in range(9)]
    assert all(a is not None and a.allowed for a in taken)
    assert [a.remaining for a in taken if a] == list(range(988, 979, -1))
    assert leases.take(auth.key.id) is None  # the batch is used up: the next one asks again
    assert len(auth.asked) == 11


async def test_a_burst_of_a_quiet_key_is_counted_by_the_queue_without_waste(
    tmp_path: Path, clocks: Clocks
) -> None:
    """A key with no traffic before sends 300 requests at once: the ones that queue behind a refill
    are counted together by the next (a few round trips, not 300), and every count is served."""
    auth = Auth(tmp_path, 1000, clocks)
    leases = QuotaLeases(clock=clocks.leases, max_batch=100)
    answers = await asyncio.gather(*(leases.consume(auth.key.id, auth.ask) for _ in range(300)))
    assert all(a.allowed for a in answers)
    assert auth.asked[0] == 1 and max(auth.asked) == 100 and len(auth.asked) <= 5, auth.asked
    assert sum(auth.asked) == 300  # nothing counted that was not served
    assert sorted(a.remaining for a in answers) == list(range(700, 1000))


async def test_a_queue_near_the_limit_is_still_counted_a_quarter_at_most(
    tmp_path: Path, clocks: Clocks
) -> None:
    auth = Auth(tmp_path, 12, clocks)
    leases = QuotaLeases(clock=clocks.leases)
    answers = await asyncio.gather(*(leases.consume(auth.key.id, auth.ask) for _ in range(20)))
    assert sum(a.allowed for a in answers) == 12
    left = 12
    for n in auth.asked:
        assert n == 1 or n <= left // 4, auth.asked
        left = max(0, left - n)
