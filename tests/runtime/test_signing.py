"""Signed tokens: blob download tokens stay as they were; claims tokens are bound to a purpose."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from printforge.runtime.signing import (
    InvalidSignature,
    rounded_expiry,
    sign_blob,
    sign_claims,
    verify_blob_token,
    verify_claims,
)

KEY = b"test-signing-key"
NOW = 1_800_000_000.0
CLAIMS = {"o": "usr_1", "g": "gen_1", "f": "glb", "v": 0}


def _legacy_blob_token(key: str, signing_key: bytes, expires: int) -> str:
    """The token format before claims tokens existed: URLs handed out then must keep working."""
    body = base64.urlsafe_b64encode(json.dumps({"k": key, "e": expires}, separators=(",", ":")).encode())
    body_text = body.decode().rstrip("=")
    mac = hmac.new(signing_key, body_text.encode(), hashlib.sha256).digest()
    return f"{body_text}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def test_blob_tokens_are_unchanged() -> None:
    token = sign_blob("printability/t/model.stl", KEY, now=NOW)
    assert token == _legacy_blob_token("printability/t/model.stl", KEY, int(NOW) + 3600)
    assert verify_blob_token(token, KEY, now=NOW + 3599) == "printability/t/model.stl"


def test_claims_round_trip_until_the_expiry() -> None:
    token = sign_claims(CLAIMS, KEY, expires=int(NOW) + 60, purpose="generated-file")
    assert verify_claims(token, KEY, purpose="generated-file", now=NOW + 60) == CLAIMS
    with pytest.raises(InvalidSignature, match="expired"):
        verify_claims(token, KEY, purpose="generated-file", now=NOW + 61)


def test_a_token_opens_only_what_it_was_minted_for() -> None:
    generated = sign_claims(CLAIMS, KEY, expires=int(NOW) + 60, purpose="generated-file")
    blob = sign_blob("generator/gen_1/v1/part.glb", KEY, now=NOW)
    with pytest.raises(InvalidSignature, match="invalid download signature"):
        verify_blob_token(generated, KEY, now=NOW)  # a part's sig is not a /v1/files token
    with pytest.raises(InvalidSignature, match="invalid download signature"):
        verify_claims(blob, KEY, purpose="generated-file", now=NOW)
    with pytest.raises(InvalidSignature, match="invalid download signature"):
        verify_claims(generated, KEY, purpose="other", now=NOW)


@pytest.mark.parametrize("where", ["body", "mac"])
def test_tampering_anywhere_is_refused(where: str) -> None:
    token = sign_claims(CLAIMS, KEY, expires=int(NOW) + 60, purpose="generated-file")
    body, mac = token.split(".")
    if where == "body":
        other = sign_claims({**CLAIMS, "g": "gen_2"}, b"x", expires=int(NOW) + 60, purpose="generated-file")
        token = f"{other.split('.')[0]}.{mac}"
    else:
        token = f"{body}.{mac[:-2]}{'A' if mac[-2] != 'A' else 'B'}{mac[-1]}"
    with pytest.raises(InvalidSignature, match="invalid download signature"):
        verify_claims(token, KEY, purpose="generated-file", now=NOW)
    with pytest.raises(InvalidSignature, match="invalid download signature"):
        verify_claims(sign_claims(CLAIMS, b"another key", expires=int(NOW) + 60), KEY, now=NOW)


@pytest.mark.parametrize("token", ["", "no-dot", "abc.!!!", "abc.é"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidSignature):
        verify_claims(token, KEY, now=NOW)


def test_reserved_claims_cannot_be_set() -> None:
    for reserved in ("p", "e"):
        with pytest.raises(ValueError, match="reserved"):
            sign_claims({reserved: 1}, KEY, expires=int(NOW))


def test_rounded_expiry_is_stable_within_a_step_and_never_short() -> None:
    first = rounded_expiry(3600, 600, now=NOW + 1)
    assert first == rounded_expiry(3600, 600, now=NOW + 599) == int(NOW) + 3600 + 600
    assert rounded_expiry(3600, 600, now=NOW) == int(NOW) + 3600  # NOW is a multiple of 600
    for offset in (0.5, 17, 301, 599.9):
        expires = rounded_expiry(3600, 600, now=NOW + offset)
        assert NOW + offset + 3600 <= expires < NOW + offset + 3600 + 600 and expires % 600 == 0
    same = [sign_claims(CLAIMS, KEY, expires=rounded_expiry(3600, 600, now=NOW + s)) for s in (1, 300)]
    assert same[0] == same[1]
