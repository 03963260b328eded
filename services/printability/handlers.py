"""Task handlers of the printability service: they run in the service process, read the
input blob, send the parsing and geometry work to a worker and store what comes back."""

from __future__ import annotations

from typing import Any

from printforge.runtime.blobs import BlobNotFound, BlobStore
from printforge.runtime.tasks.runner import Handler, TaskContext, TaskFailure
from services.printability import jobs
from services.printability.inputs import REPAIR_EXTENSIONS
from services.printability.store import ANALYZE, REPAIR


def _input_bytes(ctx: TaskContext, blobs: BlobStore) -> bytes:
    try:
        return blobs.get(ctx.task.input["blob_key"])
    except BlobNotFound:
        raise TaskFailure("the uploaded model is no longer available in storage") from None


#: Formats a repair task can return (the seed's model_urls fields that hold a repaired mesh).
REPAIR_FORMATS = frozenset(ext.lstrip(".") for ext in REPAIR_EXTENSIONS)


def make_handlers(blobs: BlobStore) -> dict[str, Handler]:
    async def analyze(ctx: TaskContext) -> dict[str, Any]:
        data = _input_bytes(ctx, blobs)
        inp = ctx.task.input
        report = await ctx.run_in_worker(
            jobs.analyze_file, data, inp["filename"], inp.get("unit", "mm"), inp.get("printer") or None
        )
        return {"printability": report}

    async def repair(ctx: TaskContext) -> dict[str, Any]:
        data = _input_bytes(ctx, blobs)
        inp = ctx.task.input
        out, fmt, report = await ctx.run_in_worker(
            jobs.repair_file, data, inp["filename"], inp.get("unit", "mm"), REPAIR_FORMATS
        )
        key = f"{REPAIR}/{ctx.task.id}/output/model.{fmt}"
        blobs.put(key, out)
        return {"model_blobs": {fmt: key}, "repair": report}

    return {ANALYZE: analyze, REPAIR: repair}
