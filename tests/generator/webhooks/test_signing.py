"""Standard Webhooks signatures: the reference vector, and the reference library verifying ours."""

from __future__ import annotations

import json
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from printforge_services.generator.webhooks.signing import delivery_headers, sign
from printforge_services.generator.webhooks.store import InvalidWebhook, generate_secret

# The sign() vector of the Standard Webhooks reference library's tests
# (github.com/standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_PAYLOAD = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_known_answer_from_the_reference_library() -> None:
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD) == VECTOR_SIGNATURE


def test_reference_library_verifies_our_headers() -> None:
    secret = generate_secret()
    body = json.dumps({"type": "job.completed", "data": {"job_id": "g1"}}).encode()
    headers = delivery_headers(secret, "msg_0190abc", int(time.time()), body)
    assert headers["Content-Type"] == "application/json"
    assert headers["webhook-id"] == "msg_0190abc"
    assert Webhook(secret).verify(body, headers) == {"type": "job.completed", "data": {"job_id": "g1"}}


def test_reference_library_rejects_tampering_and_other_secrets() -> None:
    secret = generate_secret()
    body = b'{"type":"job.completed"}'
    headers = delivery_headers(secret, "msg_1", int(time.time()), body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"type":"job.failed"}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers)
    stale = delivery_headers(secret, "msg_1", int(time.time()) - 3600, body)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, stale)


def test_ids_with_full_stops_are_refused() -> None:
    with pytest.raises(ValueError, match="must not contain"):
        sign(VECTOR_SECRET, "msg.1", VECTOR_TIMESTAMP, VECTOR_PAYLOAD)


def test_non_standard_secrets_cannot_sign() -> None:
    with pytest.raises(InvalidWebhook):
        sign("not-a-whsec", VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD)
