"""The PrintabilityService gRPC servicer: thin, it validates, delegates and maps errors."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator

import grpc

from printforge.printability.v1 import printability_pb2 as pb
from printforge.printability.v1 import printability_pb2_grpc as pb_grpc
from printforge.runtime.blobs import BlobStore, open_blob_store
from printforge.runtime.config import Settings
from printforge.runtime.db import engine_for, migrate, run_point_read
from printforge.runtime.grpc_channels import open_service_channel
from printforge.runtime.grpc_errors import abort, abort_http
from printforge.runtime.grpc_server import ServiceSpec
from printforge.runtime.tasks.paging import BadPageToken, encode_token, page_window
from printforge.runtime.tasks.pg_listen import listener_for
from printforge.runtime.tasks.runner import TaskFailure, TaskRunner
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.tasks.watch import TaskNotFound, TaskNotifier, watch_task
from printforge.runtime.tasks.workers import WorkerError, WorkerPool
from printforge.runtime.url_policy import AddressPolicy
from printforge_services.printability import jobs
from printforge_services.printability.generated_parts import GeneratedParts
from printforge_services.printability.handlers import make_handlers
from printforge_services.printability.inputs import NOT_FOUND, UNITS, InputError, resolve_input
from printforge_services.printability.store import ANALYZE, MIGRATIONS, REPAIR, SERVICE

QUOTA_EXCEEDED = "You have exceeded your pending-task quota or rate limit"


class PrintabilityServicer(pb_grpc.PrintabilityServiceServicer):
    def __init__(
        self,
        store: TaskStore,
        blobs: BlobStore,
        runner: TaskRunner,
        pool: WorkerPool,
        notifier: TaskNotifier,
        settings: Settings,
        parts: GeneratedParts,
        address_policy: AddressPolicy | None = None,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.runner = runner
        self.pool = pool
        self.notifier = notifier
        self.settings = settings
        self.parts = parts
        self.address_policy = address_policy

    async def _create(self, kind: str, request, context: grpc.aio.ServicerContext):  # type: ignore[no-untyped-def]
        if not request.owner:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, "owner is required", "MISSING_OWNER")
        unit = request.unit or "mm"
        if unit not in UNITS:
            await abort_http(
                context, 400, f"unit must be one of {', '.join(UNITS)}, got {unit!r}", "INVALID_UNIT"
            )
        min_wall = getattr(request, "min_wall_mm", 0.0)  # analyze requests have no such field
        if not (math.isfinite(min_wall) and min_wall >= 0):
            message = f"min_wall_mm must be a positive number of mm, got {min_wall!r}"
            await abort_http(context, 400, message, "INVALID_MIN_WALL")
        printer = getattr(request, "printer", "")
        if printer:
            from printforge_services.printability.printers import lookup_printer

            try:
                lookup_printer(printer)
            except (KeyError, ValueError) as exc:
                await abort_http(context, 400, str(exc).strip("'\""), "UNKNOWN_PRINTER")
        material = getattr(request, "material", "")
        if material:
            from printforge_services.printability.printprep.request import (
                UnknownMaterialError,
                canonical_material,
            )

            try:
                material = canonical_material(material)
            except UnknownMaterialError as exc:
                await abort_http(context, 400, str(exc), "UNKNOWN_MATERIAL")
        auto_orient = request.auto_orient
        if not request.input_task_id:
            await self._check_quota(request.owner, context)  # before downloading up to 100 MB
        try:
            resolved = await resolve_input(
                kind=kind,
                owner=request.owner,
                model_url=request.model_url,
                input_task_id=request.input_task_id,
                store=self.store,
                blobs=self.blobs,
                parts=self.parts,
                max_bytes=self.settings.max_model_bytes,
                unit=unit,
                printer=printer,
                material=material,
                auto_orient=auto_orient,
                address_policy=self.address_policy,
            )
        except InputError as exc:
            await abort_http(context, exc.status, str(exc), exc.reason)
        if request.input_task_id and resolved.cached_result is None:
            await self._check_quota(request.owner, context)  # a cache hit queues nothing
        task_input = {
            "blob_key": resolved.blob_key,
            "filename": resolved.filename,
            "unit": resolved.unit or unit,
            "printer": printer,
            "material": material,
            "auto_orient": auto_orient,
            "source": resolved.description,
        }
        if min_wall:  # repair only; 0 (unset) leaves the repair's default
            task_input["min_wall_mm"] = min_wall
        task = await asyncio.to_thread(
            self.store.create, request.owner, kind, task_input, result=resolved.cached_result
        )
        self.runner.wake()
        return task

    async def _check_quota(self, owner: str, context: grpc.aio.ServicerContext) -> None:
        """RESOURCE_EXHAUSTED (the seeds' 429) when the owner already has the most unfinished tasks.

        Count-then-insert is not atomic, so concurrent creates may overshoot by a few; the cap
        bounds one caller's share of the queue, it is not an exact ledger.
        """
        cap = self.settings.max_pending_tasks
        if cap <= 0:
            return
        unfinished = await asyncio.to_thread(self.store.count_unfinished, owner, (ANALYZE, REPAIR))
        if unfinished >= cap:
            await abort(
                context,
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"{QUOTA_EXCEEDED}: {unfinished} of your tasks are pending or in progress (at most {cap})",
                "PENDING_TASK_QUOTA",
            )

    async def CreateAnalyzeTask(self, request, context):  # type: ignore[no-untyped-def]
        task = await self._create(ANALYZE, request, context)
        return pb.CreateAnalyzeTaskResponse(task=task.to_proto())

    async def CreateRepairTask(self, request, context):  # type: ignore[no-untyped-def]
        task = await self._create(REPAIR, request, context)
        return pb.CreateRepairTaskResponse(task=task.to_proto())

    async def GetTask(self, request, context):  # type: ignore[no-untyped-def]
        task = await run_point_read(
            self.store.engine,
            lambda: self.store.get(request.task_id, owner=request.owner, kind=request.kind or None),
        )
        if task is None:
            await abort(context, grpc.StatusCode.NOT_FOUND, NOT_FOUND, "TASK_NOT_FOUND")
        return pb.GetTaskResponse(task=task.to_proto())

    async def ListTasks(self, request, context):  # type: ignore[no-untyped-def]
        try:
            limit, offset = page_window(request.page_size, request.page_token, request.skip)
        except BadPageToken as exc:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc), "INVALID_PAGE_TOKEN")
        order = request.order_by.strip().lower()
        if order not in ("", "created_at", "created_at asc", "created_at desc"):
            await abort_http(context, 400, f"unsupported order_by {request.order_by!r}", "INVALID_ORDER_BY")
        ascending = order in ("created_at", "created_at asc")
        tasks = await asyncio.to_thread(
            self.store.list,
            request.owner,
            request.kind or ANALYZE,
            limit=limit + 1,
            offset=offset,
            ascending=ascending,
        )
        next_token = encode_token(offset + limit) if len(tasks) > limit else ""
        return pb.ListTasksResponse(tasks=[t.to_proto() for t in tasks[:limit]], next_page_token=next_token)

    async def DeleteTask(self, request, context):  # type: ignore[no-untyped-def]
        task = await asyncio.to_thread(
            self.store.delete, request.task_id, owner=request.owner, kind=request.kind or None
        )
        if task is None:
            await abort(context, grpc.StatusCode.NOT_FOUND, NOT_FOUND, "TASK_NOT_FOUND")
        await asyncio.to_thread(self.blobs.delete_prefix, f"{task.kind}/{task.id}")
        if "model_url" in task.input.get("source", {}):
            await asyncio.to_thread(self.blobs.delete_prefix, task.input["blob_key"].rsplit("/", 1)[0])
        return pb.DeleteTaskResponse()

    async def WatchTask(self, request, context) -> AsyncIterator[pb.WatchTaskResponse]:  # type: ignore[no-untyped-def]
        try:
            async for task in watch_task(self.store, self.notifier, request.task_id, request.owner):
                yield pb.WatchTaskResponse(task=task.to_proto())
        except TaskNotFound:
            await abort(context, grpc.StatusCode.NOT_FOUND, NOT_FOUND, "TASK_NOT_FOUND")

    async def _run_sync(self, context, fn, *args):  # type: ignore[no-untyped-def]
        try:
            return await self.pool.run(fn, *args, timeout_s=self.settings.task_timeout_s)
        except TaskFailure as exc:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc), "UNREADABLE_MODEL")
        except WorkerError as exc:
            await abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc), "WORKER_FAILED")

    async def AnalyzeMesh(self, request, context):  # type: ignore[no-untyped-def]
        report = await self._run_sync(
            context, jobs.analyze_file, request.data, request.filename or "model", request.unit or "mm", None
        )
        return pb.AnalyzeMeshResponse(report_json=json.dumps(report))

    async def RepairMesh(self, request, context):  # type: ignore[no-untyped-def]
        out, _fmt, report = await self._run_sync(
            context, jobs.repair_file, request.data, request.filename or "model", request.unit or "mm"
        )
        return pb.RepairMeshResponse(data=out, report_json=json.dumps(report))


def build_spec(
    settings: Settings, *, address_policy: AddressPolicy | None = None, blobs: BlobStore | None = None
) -> ServiceSpec:
    """Wire store, blobs, worker pool, runner and the generator client; `address_policy` and
    `blobs` (a store other than the configured one) exist for tests only."""
    engine = engine_for(settings.database_url_for(SERVICE))
    store = TaskStore(engine, SERVICE, ttl_days=settings.task_ttl_days)
    if blobs is None:
        blobs = open_blob_store(settings.blob_location, s3_endpoint_url=settings.s3_endpoint_url)
    parts = GeneratedParts(
        lambda: open_service_channel(settings, "generator", caller=SERVICE), settings.rpc_timeout_s
    )
    pool = WorkerPool(
        settings.worker_processes,
        memory_mb=settings.task_memory_mb,
        warm_modules=("printforge_services.printability.analyze", "printforge_services.printability.mesh_io"),
    )
    notifier = TaskNotifier()
    listener = listener_for(store, notifier)  # other replicas' task changes (PostgreSQL only)
    runner = TaskRunner(
        store,
        pool,
        make_handlers(blobs, settings.slicer_path, settings.slicer_timeout_s),
        notifier,
        concurrency=settings.worker_processes,
        lease_s=settings.task_lease_s,
        max_attempts=settings.task_max_attempts,
        timeout_s=settings.task_timeout_s,
    )
    servicer = PrintabilityServicer(store, blobs, runner, pool, notifier, settings, parts, address_policy)

    def register(server: grpc.aio.Server) -> list[str]:
        pb_grpc.add_PrintabilityServiceServicer_to_server(servicer, server)
        return [pb.DESCRIPTOR.services_by_name["PrintabilityService"].full_name]

    async def start() -> None:
        await asyncio.to_thread(migrate, engine, SERVICE, MIGRATIONS)
        await parts.start()
        await runner.start()
        if listener is not None:
            await listener.start()

    async def stop() -> None:
        if listener is not None:
            await listener.stop()
        await runner.stop()
        await parts.stop()
        await asyncio.to_thread(pool.close)

    return ServiceSpec(name=SERVICE, register=register, on_start=[start], on_stop=[stop])
