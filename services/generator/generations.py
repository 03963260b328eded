"""The generation workflow: render in a worker, check printability, store blobs, record a version.

Starters, gifts and params edits render synchronously (the caller waits for the files) but
still in the WorkerPool; chat and image generations return a `processing` version at once
and finish in a task (see handlers.py), through the same `finish`/`fail` path. Nothing here
knows gRPC: failures are GenerationError with an HTTP status and a reason, which the
servicer turns into rich gRPC errors.

Every version that ends (a starter or gift rendered, a params edit, a task's `finish` or
`fail`) is announced through `on_finished`, called by the store INSIDE the transaction that
records the outcome: the webhook outbox rows commit with it or not at all. So announcing can
fail the write (and the request or task) rather than silently drop the event; a cache hit is
not a new version and is never announced.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import grpc

from printforge.printability.v1 import printability_pb2_grpc as ppb_grpc
from printforge.runtime.blobs import BlobNotFound, BlobStore
from printforge.runtime.tasks.model import FAILED as TASK_FAILED
from printforge.runtime.tasks.runner import TaskFailure
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.tasks.workers import WorkerError, WorkerPool
from printforge_services.generator import jobs
from printforge_services.generator.manifest import Param, ParamError, resolve
from printforge_services.generator.printcheck import HEALTHY, PrintCheckError, ensure_printable
from printforge_services.generator.store import (
    CHAT_TASK,
    COMPLETED,
    IMAGE_TASK,
    PROCESSING,
    Content,
    Generation,
    GenerationStore,
    InTransaction,
    VersionConflict,
)

log = logging.getLogger(__name__)

TEMPLATE_KINDS = ("starter", "gift")
MAX_PROMPT_CHARS = 2000
IMAGE_KINDS = ("keychain", "stencil", "cookie_cutter", "lithophane")
MAX_IMAGE_BYTES = 20 * 1024 * 1024
EMPTY = Content(template_id="", manifest=[], values={}, files={})


class GenerationError(Exception):
    """A request cannot be served; `status` is the HTTP meaning, `reason` the ErrorInfo reason."""

    def __init__(self, status: int, message: str, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason


def cache_key(kind: str, template_id: str, values: dict[str, Any]) -> str:
    """Hash of the RESOLVED values, so `{}` and the explicit defaults hit the same cache entry."""
    canonical = json.dumps([kind, template_id, values], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate(manifest: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Per-field validation against a JSON manifest, in-process (no CAD): 400 naming each bad field."""
    try:
        return resolve([Param(**p) for p in manifest], values)
    except ParamError as exc:
        raise GenerationError(400, str(exc), "INVALID_PARAMS") from None


def blob_key(generation_id: str, version: int, fmt: str) -> str:
    return f"generator/{generation_id}/v{version}/part.{fmt}"


def input_image_key(generation_id: str) -> str:
    return f"generator/{generation_id}/input/image"


def _not_recorded(exc: Exception) -> GenerationError:
    """A render that was made but could not be committed (with its event): nothing was saved.

    The cause is logged, not returned: database errors can quote SQL and connection details.
    """
    log.error("recording a generation failed", exc_info=exc)
    return GenerationError(500, "the generation could not be recorded; retry later", "NOT_RECORDED")


def _check_prompt(prompt: str) -> str:
    text = prompt.strip()
    if not text:
        raise GenerationError(400, "prompt is required", "MISSING_PROMPT")
    if len(text) > MAX_PROMPT_CHARS:
        raise GenerationError(400, f"prompt is longer than {MAX_PROMPT_CHARS} characters", "PROMPT_TOO_LONG")
    bad = sorted({repr(ch) for ch in text if not ch.isprintable() and ch not in "\n\t"})
    if bad:
        raise GenerationError(
            400, f"prompt contains unsupported characters: {', '.join(bad)}", "INVALID_PROMPT"
        )
    return text


