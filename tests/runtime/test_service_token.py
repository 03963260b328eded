"""The token format itself: bound to key, caller and method, fresh within MAX_AGE_S either way;
and the minter and verifier that take the HMAC off each call without changing any answer."""

from __future__ import annotations

import pytest

from printforge.runtime import service_token
from printforge.runtime.service_token import (
    MAX_AGE_S,
    InvalidServiceToken,
    TokenMinter,
    TokenVerifier,
    mint,
    verify,
)

KEY = b"k" * 32
METHOD = "/printforge.auth.v1.AuthService/CreateApiKey"
OTHER_METHOD = "/printforge.auth.v1.AuthService/RevokeApiKey"
NOW = 1_800_000_000.0


def test_a_fresh_token_names_its_caller() -> None:
    token = mint(KEY, "gateway", METHOD, now=NOW)
    assert verify(token, KEY, METHOD, now=NOW + MAX_AGE_S) == "gateway"
    assert verify(token, KEY, METHOD, now=NOW - MAX_AGE_S) == "gateway"


@pytest.mark.parametrize(
    ("token", "key", "method", "now", "reason"),
    [
        (mint(KEY, "gateway", METHOD, now=NOW), KEY, METHOD, NOW + MAX_AGE_S + 1, "expired"),
        (mint(KEY, "gateway", METHOD, now=NOW), b"other", METHOD, NOW, "does not match"),
        (mint(KEY, "gateway", METHOD, now=NOW), KEY, OTHER_METHOD, NOW, "does not match"),
        ("v1.gateway.1800000000", KEY, METHOD, NOW, "malformed"),
        ("v2.gateway.1800000000.x", KEY, METHOD, NOW, "malformed"),
        ("v1.gateway.-5.x", KEY, METHOD, NOW, "malformed"),
    ],
)
def test_anything_else_is_refused(token: str, key: bytes, method: str, now: float, reason: str) -> None:
    with pytest.raises(InvalidServiceToken, match=reason):
        verify(token, key, method, now=now)


def test_a_caller_name_cannot_smuggle_a_separator() -> None:
    with pytest.raises(ValueError):
        mint(KEY, "gate.way", METHOD)


class Clock:
    """A settable clock for the minter and verifier."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_minter_gives_the_token_mint_gives_once_per_method_and_second() -> None:
    clock = Clock(NOW + 0.2)
    minter = TokenMinter(KEY, "gateway", clock)
    first = minter.token(METHOD)
    assert first == mint(KEY, "gateway", METHOD, now=NOW)
    clock.now = NOW + 0.9
    assert minter.token(METHOD) is first  # the same second: the same token, no new HMAC
    assert minter.token(OTHER_METHOD) == mint(KEY, "gateway", OTHER_METHOD, now=NOW)
    clock.now = NOW + 1.0
    assert minter.token(METHOD) == mint(KEY, "gateway", METHOD, now=NOW + 1)


def test_a_verifier_answers_as_verify_does_and_remembers_only_until_expiry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock(NOW)
    verifier = TokenVerifier(KEY, clock)
    token = mint(KEY, "gateway", METHOD, now=NOW)
    macs: list[str] = []
    real_mac = service_token._mac
    monkeypatch.setattr(service_token, "_mac", lambda *a: macs.append(a[2]) or real_mac(*a))
    assert verifier.caller(token, METHOD) == "gateway"
    clock.now = NOW + MAX_AGE_S
    assert verifier.caller(token, METHOD) == "gateway"
    assert macs == [METHOD]  # the second call was answered from memory
    with pytest.raises(InvalidServiceToken, match="does not match"):
        verifier.caller(token, OTHER_METHOD)  # remembered for METHOD only
    clock.now = NOW + MAX_AGE_S + 1
    with pytest.raises(InvalidServiceToken, match="expired"):
        verifier.caller(token, METHOD)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (mint(b"other", "gateway", METHOD, now=NOW), "does not match"),
        ("v1.gateway.1800000000", "malformed"),
        (mint(KEY, "gateway", METHOD, now=NOW - MAX_AGE_S - 1), "expired"),
    ],
)
def test_a_verifier_refuses_what_verify_refuses_every_time(token: str, reason: str) -> None:
    verifier = TokenVerifier(KEY, Clock(NOW))
    for _ in range(2):  # a refusal is never remembered as a pass
        with pytest.raises(InvalidServiceToken, match=reason):
            verifier.caller(token, METHOD)


def test_a_verifiers_memory_is_bounded() -> None:
    clock = Clock(NOW)
    verifier = TokenVerifier(KEY, clock, max_entries=3)
    for second in range(10):
        token = mint(KEY, "gateway", METHOD, now=NOW + second)
        assert verifier.caller(token, METHOD) == "gateway"
        assert len(verifier._valid) <= 3
