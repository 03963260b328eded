"""Standard Webhooks signatures, so receivers can verify deliveries with any stock library.

Spec: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
("Signature scheme" and "Webhook headers"): the signed content is `{msg_id}.{timestamp}.{payload}`
with the timestamp in integer Unix seconds, signed with HMAC-SHA256 under the base64-decoded
`whsec_` secret, and sent as `webhook-signature: v1,<base64 signature>` next to `webhook-id`
and `webhook-timestamp`. The id stays the same across retries (receivers deduplicate on it);
the timestamp is the attempt's, which is what lets receivers refuse replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from printforge_services.generator.webhooks.store import secret_key


def sign(secret: str, msg_id: str, timestamp_s: int, body: bytes) -> str:
    """The `webhook-signature` value (`v1,<base64 HMAC-SHA256>`) of one delivery attempt."""
    if "." in msg_id:
        # The spec forbids full stops in the id: they would make the signed content ambiguous.
        raise ValueError(f"webhook id {msg_id!r} must not contain '.'")
    signed = f"{msg_id}.{timestamp_s}.".encode() + body
    mac = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(mac).decode()}"


def delivery_headers(secret: str, msg_id: str, timestamp_s: int, body: bytes) -> dict[str, str]:
    """Every header of a delivery POST besides those the HTTP client sets itself."""
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp_s),
        "webhook-signature": sign(secret, msg_id, timestamp_s, body),
    }
