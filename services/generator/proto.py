"""Store records → printforge.generator.v1 messages (one place, shared by servicer and task handlers)."""

from __future__ import annotations

import json
from typing import Any

from printforge.generator.v1 import generator_pb2 as pb
from printforge_services.generator.store import Generation


def _json(value: Any) -> str:
    return json.dumps(value) if value is not None else ""


def generation_to_proto(gen: Generation) -> pb.Generation:
    """created_at_ms/updated_at_ms are those of this version (a version is created by one render).

    Generation has no output_format field, so a job's preferred format travels in
    interpretation_json under "output_format" (read by the Makistry job views).
    """
    interpretation = gen.interpretation
    if gen.output_format:
        interpretation = {**(interpretation or {}), "output_format": gen.output_format}
    return pb.Generation(
        id=gen.id,
        owner=gen.owner,
        source=gen.source,
        template_id=gen.template_id,
        version=gen.version,
        status=gen.status,
        param_manifest_json=json.dumps(gen.manifest),
        param_values_json=json.dumps(gen.values),
        analysis_json=_json(gen.analysis),
        interpretation_json=_json(interpretation),
        error_message=gen.error or "",
        created_at_ms=gen.created_at_ms,
        updated_at_ms=gen.updated_at_ms,
        files=gen.files,
        task_id=gen.task_id or "",
    )


def catalog_entry(entry: dict[str, Any]) -> pb.CatalogEntry:
    return pb.CatalogEntry(
        kind=entry["kind"],
        id=entry["id"],
        title=entry["title"],
        description=entry["description"],
        param_manifest_json=json.dumps(entry["params"]),
    )
