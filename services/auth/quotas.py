"""Quota rules and fixed-window arithmetic, kept free of SQL so the numbers can be tested alone.

Fixed windows (a counter per key, bucket and window start) were chosen over sliding logs or token
buckets because one atomic upsert per request counts them exactly across any number of gateway
processes sharing the database, with no clock or state shared between those processes. The cost
is the usual one: a client can spend a full window just before a boundary and another just after.

Windows are aligned to the Unix epoch, so a 86400 s window is exactly a UTC day (Unix time has
no leap seconds) and a 60 s window is a wall-clock minute.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from printforge.runtime.config import Settings

MINUTE_S = 60
DAY_S = 86_400


class Bucket(enum.StrEnum):
    """What a request is counted against; the value is what the windows table stores."""

    REQUESTS = "requests"
    CHAT = "chat"


@dataclass(frozen=True)
class QuotaRule:
    bucket: Bucket
    limit: int
    window_s: int

    def __post_init__(self) -> None:
        if self.limit < 0:
            raise ValueError(f"{self.bucket} quota limit must be >= 0, got {self.limit}")
        if self.window_s <= 0:
            raise ValueError(f"{self.bucket} quota window must be > 0 s, got {self.window_s}")


@dataclass(frozen=True)
class QuotaDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    # How many requests this answer counted (0 when refused; more than 1 for a gateway's lease).
    granted: int = 1


def rules_from_settings(settings: Settings) -> dict[Bucket, QuotaRule]:
    """Every request: `rate_limit_per_minute` per key; chat/text-to-CAD: `chat_per_day` per key per day."""
    return {
        Bucket.REQUESTS: QuotaRule(Bucket.REQUESTS, settings.rate_limit_per_minute, MINUTE_S),
        Bucket.CHAT: QuotaRule(Bucket.CHAT, settings.chat_per_day, DAY_S),
    }


def window_start_ms(now_ms: int, window_s: int) -> int:
    """Start (epoch ms) of the window that contains `now_ms`."""
    window_ms = window_s * 1000
    return now_ms - now_ms % window_ms


def reset_seconds(now_ms: int, window_s: int) -> int:
    """Whole seconds until the current window ends, rounded up so a client waiting that long is let in."""
    end_ms = window_start_ms(now_ms, window_s) + window_s * 1000
    return max(1, -(-(end_ms - now_ms) // 1000))


def decide(rule: QuotaRule, count_after: int | None, now_ms: int, granted: int = 1) -> QuotaDecision:
    """The answer given the window's count including the `granted` requests (None: denied, not counted)."""
    reset = reset_seconds(now_ms, rule.window_s)
    if count_after is None:
        return QuotaDecision(allowed=False, limit=rule.limit, remaining=0, reset_seconds=reset, granted=0)
    return QuotaDecision(
        allowed=True,
        limit=rule.limit,
        remaining=max(0, rule.limit - count_after),
        reset_seconds=reset,
        granted=granted,
    )
