"""Signed download URLs: HMAC-SHA256 over the blob key and an expiry (1 hour by default).

The token carries the key and its expiry, signed with the deployment's signing key, so the
gateway can serve a download without a database lookup and a URL stops working when it
expires or when the signing key is rotated. `sign_claims`/`verify_claims` are the same
scheme for other claims (a generated part's file URL binds its generation, version and
format), each kind of token kept apart by a signed purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any


class InvalidSignature(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_blob(key: str, signing_key: bytes, *, ttl_s: int = 3600, now: float | None = None) -> str:
    """A URL-safe token granting read access to one blob until the expiry."""
    expires = int((now if now is not None else time.time()) + ttl_s)
    return sign_claims({"k": key}, signing_key, expires=expires)


def verify_blob_token(token: str, signing_key: bytes, *, now: float | None = None) -> str:
    """The blob key of a valid, unexpired token; InvalidSignature otherwise."""
    claims = verify_claims(token, signing_key, now=now)
    if not isinstance(claims.get("k"), str):
        raise InvalidSignature("invalid download signature")
    return claims["k"]


def sign_claims(claims: dict[str, Any], signing_key: bytes, *, expires: int, purpose: str = "") -> str:
    """A URL-safe token carrying `claims` until `expires` (unix seconds), for one `purpose`.

    The purpose is signed with the claims, so a token minted for one kind of URL (say a
    generated part's `?sig=`) is refused by every other (`/v1/files/{token}` has none).
    The same claims, expiry and key always give the same token, so a caller that rounds the
    expiry hands out stable, cacheable URLs.
    """
    if {"p", "e"} & set(claims):
        raise ValueError("claims 'p' (purpose) and 'e' (expiry) are reserved")
    payload = {**claims, **({"p": purpose} if purpose else {}), "e": int(expires)}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(signing_key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify_claims(
    token: str, signing_key: bytes, *, purpose: str = "", now: float | None = None
) -> dict[str, Any]:
    """The claims of a valid, unexpired token minted for `purpose`; InvalidSignature otherwise."""
    body, sep, mac = token.partition(".")
    if not sep:
        raise InvalidSignature("malformed download token")
    expected = hmac.new(signing_key, body.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
    except ValueError as exc:
        raise InvalidSignature("malformed download token") from exc
    if not hmac.compare_digest(expected, given):
        raise InvalidSignature("invalid download signature")
    payload = json.loads(_unb64(body))  # signed by us: well-formed
    if payload.pop("p", "") != purpose:
        raise InvalidSignature("invalid download signature")
    if int(payload.pop("e")) < (now if now is not None else time.time()):
        raise InvalidSignature("download link expired")
    return payload


def rounded_expiry(ttl_s: int, step_s: int, *, now: float | None = None) -> int:
    """An expiry at least `ttl_s` away, rounded up to a multiple of `step_s`.

    Every URL signed within one step gets the same expiry, hence the same token: a client
    that polls an object and feeds its URLs to a viewer sees the same URL, not a new one each
    second, and the browser's cache holds. The link then lives between ttl_s and ttl_s + step_s.
    """
    at = (now if now is not None else time.time()) + ttl_s
    return int(-(-at // step_s) * step_s)
