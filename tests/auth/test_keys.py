"""API key tokens: shape, randomness, checksum and the stored hash."""

from __future__ import annotations

import hashlib
import string

import pytest

from printforge_services.auth import keys

BASE62 = set(string.digits + string.ascii_letters)


def test_token_has_prefix_length_and_base62_body() -> None:
    token = keys.generate_token()
    assert token.startswith(keys.PREFIX)
    assert len(token) == keys.TOKEN_LEN == len(keys.PREFIX) + 49
    assert set(token[len(keys.PREFIX) :]) <= BASE62
    assert keys.is_well_formed(token)


def test_tokens_are_unique_and_carry_at_least_256_bits() -> None:
    tokens = {keys.generate_token() for _ in range(2000)}
    assert len(tokens) == 2000
    # The body holds 32 random bytes: across many tokens every base62 digit shows up in it.
    bodies = "".join(t[len(keys.PREFIX) : len(keys.PREFIX) + 43] for t in tokens)
    assert set(bodies) == BASE62


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "pf_",
        "sk_" + "a" * 49,
        "pf_" + "a" * 48,
        "pf_" + "a" * 50,
        "pf_" + "a" * 48 + "-",
        "pf_" + "é" * 49,
    ],
)
def test_malformed_tokens_are_rejected(bad: str) -> None:
    assert not keys.is_well_formed(bad)


def test_checksum_catches_every_single_character_typo() -> None:
    token = keys.generate_token()
    start = len(keys.PREFIX)
    for i in range(start, len(token)):
        replacement = "0" if token[i] != "0" else "1"
        typo = token[:i] + replacement + token[i + 1 :]
        assert not keys.is_well_formed(typo), f"typo at {i} not detected"


def test_hash_is_sha256_hex_and_does_not_contain_the_token() -> None:
    token = keys.generate_token()
    digest = keys.hash_token(token)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert len(digest) == 64
    assert keys.hash_token(token) == digest
    assert keys.hash_token(keys.generate_token()) != digest
    assert token[len(keys.PREFIX) :] not in digest


def test_hashes_match_is_exact() -> None:
    digest = keys.hash_token(keys.generate_token())
    assert keys.hashes_match(digest, digest)
    assert not keys.hashes_match(digest, digest[:-1] + ("0" if digest[-1] != "0" else "1"))


def test_last_four_is_the_tail() -> None:
    token = keys.generate_token()
    assert keys.last_four(token) == token[-4:]