class Generations:
    def __init__(
        self,
        store: GenerationStore,
        tasks: TaskStore,
        blobs: BlobStore,
        pool: WorkerPool,
        *,
        printability_channel: Callable[[], grpc.aio.Channel],
        timeout_s: float,
        rpc_timeout_s: float,
        wake: Callable[[], None],
        on_finished: InTransaction | None = None,
    ) -> None:
        self.store = store
        self.tasks = tasks
        self.blobs = blobs
        self.pool = pool
        self.printability_channel = printability_channel
        self.timeout_s = timeout_s
        self.rpc_timeout_s = rpc_timeout_s
        self.wake = wake
        self.on_finished = on_finished
        self._catalog: dict[str, list[dict[str, Any]]] = {}
        self._channel: grpc.aio.Channel | None = None
        self._printability: ppb_grpc.PrintabilityServiceStub | None = None

    async def start(self) -> None:
        self._channel = self.printability_channel()
        self._printability = ppb_grpc.PrintabilityServiceStub(self._channel)

    async def stop(self) -> None:
        if self._channel is not None:
            await self._channel.close()

    # --- catalog ---------------------------------------------------------------------------
    async def catalog(self, kind: str = "") -> list[dict[str, Any]]:
        """Templates of one kind (or all), loaded once from a worker and kept in memory."""
        if kind and kind not in TEMPLATE_KINDS:
            raise GenerationError(
                400, f"kind must be one of {', '.join(TEMPLATE_KINDS)}, got {kind!r}", "INVALID_KIND"
            )
        out: list[dict[str, Any]] = []
        for name in [kind] if kind else TEMPLATE_KINDS:
            if name not in self._catalog:
                self._catalog[name] = await self._run(jobs.catalog, name)
            out.extend(self._catalog[name])
        return out

    async def _template(self, kind: str, template_id: str) -> dict[str, Any]:
        entries = {e["id"]: e for e in await self.catalog(kind)}
        if template_id not in entries:
            raise GenerationError(
                404,
                f"unknown {kind} {template_id!r}; available: {', '.join(sorted(entries))}",
                "TEMPLATE_NOT_FOUND",
            )
        return entries[template_id]

    # --- reads -----------------------------------------------------------------------------
    async def get(self, owner: str, generation_id: str, version: int = 0) -> Generation:
        """The caller's generation: 404 when unknown, 403 when it belongs to another user."""
        gen = await asyncio.to_thread(self.store.get, generation_id, version)
        if gen is None:
            found_owner = await asyncio.to_thread(self.store.owner_of, generation_id)
            if found_owner is None:
                raise GenerationError(404, "Generation not found", "GENERATION_NOT_FOUND")
            if found_owner != owner:
                raise GenerationError(403, "Generation belongs to another user", "FORBIDDEN")
            raise GenerationError(
                404, f"generation {generation_id} has no version {version}", "VERSION_NOT_FOUND"
            )
        if gen.owner != owner:
            raise GenerationError(403, "Generation belongs to another user", "FORBIDDEN")
        if gen.status == PROCESSING and gen.task_id:
            gen = await self._reconcile(gen)
        return gen

    async def get_owned(self, owner: str, generation_id: str, version: int = 0) -> Generation:
        """`get` for callers other than the owner's own views: another user's generation answers
        404 "Generation not found" exactly as an unknown one does, so its existence never leaks."""
        gen = await asyncio.to_thread(self.store.get, generation_id, version)
        if gen is None or gen.owner != owner:
            if version > 0 and await asyncio.to_thread(self.store.owner_of, generation_id) == owner:
                raise GenerationError(
                    404, f"generation {generation_id} has no version {version}", "VERSION_NOT_FOUND"
                )
            raise GenerationError(404, "Generation not found", "GENERATION_NOT_FOUND")
        if gen.status == PROCESSING and gen.task_id:
            gen = await self._reconcile(gen)
        return gen

    async def _reconcile(self, gen: Generation) -> Generation:
        """A task the runner gave up on (its workers kept dying) never reached the handler's `fail`."""
        task = await asyncio.to_thread(self.tasks.get, gen.task_id)  # type: ignore[arg-type]
        if task is None or task.status != TASK_FAILED:
            return gen
        await self.fail(gen.id, gen.version, task.error or "the generation task failed")
        return await asyncio.to_thread(self.store.get, gen.id, gen.version)  # type: ignore[return-value]

    async def versions(self, owner: str, generation_id: str) -> list[Generation]:
        await self.get(owner, generation_id)
        return await asyncio.to_thread(self.store.versions, generation_id)

    # --- synchronous renders ---------------------------------------------------------------
    async def create_template(
        self, owner: str, kind: str, template_id: str, params: dict[str, Any], output_format: str = ""
    ) -> Generation:
        """Render a starter or gift, or return this owner's cached generation of the same values."""
        entry = await self._template(kind, template_id)
        resolved = validate(entry["params"], params)
        key = cache_key(kind, template_id, resolved)
        cached = await asyncio.to_thread(self.store.find_cached, owner, key)
        if cached is not None:
            return cached
        produced = await self._run(jobs.render_template, kind, template_id, resolved)
        files, analysis = await self._checked(produced["files"])
        gen_id = self.store.new_id()
        content = await self._put(gen_id, 1, produced, files, analysis)
        try:
            gen = await asyncio.to_thread(
                lambda: self.store.create(
                    owner,
                    kind,
                    status=COMPLETED,
                    content=content,
                    cache_key=key,
                    output_format=output_format,
                    request={"params": params},
                    generation_id=gen_id,
                    in_transaction=self.on_finished,
                )
            )
        except Exception as exc:
            await asyncio.to_thread(self.blobs.delete_prefix, f"generator/{gen_id}")
            raise _not_recorded(exc) from exc
        if gen.id != gen_id:  # a concurrent identical call won the cache entry
            await asyncio.to_thread(self.blobs.delete_prefix, f"generator/{gen_id}")
        return gen

    async def update_params(self, owner: str, generation_id: str, params: dict[str, Any]) -> Generation:
        """Re-render with params merged over the latest completed values; a new version, parent recorded."""
        latest = await self.get(owner, generation_id)
        if latest.status == PROCESSING:
            raise GenerationError(
                409, "the generation is still processing; retry when it is done", "PROCESSING"
            )
        base = await asyncio.to_thread(self.store.latest_completed, generation_id)
        if base is None:
            raise GenerationError(400, "the generation has no completed version to edit", "NOTHING_TO_EDIT")
        merged = validate(base.manifest, {**base.values, **params})
        if base.source in TEMPLATE_KINDS:
            produced = await self._run(jobs.render_template, base.source, base.template_id, merged)
        elif base.tree is not None:
            produced = await self._run(jobs.rebuild_part, base.tree, merged)
        elif base.source == "image":
            image = await self._input_image(generation_id)
            produced = await self._run(jobs.image_part, image, base.template_id, merged)
        else:
            raise GenerationError(
                400, f"a {base.source} generation has no editable parameters", "NOT_EDITABLE"
            )
        files, analysis = await self._checked(produced["files"])
        try:
            pending = await asyncio.to_thread(
                lambda: self.store.add_version(
                    generation_id,
                    base.version,
                    status=PROCESSING,
                    content=EMPTY,
                    request={"params": params},
                )
            )
        except VersionConflict as exc:
            raise GenerationError(409, str(exc), "CONFLICT") from None
        content = await self._put(generation_id, pending.version, produced, files, analysis)
        try:
            await asyncio.to_thread(
                lambda: self.store.complete(
                    generation_id, pending.version, content, in_transaction=self.on_finished
                )
            )
        except Exception as exc:
            await self._abandon(generation_id, pending.version)
            raise _not_recorded(exc) from exc
        return await self._read(generation_id, pending.version)

    # --- asynchronous generations (tasks) --------------------------------------------------
    async def start_chat(self, owner: str, prompt: str, generation_id: str, output_format: str) -> Generation:
        """A first prompt (new generation) or a follow-up refining `generation_id` (new version)."""
        text = _check_prompt(prompt)
        if not generation_id:
            source = "text" if output_format else "chat"
            gen = await asyncio.to_thread(
                lambda: self.store.create(
                    owner,
                    source,
                    status=PROCESSING,
                    content=EMPTY,
                    output_format=output_format,
                    request={"prompt": text},
                )
            )
            return await self._enqueue(gen, CHAT_TASK, {"prompt": text, "parent_version": 0})
        latest = await self.get(owner, generation_id)
        if latest.status == PROCESSING:
            raise GenerationError(
                409, "the generation is still processing; retry when it is done", "PROCESSING"
            )
        base = await asyncio.to_thread(self.store.latest_completed, generation_id)
        if base is not None and base.tree is None:
            raise GenerationError(
                400,
                f"a {base.source} generation cannot be refined by chat; edit its params instead",
                "NOT_REFINABLE",
            )
        parent = base.version if base is not None else latest.version
        try:
            gen = await asyncio.to_thread(
                lambda: self.store.add_version(
                    generation_id, parent, status=PROCESSING, content=EMPTY, request={"prompt": text}
                )
            )
        except VersionConflict as exc:
            raise GenerationError(409, str(exc), "CONFLICT") from None
        tree_version = base.version if base is not None else 0
        return await self._enqueue(gen, CHAT_TASK, {"prompt": text, "parent_version": tree_version})

    async def start_image(
        self, owner: str, image: bytes, kind: str, width_mm: float, output_format: str
    ) -> Generation:
        if not image:
            raise GenerationError(400, "image is required (PNG or JPEG bytes)", "MISSING_IMAGE")
        if len(image) > MAX_IMAGE_BYTES:
            raise GenerationError(
                400, f"image is larger than {MAX_IMAGE_BYTES // 2**20} MB", "IMAGE_TOO_LARGE"
            )
        kind = kind or IMAGE_KINDS[0]
        if kind not in IMAGE_KINDS:
            raise GenerationError(
                400, f"kind must be one of {', '.join(IMAGE_KINDS)}, got {kind!r}", "INVALID_KIND"
            )
        if width_mm < 0:
            raise GenerationError(400, "width_mm must be positive", "INVALID_WIDTH")
        gen_id = self.store.new_id()
        image_key = input_image_key(gen_id)
        await asyncio.to_thread(self.blobs.put, image_key, image)
        request = {"kind": kind, "width_mm": width_mm}
        gen = await asyncio.to_thread(
            lambda: self.store.create(
                owner,
                "image",
                status=PROCESSING,
                content=EMPTY,
                output_format=output_format,
                request=request,
                generation_id=gen_id,
            )
        )
        values = {"width": width_mm} if width_mm > 0 else {}
        return await self._enqueue(gen, IMAGE_TASK, {"kind": kind, "values": values, "image_key": image_key})

    async def _input_image(self, generation_id: str) -> bytes:
        try:
            return await asyncio.to_thread(self.blobs.get, input_image_key(generation_id))
        except BlobNotFound:
            raise GenerationError(
                500, "the uploaded image is no longer in storage", "INPUT_MISSING"
            ) from None

    async def _enqueue(self, gen: Generation, kind: str, task_input: dict[str, Any]) -> Generation:
        task = await asyncio.to_thread(
            self.tasks.create,
            gen.owner,
            kind,
            {"generation_id": gen.id, "version": gen.version, **task_input},
        )
        await asyncio.to_thread(self.store.set_task, gen.id, gen.version, task.id)
        self.wake()
        return await self.get(gen.owner, gen.id, gen.version)

    async def finish(self, generation_id: str, version: int, produced: dict[str, Any]) -> Generation:
        """Check, store and complete a version rendered by a task; TaskFailure when that fails.

        A database error (recording the outcome or its event) propagates with nothing committed;
        the handler then tries `fail`. If that cannot commit either, the task still ends failed and
        the version is failed (and announced) the next time it is read (`_reconcile`).
        """
        try:
            files, analysis = await self._checked(produced["files"])
        except GenerationError as exc:
            raise TaskFailure(exc.message) from None
        content = await self._put(generation_id, version, produced, files, analysis)
        await asyncio.to_thread(
            lambda: self.store.complete(generation_id, version, content, in_transaction=self.on_finished)
        )
        return await self._read(generation_id, version)

    async def fail(self, generation_id: str, version: int, message: str) -> None:
        """Fail a processing version and announce it in the same transaction (no-op if not processing)."""
        await asyncio.to_thread(
            lambda: self.store.fail(generation_id, version, message, in_transaction=self.on_finished)
        )

    async def _read(self, generation_id: str, version: int) -> Generation:
        return await asyncio.to_thread(self.store.get, generation_id, version)  # type: ignore[return-value]

    async def _abandon(self, generation_id: str, version: int) -> None:
        """A synchronous edit whose completion could not commit must not stay `processing` forever
        (that blocks every later edit with 409). Its caller gets the error directly, as with any
        other failed synchronous request, so the failed version is recorded without an event."""
        try:
            await asyncio.to_thread(
                self.store.fail, generation_id, version, "the new version could not be recorded"
            )
        except Exception:
            log.exception("marking the unrecorded version failed", extra={"generation": generation_id})

    # --- shared steps ----------------------------------------------------------------------
    async def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A synchronous render in the pool, with worker outcomes mapped to HTTP meanings."""
        try:
            return await self.pool.run(fn, *args, timeout_s=self.timeout_s)
        except jobs.InvalidParams as exc:
            raise GenerationError(400, str(exc), "INVALID_PARAMS") from None
        except jobs.UnknownTemplate as exc:
            raise GenerationError(404, str(exc), "TEMPLATE_NOT_FOUND") from None
        except TaskFailure as exc:
            raise GenerationError(400, str(exc), "CANNOT_BUILD") from None
        except WorkerError as exc:
            raise GenerationError(500, f"the CAD worker failed: {exc}", "WORKER_FAILED") from None

    async def _checked(self, files: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, Any]]:
        assert self._printability is not None, "Generations.start() was not awaited"
        try:
            out, analysis = await ensure_printable(self._printability, files, self.rpc_timeout_s)
        except PrintCheckError as exc:
            raise GenerationError(500, str(exc), "PRINTABILITY_UNAVAILABLE") from None
        if analysis["status"] != HEALTHY:
            metrics = analysis["printability"].get("metrics", {})
            raise GenerationError(
                500,
                f"the generated mesh is not printable even after repair "
                f"(status {analysis['status']}: {metrics})",
                "NOT_PRINTABLE",
            )
        return out, analysis

    async def _put(
        self,
        generation_id: str,
        version: int,
        produced: dict[str, Any],
        files: dict[str, bytes],
        analysis: dict[str, Any],
    ) -> Content:
        keys = {fmt: blob_key(generation_id, version, fmt) for fmt in files}

        def put_all() -> None:
            for fmt, key in keys.items():
                self.blobs.put(key, files[fmt])

        await asyncio.to_thread(put_all)
        return Content(
            template_id=produced["template_id"],
            manifest=produced["manifest"],
            values=produced["values"],
            files=keys,
            analysis=analysis,
            interpretation=produced.get("interpretation"),
            tree=produced.get("tree"),
        )
