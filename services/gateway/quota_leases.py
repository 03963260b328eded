"""Quota leases: a busy key's requests counted by the auth service in batches, not one call each.

Every request must be counted against its key's per-minute limit in the auth service's database,
which all gateway replicas share. At a few requests a second that is one auth round trip per
request, as before. A key that is busy on this replica (its previous second here had more than
one request) instead takes a batch: the gateway asks auth to count n requests at once (granted
in full or, near the limit, exactly one) and serves the next n - 1 of that key from memory.
Requests that queue behind a refill in flight are counted together by the next one: a quiet key
that turns busy at once (a burst, or a client starting at 1000 req/s) would otherwise be counted
one round trip at a time, for a whole second, while its requests pile up.

Why this is safe:
- Nothing is ever admitted beyond the limit: every request served was counted by auth first.
- A lease lives at most `lease_s` (1 s) and never past its window's end, so a revoked key stops
  within that second on every replica (the principal cache already allows 2 s), and the replica
  that revokes a key drops its lease at once (`forget`).
- What a lease costs is what it leaves unused when the key goes quiet: counted but not served,
  at most one second of that key's own traffic on this replica, capped at `max_batch` and at a
  quarter of what the window had left, so a client near its limit is served one by one. A batch
  sized by the queue costs nothing: each of its requests is already waiting for it.
- One refill per key at a time: concurrent requests of a key with an empty lease wait for the
  refill in flight instead of each taking a batch.
- A busy key over its limit is refused from memory for up to a second too: a full window stays
  full until it ends, so that admits nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

LEASE_S = 1.0
MAX_BATCH = 100


@dataclass(frozen=True)
class QuotaAnswer:
    """What the auth service said of a request, for the response's RateLimit-* headers."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    granted: int


@dataclass
class _Lease:
    tokens: int
    expires: float
    limit: int
    remaining: int
    reset_at: float


@dataclass
class _Rate:
    second: int = 0
    this_second: int = 0
    last_second: int = 0


Ask = Callable[[int], Awaitable[QuotaAnswer]]


class QuotaLeases:
    def __init__(
        self,
        *,
        lease_s: float = LEASE_S,
        max_batch: int = MAX_BATCH,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.lease_s = lease_s
        self.max_batch = max_batch
        self.max_keys = max_keys
        self._clock = clock
        self._leases: dict[str, _Lease] = {}
        self._rates: dict[str, _Rate] = {}
        self._remaining: dict[str, int] = {}
        self._refills: dict[str, asyncio.Future[QuotaAnswer]] = {}
        self._waiting: dict[str, int] = {}

    async def consume(self, key_id: str, ask: Ask) -> QuotaAnswer:
        """Count one request of `key_id`: from its lease, or by `ask(n)`-ing the auth service."""
        answer = self.take(key_id)
        return answer if answer is not None else await self.refill(key_id, ask)

    def take(self, key_id: str) -> QuotaAnswer | None:
        """Count one request of `key_id` from its lease (or its cached refusal) if it has one.

        None: this replica holds nothing for the key, and `refill` must count the same request
        (not `consume`, which would count it twice)."""
        self._note(key_id)
        return self._take(key_id)

    async def refill(self, key_id: str, ask: Ask) -> QuotaAnswer:
        """Count a request that `take` found no lease for, by `ask(n)`-ing the auth service."""
        while (answer := self._take(key_id)) is None:
            pending = self._refills.get(key_id)
            if pending is not None and not pending.done():
                await self._wait_for(key_id, pending)
                continue
            refill = asyncio.ensure_future(self._refill(key_id, ask, self._batch(key_id)))
            self._refills[key_id] = refill
            reply = await refill
            if not reply.allowed or reply.granted <= 1:
                return reply
            # A batch: its first request is ours, taken from the lease by the loop.
        return answer

    async def _wait_for(self, key_id: str, pending: asyncio.Future[QuotaAnswer]) -> None:
        """Wait, counted in the key's queue, for the refill in flight; its caller reports its errors."""
        self._waiting[key_id] = self._waiting.get(key_id, 0) + 1
        try:
            with contextlib.suppress(Exception):
                await asyncio.shield(pending)
        finally:
            if self._waiting[key_id] <= 1:
                del self._waiting[key_id]
            else:
                self._waiting[key_id] -= 1

    async def _refill(self, key_id: str, ask: Ask, n: int) -> QuotaAnswer:
        """Asks auth for `n` and files the answer before the refill completes, so that the
        requests waiting on it find the lease (or the cached refusal) when they wake."""
        try:
            reply = await ask(n)
        finally:
            self._refills.pop(key_id, None)
        self._remaining[key_id] = reply.remaining
        if not reply.allowed:
            self._refuse(key_id, reply)
        elif reply.granted > 1:
            self._grant(key_id, reply)
        return reply

    def forget(self, key_id: str) -> None:
        """Drop the key's lease (its key was revoked here): its next request asks auth again."""
        self._leases.pop(key_id, None)
        self._remaining.pop(key_id, None)

    def _note(self, key_id: str) -> None:
        if len(self._rates) >= self.max_keys and key_id not in self._rates:
            self._rates.clear()
            self._remaining.clear()
        rate = self._rates.setdefault(key_id, _Rate())
        second = int(self._clock())
        if second != rate.second:
            rate.last_second = rate.this_second if second == rate.second + 1 else 0
            rate.second, rate.this_second = second, 0
        rate.this_second += 1

    def _batch(self, key_id: str) -> int:
        """How many to ask for: one second of this key's recent traffic, or the requests queued for
        this count (this one and those still waiting), whichever is more; bounded as the module says."""
        recent = self._rates[key_id].last_second
        left = self._remaining.get(key_id)
        if left is None:
            return 1
        queued = 1 + self._waiting.get(key_id, 0)
        wanted = max(queued, math.ceil(recent * self.lease_s) if recent > 1 else 1)
        return max(1, min(self.max_batch, wanted, left // 4))

    def _grant(self, key_id: str, reply: QuotaAnswer) -> None:
        """The whole batch goes into the lease; its caller takes the first one like any waiter."""
        now = self._clock()
        lease = self._leases.get(key_id)
        left = lease.tokens if lease and lease.expires > now else 0
        reset_at = now + reply.reset_seconds
        self._leases[key_id] = _Lease(
            tokens=reply.granted + left,
            expires=min(now + self.lease_s, reset_at),
            limit=reply.limit,
            remaining=reply.remaining,
            reset_at=reset_at,
        )

    def _refuse(self, key_id: str, reply: QuotaAnswer) -> None:
        """A full window stays full until it ends: a busy key's next refusals need no auth call."""
        if self._rates[key_id].last_second <= 1:
            return
        now = self._clock()
        reset_at = now + reply.reset_seconds
        expires = min(now + self.lease_s, reset_at)
        self._leases[key_id] = _Lease(0, expires, reply.limit, remaining=0, reset_at=reset_at)

    def _take(self, key_id: str) -> QuotaAnswer | None:
        lease = self._leases.get(key_id)
        if lease is None:
            return None
        now = self._clock()
        reset_seconds = max(1, math.ceil(lease.reset_at - now))
        if lease.expires <= now:
            del self._leases[key_id]
            return None
        if lease.tokens == 0:  # a cached refusal
            return QuotaAnswer(False, lease.limit, 0, reset_seconds, 0)
        lease.tokens -= 1
        if lease.tokens == 0 and lease.remaining > 0:
            del self._leases[key_id]  # used up, not a refusal: the next request asks for more
        return QuotaAnswer(True, lease.limit, lease.remaining + lease.tokens, reset_seconds, 1)
