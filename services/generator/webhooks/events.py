"""The event a finished generation (a Makistry job) announces, and queueing it for delivery.

Payloads are "thin" (Standard Webhooks spec, "Thin vs full payloads"): ids and the outcome, no
download URLs. Signed URLs expire within the hour while a delivery may be retried for a day,
and a receiver that fetches `GET /v1/jobs/{job_id}` (or `/api/v1/generations/{id}`) gets fresh
links under its own API key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from printforge.generator.v1 import generator_pb2 as pb
from services.generator.webhooks.store import enqueue_event

FINISHED_EVENTS = {"completed": "generation.completed", "failed": "generation.failed"}
"""Generation.status of a finished generation -> its canonical event type."""


def generation_event_data(generation: pb.Generation) -> dict[str, Any]:
    return {
        "job_id": generation.id,
        "generation_id": generation.id,
        "version": generation.version,
        "source": generation.source,
        "status": generation.status,
        "error_message": generation.error_message,
        "finished_at": generation.updated_at_ms,
    }


def enqueue_generation_finished(engine: Engine, generation: pb.Generation) -> int:
    """Queue the completed/failed event of `generation` for its owner's webhooks; returns how many.

    Call it (synchronously; wrap in asyncio.to_thread from async code) right after the
    generation's row has been committed with status "completed" or "failed". Delivery is at least
    once: a crash between that commit and this call loses the event, one after a POST repeats it.
    """
    event_type = FINISHED_EVENTS.get(generation.status)
    if event_type is None:
        raise ValueError(f"generation {generation.id} is {generation.status!r}, not finished")
    return enqueue_event(engine, generation.owner, event_type, generation_event_data(generation))
