"""Generation → Makistry job object (the shapes in the Makistry generation seed).

A Makistry job is a generation created through /v1/text-to-cad or /v1/image-to-cad; its id is
the generation id. Statuses follow the seed's polling loop: `success` and `failed` are terminal,
`processing` while the part renders. The file in the requested output format becomes a signed
download URL here, so blob keys never leave the gateway.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from printforge.generator.v1 import generator_pb2 as pb
from printforge.runtime.tasks import failure_codes
from printforge_services.gateway.printability_summary import printability_summary

OUTPUT_FORMATS = ("STEP", "STL", "GLB", "3MF")
DEFAULT_OUTPUT_FORMAT = "STEP"
JOB_SOURCES = ("text", "image")
JOB_TYPES = {"text": "text-to-cad", "image": "image-to-cad"}
STATUSES = {"processing": "processing", "completed": "success", "failed": "failed"}
GENERATION_FAILED = failure_codes.GENERATION_FAILED


class BadOutputFormat(ValueError):
    pass


def parse_output_format(value: str | None) -> str:
    """The canonical (upper-case) output format; None means the default, STEP."""
    if value is None or value == "":
        return DEFAULT_OUTPUT_FORMAT
    canonical = value.strip().upper()
    if canonical not in OUTPUT_FORMATS:
        raise BadOutputFormat(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, got {value!r}")
    return canonical


def job_status(generation: pb.Generation) -> str:
    # An unknown status is reported as still processing rather than as a false terminal state.
    return STATUSES.get(generation.status, "processing")


def output_format_of(generation: pb.Generation) -> str:
    """The format the job was requested in, recorded by the generator in the interpretation."""
    try:
        recorded = json.loads(generation.interpretation_json or "{}").get("output_format")
    except (json.JSONDecodeError, AttributeError):
        recorded = None
    try:
        return parse_output_format(recorded if isinstance(recorded, str) else None)
    except BadOutputFormat:
        return DEFAULT_OUTPUT_FORMAT


def iso_ms(ms: int) -> str | None:
    if not ms:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def job_object(generation: pb.Generation, sign: Callable[[str], str]) -> dict[str, Any]:
    status = job_status(generation)
    fmt = output_format_of(generation)
    files = dict(generation.files) if status == "success" else {}
    download_urls = {
        name.upper(): sign(files[name.lower()]) for name in OUTPUT_FORMATS if name.lower() in files
    }
    failed = status == "failed"
    error_code, error_message = failure_codes.makistry_error(generation.error_message)
    return {
        "job_id": generation.id,
        "type": JOB_TYPES.get(generation.source, generation.source),
        "status": status,
        "output_format": fmt,
        "download_url": download_urls.get(fmt),
        "download_urls": download_urls,
        "error_code": error_code if failed else None,
        "error_message": error_message if failed else None,
        "created_at": iso_ms(generation.created_at_ms),
        "updated_at": iso_ms(generation.updated_at_ms),
        "printability": printability_summary(generation) if status == "success" else None,
    }
