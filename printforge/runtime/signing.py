"""Signed download URLs: HMAC-SHA256 over the blob key and an expiry (1 hour by default).

The token carries the key and its expiry, signed with the deployment's signing key, so the
gateway can serve a download without a database lookup and a URL stops working when it
expires or when the signing key is rotated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time


class InvalidSignature(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_blob(key: str, signing_key: bytes, *, ttl_s: int = 3600, now: float | None = None) -> str:
    """A URL-safe token granting read access to one blob until the expiry."""
    expires = int((now if now is not None else time.time()) + ttl_s)
    body = _b64(json.dumps({"k": key, "e": expires}, separators=(",", ":")).encode())
    mac = hmac.new(signing_key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify_blob_token(token: str, signing_key: bytes, *, now: float | None = None) -> str:
    """The blob key of a valid, unexpired token; InvalidSignature otherwise."""
    body, sep, mac = token.partition(".")
    if not sep:
        raise InvalidSignature("malformed download token")
    expected = hmac.new(signing_key, body.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
        payload = json.loads(_unb64(body))
    except (ValueError, json.JSONDecodeError) as exc:
        raise InvalidSignature("malformed download token") from exc
    if not hmac.compare_digest(expected, given):
        raise InvalidSignature("invalid download signature")
    if int(payload["e"]) < (now if now is not None else time.time()):
        raise InvalidSignature("download link expired")
    return str(payload["k"])
