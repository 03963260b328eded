"""Task handlers of the generator: chat/text and image generations finish here, asynchronously.

A handler runs in the service process: it loads what the task needs (the parent version's
feature tree, the uploaded image), sends the CAD work to a worker and hands the result to
`Generations.finish`. Whatever makes the task fail also fails the generation's version,
with the same message, so a poller sees `failed` and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from printforge.runtime.blobs import BlobNotFound, BlobStore
from printforge.runtime.tasks.runner import Handler, TaskContext, TaskFailure
from printforge.runtime.tasks.workers import WorkerError
from printforge_services.generator import jobs
from printforge_services.generator.generations import Generations
from printforge_services.generator.store import CHAT_TASK, IMAGE_TASK

Work = Callable[[TaskContext], Awaitable[dict[str, Any]]]


def _failing_generation(generations: Generations, work: Work) -> Handler:
    """Run `work`; when the task is going to fail, fail the generation version first."""

    async def handler(ctx: TaskContext) -> dict[str, Any]:
        gen_id, version = ctx.task.input["generation_id"], ctx.task.input["version"]
        try:
            produced = await work(ctx)
            await generations.finish(gen_id, version, produced)
        except TaskFailure as exc:
            await generations.fail(gen_id, version, str(exc))
            raise
        except WorkerError as exc:
            if not exc.retryable:  # a retryable error puts the task back in the queue
                await generations.fail(gen_id, version, str(exc))
            raise
        except Exception as exc:
            await generations.fail(gen_id, version, f"internal error: {exc.__class__.__name__}: {exc}")
            raise
        return {"generation_id": gen_id, "version": version}

    return handler


def make_handlers(generations: Generations, blobs: BlobStore) -> dict[str, Handler]:
    async def chat(ctx: TaskContext) -> dict[str, Any]:
        inp = ctx.task.input
        tree = None
        if inp["parent_version"]:
            parent = await asyncio.to_thread(
                generations.store.get, inp["generation_id"], inp["parent_version"]
            )
            if parent is None or parent.tree is None:
                raise TaskFailure("the version being refined no longer exists")
            tree = parent.tree
        return await ctx.run_in_worker(jobs.plan_part, inp["prompt"], tree)

    async def image(ctx: TaskContext) -> dict[str, Any]:
        inp = ctx.task.input
        try:
            data = await asyncio.to_thread(blobs.get, inp["image_key"])
        except BlobNotFound:
            raise TaskFailure("the uploaded image is no longer available in storage") from None
        return await ctx.run_in_worker(jobs.image_part, data, inp["kind"], inp["values"])

    return {
        CHAT_TASK: _failing_generation(generations, chat),
        IMAGE_TASK: _failing_generation(generations, image),
    }
