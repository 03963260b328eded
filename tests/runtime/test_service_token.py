"""The token format itself: bound to key, caller and method, fresh within MAX_AGE_S either way."""

from __future__ import annotations

import pytest

from printforge.runtime.service_token import MAX_AGE_S, InvalidServiceToken, mint, verify

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
