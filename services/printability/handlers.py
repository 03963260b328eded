"""Task handlers of the printability service: they run in the service process, read the
input blob, send the parsing and geometry work to a worker and store what comes back.

Blob reads and writes block (S3 or disk), so they run in threads and the event loop keeps
answering other RPCs meanwhile."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from printforge.runtime.blobs import BlobNotFound, BlobStore
from printforge.runtime.tasks.runner import Handler, TaskContext, TaskFailure
from printforge_services.printability import jobs
from printforge_services.printability.inputs import REPAIR_EXTENSIONS
from printforge_services.printability.printprep.request import PrepRequest
from printforge_services.printability.store import ANALYZE, REPAIR

log = logging.getLogger(__name__)

#: File name of a repair's preview image (the seed's thumbnail_url ends in output/preview.png).
PREVIEW_NAME = "preview.png"


async def _input_bytes(ctx: TaskContext, blobs: BlobStore) -> bytes:
    try:
        return await asyncio.to_thread(blobs.get, ctx.task.input["blob_key"])
    except BlobNotFound:
        raise TaskFailure("the uploaded model is no longer available in storage") from None


#: Formats a repair task can return (the seed's model_urls fields that hold a repaired mesh).
REPAIR_FORMATS = frozenset(ext.lstrip(".") for ext in REPAIR_EXTENSIONS)


async def _store_preview(ctx: TaskContext, blobs: BlobStore, output: jobs.RepairOutput) -> str | None:
    """Store the repaired model's preview; its blob key, or None (logged) when there is none.

    The preview sits under the task's prefix, so deleting the task deletes it with the model.
    """
    if output.preview_png is None:
        log.warning(
            "repair preview not drawn; thumbnail_url stays empty",
            extra={"task_id": ctx.task.id, "reason": output.preview_error},
        )
        return None
    key = f"{REPAIR}/{ctx.task.id}/output/{PREVIEW_NAME}"
    try:
        await asyncio.to_thread(blobs.put, key, output.preview_png)
    except Exception:  # a preview is a courtesy: storing it never fails the repair
        log.exception("storing the repair preview failed", extra={"task_id": ctx.task.id})
        return None
    return key


def make_handlers(
    blobs: BlobStore, slicer_path: str = "prusa-slicer", slicer_timeout_s: float = 120.0
) -> dict[str, Handler]:
    """Handlers by task kind; the slicer settings serve print-prep's print-time estimate."""

    async def analyze(ctx: TaskContext) -> dict[str, Any]:
        data = await _input_bytes(ctx, blobs)
        inp = ctx.task.input
        printer = inp.get("printer") or None
        prep = PrepRequest(
            printer, inp.get("material") or None, bool(inp.get("auto_orient")), slicer_path, slicer_timeout_s
        )
        report = await ctx.run_in_worker(
            jobs.analyze_file, data, inp["filename"], inp.get("unit", "mm"), printer, prep
        )
        return {"printability": report}

    async def repair(ctx: TaskContext) -> dict[str, Any]:
        data = await _input_bytes(ctx, blobs)
        inp = ctx.task.input
        output: jobs.RepairOutput = await ctx.run_in_worker(
            jobs.repair_file_with_preview,
            data,
            inp["filename"],
            inp.get("unit", "mm"),
            REPAIR_FORMATS,
            bool(inp.get("auto_orient")),
            inp.get("min_wall_mm"),
        )
        key = f"{REPAIR}/{ctx.task.id}/output/model.{output.format}"
        await asyncio.to_thread(blobs.put, key, output.data)
        result: dict[str, Any] = {"model_blobs": {output.format: key}, "repair": output.report}
        thumbnail = await _store_preview(ctx, blobs, output)
        if thumbnail is not None:
            result["thumbnail_blob"] = thumbnail
        return result

    return {ANALYZE: analyze, REPAIR: repair}
