"""The event a finished generation (a Makistry job) announces, and queueing it for delivery.

Payloads are "thin" (Standard Webhooks spec, "Thin vs full payloads"): ids and the outcome, no
download URLs. Signed URLs expire within the hour while a delivery may be retried for a day,
and a receiver that fetches `GET /v1/jobs/{job_id}` (or `/api/v1/generations/{id}`) gets fresh
links under its own API key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection, Engine

from printforge.generator.v1 import generator_pb2 as pb
from printforge.runtime.tasks import failure_codes
from printforge_services.generator.webhooks.store import enqueue_event

FINISHED_EVENTS = {"completed": "generation.completed", "failed": "generation.failed"}
"""Generation.status of a finished generation -> its canonical event type."""

JOB_STATUSES = {"completed": "success", "failed": "failed"}
"""Generation.status -> the Makistry job status (`GET /v1/jobs/{id}` says the same)."""


def generation_event_data(generation: pb.Generation) -> dict[str, Any]:
    """Meshra fields (`status` completed/failed) plus the Makistry job's (`job_status`, `error_code`).

    Both vocabularies ride in one body because a webhook may subscribe to either event name and
    the payload is serialised once per event; fields are only ever added, never renamed.
    """
    failed = generation.status == "failed"
    error_code, error_message = failure_codes.makistry_error(generation.error_message)
    return {
        "job_id": generation.id,
        "generation_id": generation.id,
        "version": generation.version,
        "source": generation.source,
        "status": generation.status,
        "job_status": JOB_STATUSES.get(generation.status, generation.status),
        "error_code": error_code if failed else None,
        "error_message": error_message if failed else generation.error_message,
        "finished_at": generation.updated_at_ms,
    }


def enqueue_generation_finished(target: Connection | Engine, generation: pb.Generation) -> int:
    """Queue the completed/failed event of `generation` for its owner's webhooks; returns how many.

    Pass the Connection whose open transaction marks the version completed or failed (see
    GenerationStore.complete/fail `in_transaction`): the event then commits exactly when the
    outcome does, so a crash cannot lose it. Delivery stays at least once (a crash after a POST
    repeats it). Blocking: wrap in asyncio.to_thread from async code.
    """
    event_type = FINISHED_EVENTS.get(generation.status)
    if event_type is None:
        raise ValueError(f"generation {generation.id} is {generation.status!r}, not finished")
    return enqueue_event(target, generation.owner, event_type, generation_event_data(generation))
