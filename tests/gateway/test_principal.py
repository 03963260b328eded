"""The principal cache's shared lookups, and within_quota when the caller's lease answers from memory.

The quota leases count against the real auth store (SQLite, as in test_quota_leases.py); the
request and response are Starlette's own. A busy key's lease is filled by a second of traffic,
then the task GET's path (`within_quota`) is taken with a read that records whether it ran.
The principal lookups stand in for auth's Authenticate and count how often they are asked.
(Both paths with real round trips to auth, revocation included, run end to end in
tests/integration/test_auth_flow.py.)
"""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from printforge_services.gateway.errors import ApiError
from printforge_services.gateway.principal import Principal, PrincipalCache, within_quota
from printforge_services.gateway.quota_leases import QuotaLeases
from tests.gateway.test_quota_leases import Auth, Clocks


class Read:
    """A read by the caller's id, as the task GET passes to within_quota."""

    def __init__(self) -> None:
        self.ran = 0

    async def __call__(self) -> str:
        self.ran += 1
        return "the task"


async def _after_a_busy_second(limit: int, tmp_path: Path) -> tuple[Auth, QuotaLeases, Request, Principal]:
    """Five requests in one second, then one in the next: a busy key, whose next count is a batch."""
    clocks = Clocks()
    auth = Auth(tmp_path, limit, clocks)
    leases = QuotaLeases(clock=clocks.leases, max_batch=10)
    for _ in range(5):
        await leases.consume(auth.key.id, auth.ask)
    clocks.advance(1.0)
    await leases.consume(auth.key.id, auth.ask)
    app = Starlette()
    app.state.quota_leases = leases
    request = Request({"type": "http", "app": app, "method": "GET", "path": "/", "headers": []})
    return auth, leases, request, Principal("u", "alice", auth.key.id)


async def test_a_lease_admits_and_the_read_runs_once(tmp_path: Path) -> None:
    auth, _, request, principal = await _after_a_busy_second(1000, tmp_path)
    assert auth.asked[-1] == 5  # a batch of five: the lease holds four more
    read, response = Read(), Response()
    assert await within_quota(request, response, principal, read()) == "the task"
    assert read.ran == 1 and len(auth.asked) == 6  # answered from memory
    assert response.headers["RateLimit-Limit"] == "1000"
    assert response.headers["RateLimit-Remaining"] == str(1000 - 10 + 3)


async def test_a_cached_refusal_answers_429_and_the_read_never_runs(tmp_path: Path) -> None:
    auth, leases, request, principal = await _after_a_busy_second(6, tmp_path)  # the 6th was the last
    refused_by_auth = await leases.consume(auth.key.id, auth.ask)
    assert not refused_by_auth.allowed  # and, the key being busy, remembered for a second
    asked = len(auth.asked)
    read = Read()
    work = read()
    with pytest.raises(ApiError) as refused:
        await within_quota(request, Response(), principal, work)
    assert refused.value.status == 429 and "Retry-After" in refused.value.headers
    assert read.ran == 0 and len(auth.asked) == asked
    # Closed, not left to be collected with a "never awaited" warning.
    assert inspect.getcoroutinestate(work) == inspect.CORO_CLOSED


class Lookups:
    """Authenticate as the cache sees it: slow enough for requests to pile up behind it."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self.error = error

    async def __call__(self) -> Principal:
        self.calls += 1
        await asyncio.sleep(0.01)
        if self.error is not None:
            raise self.error
        return Principal("u", "alice", f"key-{self.calls}")


async def test_concurrent_misses_share_one_lookup_until_the_ttl_passes() -> None:
    cache, lookup = PrincipalCache(ttl_s=0.05), Lookups()
    found = await asyncio.gather(*(cache.resolve("d", lookup) for _ in range(20)))
    assert lookup.calls == 1 and {p.key_id for p in found} == {"key-1"}
    assert (await cache.resolve("d", lookup)).key_id == "key-1"  # cached
    await asyncio.sleep(0.06)
    assert (await cache.resolve("d", lookup)).key_id == "key-2" and lookup.calls == 2


async def test_a_failed_lookup_fails_its_waiters_and_is_not_cached() -> None:
    cache, lookup = PrincipalCache(ttl_s=10), Lookups(ApiError(401, "Invalid or revoked API key"))
    results = await asyncio.gather(*(cache.resolve("d", lookup) for _ in range(5)), return_exceptions=True)
    assert lookup.calls == 1 and all(isinstance(r, ApiError) and r.status == 401 for r in results)
    with pytest.raises(ApiError):
        await cache.resolve("d", lookup)
    assert lookup.calls == 2


async def test_a_lookup_outlives_the_request_that_started_it() -> None:
    cache, lookup = PrincipalCache(ttl_s=10), Lookups()
    first = asyncio.ensure_future(cache.resolve("d", lookup))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(cache.resolve("d", lookup))
    first.cancel()  # its client went away
    assert (await second).key_id == "key-1" and lookup.calls == 1
    assert first.cancelled()
