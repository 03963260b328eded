"""The GeneratorService gRPC servicer: thin, it parses requests, delegates to Generations, maps errors.

CadQuery never runs in this process: renders go to a WorkerPool of spawned workers that
import CadQuery once at start (warm), run under the task time and memory limits and are
replaced after JOBS_PER_WORKER jobs, because OCCT leaks memory across builds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import grpc
from sqlalchemy.engine import Connection

from printforge.generator.v1 import generator_pb2 as pb
from printforge.generator.v1 import generator_pb2_grpc as pb_grpc
from printforge.runtime.blobs import open_blob_store
from printforge.runtime.config import Settings
from printforge.runtime.db import engine_for, migrate
from printforge.runtime.grpc_channels import open_service_channel
from printforge.runtime.grpc_errors import abort, abort_http
from printforge.runtime.grpc_server import ServiceSpec
from printforge.runtime.tasks.paging import BadPageToken, encode_token, page_window
from printforge.runtime.tasks.pg_listen import listener_for
from printforge.runtime.tasks.runner import TaskRunner
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.tasks.watch import TaskNotFound, TaskNotifier, watch_task
from printforge.runtime.tasks.workers import WorkerPool
from printforge.runtime.url_policy import PUBLIC_ONLY, AddressPolicy
from printforge_services.generator.generations import GenerationError, Generations
from printforge_services.generator.handlers import make_handlers
from printforge_services.generator.proto import catalog_entry, generation_to_proto
from printforge_services.generator.store import COMPLETED, MIGRATIONS, SERVICE, Generation, GenerationStore
from printforge_services.generator.webhooks import WebhookComponents, enqueue_generation_finished

log = logging.getLogger(__name__)

JOBS_PER_WORKER = 50
WARM_MODULES = ("cadquery", "printforge_services.generator.render")
# Formats GetPartMesh hands out: the STL the printability check measured, the GLB a repair reads.
PART_MESH_FORMATS = ("stl", "glb")
T = TypeVar("T")


def _params(text: str, field: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GenerationError(400, f"{field} is not valid JSON: {exc}", "INVALID_JSON") from None
    if not isinstance(value, dict):
        raise GenerationError(400, f"{field} must be a JSON object", "INVALID_JSON")
    return value


class GeneratorServicer(pb_grpc.GeneratorServiceServicer):
    """Webhook RPCs delegate to printforge_services.generator.webhooks (its own rules live there)."""

    def __init__(
        self, generations: Generations, tasks: TaskStore, notifier: TaskNotifier, webhooks: WebhookComponents
    ) -> None:
        self.generations = generations
        self.tasks = tasks
        self.notifier = notifier
        self.webhooks = webhooks

    async def _call(self, context: grpc.aio.ServicerContext, work: Awaitable[T]) -> T:
        try:
            return await work
        except GenerationError as exc:
            await abort_http(context, exc.status, exc.message, exc.reason)

    @staticmethod
    async def _owner(request: Any, context: grpc.aio.ServicerContext) -> str:
        if not request.owner:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, "owner is required", "MISSING_OWNER")
        return request.owner

    async def ListCatalog(self, request, context):  # type: ignore[no-untyped-def]
        entries = await self._call(context, self.generations.catalog(request.kind))
        return pb.ListCatalogResponse(entries=[catalog_entry(e) for e in entries])

    async def CreateGeneration(self, request, context):  # type: ignore[no-untyped-def]
        owner = await self._owner(request, context)
        gens = self.generations
        which = request.WhichOneof("source")

        async def create():  # type: ignore[no-untyped-def]
            fmt = request.output_format
            if which == "starter_id":
                params = _params(request.params_json, "params_json")
                return await gens.create_template(owner, "starter", request.starter_id, params, fmt)
            if which == "gift":
                config = _params(request.gift.config_json or request.params_json, "config_json")
                return await gens.create_template(owner, "gift", request.gift.template_id, config, fmt)
            if which == "chat":
                return await gens.start_chat(owner, request.chat.prompt, request.chat.generation_id, fmt)
            if which == "image":
                img = request.image
                return await gens.start_image(owner, img.image, img.kind, img.width_mm, fmt)
            raise GenerationError(
                400, "a source is required: starter_id, gift, chat or image", "MISSING_SOURCE"
            )

        gen = await self._call(context, create())
        return pb.CreateGenerationResponse(generation=generation_to_proto(gen), cached=gen.cached)

    async def GetGeneration(self, request, context):  # type: ignore[no-untyped-def]
        owner = await self._owner(request, context)
        gen = await self._call(context, self.generations.get(owner, request.generation_id, request.version))
        return pb.GetGenerationResponse(generation=generation_to_proto(gen))

    async def UpdateGenerationParams(self, request, context):  # type: ignore[no-untyped-def]
        owner = await self._owner(request, context)

        async def update():  # type: ignore[no-untyped-def]
            params = _params(request.params_json, "params_json")
            return await self.generations.update_params(owner, request.generation_id, params)

        gen = await self._call(context, update())
        return pb.UpdateGenerationParamsResponse(generation=generation_to_proto(gen))

    async def ListGenerationVersions(self, request, context):  # type: ignore[no-untyped-def]
        owner = await self._owner(request, context)
        versions = await self._call(context, self.generations.versions(owner, request.generation_id))
        return pb.ListGenerationVersionsResponse(versions=[generation_to_proto(v) for v in versions])

    async def ListGenerations(self, request, context):  # type: ignore[no-untyped-def]
        owner = await self._owner(request, context)
        try:
            limit, offset = page_window(request.page_size, request.page_token, 0)
        except BadPageToken as exc:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc), "INVALID_PAGE_TOKEN")
        store = self.generations.store
        gens = await asyncio.to_thread(
            lambda: store.list(owner, list(request.sources), limit=limit + 1, offset=offset)
        )
        next_token = encode_token(offset + limit) if len(gens) > limit else ""
        return pb.ListGenerationsResponse(
            generations=[generation_to_proto(g) for g in gens[:limit]], next_page_token=next_token
        )

    async def GetPartMesh(self, request, context):  # type: ignore[no-untyped-def]
        """The blob key of a version's STL or GLB, for another service (printability's input_task_id).

        Generated files are millimetres (STL, 3MF); the generation's own printability check
        travels along so an analyze of it can answer at once.
        """
        owner = await self._owner(request, context)
        if request.format not in PART_MESH_FORMATS:
            await abort_http(
                context,
                400,
                f"format must be one of {', '.join(PART_MESH_FORMATS)}, got {request.format!r}",
                "INVALID_FORMAT",
            )
        gen = await self._call(
            context, self.generations.get_owned(owner, request.generation_id, request.version)
        )
        key = gen.files.get(request.format, "") if gen.status == COMPLETED else ""
        report = (gen.analysis or {}).get("printability")
        return pb.GetPartMeshResponse(
            version=gen.version,
            status=gen.status,
            blob_key=key,
            filename=f"part.{request.format}",
            unit="mm",
            printability_json=json.dumps(report) if report else "",
        )

    async def CreateWebhook(self, request, context):  # type: ignore[no-untyped-def]
        return await self.webhooks.rpc.create(request, context)

    async def ListWebhooks(self, request, context):  # type: ignore[no-untyped-def]
        return await self.webhooks.rpc.list(request, context)

    async def DeleteWebhook(self, request, context):  # type: ignore[no-untyped-def]
        return await self.webhooks.rpc.delete(request, context)

    async def WatchTask(self, request, context) -> AsyncIterator[pb.WatchTaskResponse]:  # type: ignore[no-untyped-def]
        try:
            async for task in watch_task(self.tasks, self.notifier, request.task_id, request.owner):
                yield pb.WatchTaskResponse(task=task.to_proto())
        except TaskNotFound:
            await abort(context, grpc.StatusCode.NOT_FOUND, "Task not found", "TASK_NOT_FOUND")


def announce_finished(conn: Connection, gen: Generation) -> None:
    """Queue the webhook events of a version that ended, on the store's open transaction.

    The generation tables and the outbox share one engine (one database), which is what lets the
    outcome and its event commit atomically.
    """
    enqueue_generation_finished(conn, generation_to_proto(gen))


async def _warm(generations: Generations) -> None:
    try:
        await generations.catalog()
    except Exception:
        log.exception("loading the template catalog at start-up failed")


def build_spec(settings: Settings, *, webhook_policy: AddressPolicy = PUBLIC_ONLY) -> ServiceSpec:
    """Wire stores, blobs, the warm recycled worker pool, the task runner, the printability client
    and webhooks; `webhook_policy` exists for tests only (receivers on loopback)."""
    engine = engine_for(settings.database_url_for(SERVICE))
    webhooks = WebhookComponents(engine, policy=webhook_policy)
    tasks = TaskStore(engine, SERVICE, ttl_days=settings.task_ttl_days)
    blobs = open_blob_store(settings.blob_location, s3_endpoint_url=settings.s3_endpoint_url)
    pool = WorkerPool(
        settings.worker_processes,
        memory_mb=settings.task_memory_mb,
        max_jobs_per_worker=JOBS_PER_WORKER,
        warm_modules=WARM_MODULES,
    )
    notifier = TaskNotifier()
    listener = listener_for(tasks, notifier)  # other replicas' task changes (PostgreSQL only)
    runner: TaskRunner | None = None

    def wake() -> None:
        if runner is not None:
            runner.wake()

    generations = Generations(
        GenerationStore(engine),
        tasks,
        blobs,
        pool,
        printability_channel=lambda: open_service_channel(settings, "printability", caller=SERVICE),
        timeout_s=settings.task_timeout_s,
        rpc_timeout_s=settings.rpc_timeout_s,
        wake=wake,
        on_finished=announce_finished,
    )
    runner = TaskRunner(
        tasks,
        pool,
        make_handlers(generations, blobs),
        notifier,
        concurrency=settings.worker_processes,
        lease_s=settings.task_lease_s,
        max_attempts=settings.task_max_attempts,
        timeout_s=settings.task_timeout_s,
    )
    servicer = GeneratorServicer(generations, tasks, notifier, webhooks)
    warming: list[asyncio.Task[Any]] = []

    def register(server: grpc.aio.Server) -> list[str]:
        pb_grpc.add_GeneratorServiceServicer_to_server(servicer, server)
        return [pb.DESCRIPTOR.services_by_name["GeneratorService"].full_name]

    async def start() -> None:
        await asyncio.to_thread(migrate, engine, SERVICE, MIGRATIONS)
        await webhooks.start()
        await generations.start()
        await runner.start()
        if listener is not None:
            await listener.start()
        # Load the catalog now: it starts the workers (CadQuery import) before the first request.
        warming.append(asyncio.create_task(_warm(generations)))

    async def stop() -> None:
        if listener is not None:
            await listener.stop()
        for task in warming:
            task.cancel()
        await runner.stop()
        await webhooks.stop()
        await generations.stop()
        await asyncio.to_thread(pool.close)

    return ServiceSpec(name=SERVICE, register=register, on_start=[start], on_stop=[stop])
