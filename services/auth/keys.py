"""API key tokens: generation, format check and the hash that is the only thing ever stored.

A token is `pf_` + 43 base62 characters (32 bytes from `secrets`, i.e. 256 bits) + a 6-character
base62 CRC32 of that body, like GitHub's tokens. Base62 keeps the token one "word" (double-click
selects all of it, no URL escaping); the recognisable prefix lets secret scanners and humans spot a
leaked key; the checksum rejects typos and truncated pastes before any database lookup.

Only SHA-256(token) is stored. A salted slow hash (bcrypt, argon2) protects low-entropy passwords;
a 256-bit random token cannot be brute-forced from its hash, and a plain hash allows lookup by
equality on an index, which a per-row salt would not.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import zlib

PREFIX = "pf_"
SECRET_BYTES = 32
_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
_BODY_LEN = 43  # 62**43 > 2**256, so 43 base62 digits hold any 32-byte secret
_CHECK_LEN = 6  # 62**6 > 2**32, so 6 base62 digits hold any CRC32
TOKEN_LEN = len(PREFIX) + _BODY_LEN + _CHECK_LEN
_TOKEN_RE = re.compile(rf"{re.escape(PREFIX)}[0-9A-Za-z]{{{_BODY_LEN + _CHECK_LEN}}}")


def _base62(value: int, width: int) -> str:
    if not 0 <= value < 62**width:
        raise ValueError(f"{value} does not fit in {width} base62 digits")
    digits = []
    while value:
        value, rem = divmod(value, 62)
        digits.append(_ALPHABET[rem])
    return "".join(reversed(digits)).rjust(width, _ALPHABET[0])


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), _CHECK_LEN)


def generate_token() -> str:
    """A new plaintext token; show it to the user once and store only `hash_token` of it."""
    body = _base62(int.from_bytes(secrets.token_bytes(SECRET_BYTES), "big"), _BODY_LEN)
    return f"{PREFIX}{body}{_checksum(body)}"


def is_well_formed(token: str) -> bool:
    """True when the token has our prefix, length, alphabet and a matching checksum."""
    if _TOKEN_RE.fullmatch(token) is None:
        return False
    body = token[len(PREFIX) : len(PREFIX) + _BODY_LEN]
    return hmac.compare_digest(_checksum(body), token[-_CHECK_LEN:])


def hash_token(token: str) -> str:
    """Hex SHA-256 of the token: the lookup key stored in place of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hashes_match(stored: str, computed: str) -> bool:
    """Constant-time comparison, so response timing says nothing about how much of a hash matched."""
    return hmac.compare_digest(stored.encode("ascii"), computed.encode("ascii"))


def last_four(token: str) -> str:
    """What listings show to tell keys apart (part of the checksum, so it reveals nothing of the secret)."""
    return token[-4:]
