"""The Meshy analyze- and repair-printability APIs under /openapi/v1/print/ (see the seeds)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from printforge.printability.v1 import printability_pb2 as pb
from printforge.task.v1 import task_pb2
from printforge_services.gateway.errors import ApiError
from printforge_services.gateway.meshy_views import ANALYZE, REPAIR, progress_event, status_name, task_object
from printforge_services.gateway.principal import Principal, authenticate, require_principal, within_quota
from printforge_services.gateway.routes.files import url_signer
from printforge_services.gateway.schemas import (
    AnalyzeTask,
    CreatePrintTaskRequest,
    CreateTaskResponse,
    ErrorBody,
    RepairTask,
)
from printforge_services.gateway.sse import task_event_stream

# Creating a task may download up to 100 MB before it answers.
CREATE_TIMEOUT_S = 180.0
WATCH_TIMEOUT_S = 3600.0
MAX_PAGE_SIZE = 50

Caller = Annotated[Principal, Depends(require_principal)]
Authenticated = Annotated[Principal, Depends(authenticate)]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 429, 500, 503)
}


def _parse_sort(sort_by: str | None) -> str:
    # '+' in a query string decodes to a space, so '+created_at' may arrive as ' created_at'.
    value = (sort_by or "-created_at").strip()
    if value in ("created_at", "+created_at"):
        return "created_at asc"
    if value == "-created_at":
        return "created_at desc"
    raise ApiError(400, f"sort_by must be +created_at or -created_at, got {sort_by!r}", "invalid_sort_by")


def lazy_signer(request: Request) -> Callable[[str], str]:
    """`url_signer(request)`, built on first use: an analyze task has no file to sign, and the
    base URL it would build first is a measurable share of a task lookup's cost."""
    signer: Callable[[str], str] | None = None

    def sign(blob_key: str) -> str:
        nonlocal signer
        if signer is None:
            signer = url_signer(request)
        return signer(blob_key)

    return sign


def build_router(kind: str, path: str) -> APIRouter:
    router = APIRouter(prefix=f"/openapi/v1/print/{path}", tags=[f"print-{path}"], responses=ERRORS)
    model = AnalyzeTask if kind == ANALYZE else RepairTask

    @router.post("", response_model=CreateTaskResponse, summary=f"Create a {kind} task")
    async def create(body: CreatePrintTaskRequest, request: Request, principal: Caller) -> dict[str, str]:
        clients = request.app.state.clients
        if not body.input_task_id and not body.model_url:
            raise ApiError(
                400, "Missing parameter: provide either input_task_id or model_url", "missing_parameter"
            )
        auto_orient = bool(body.auto_orient)
        common = {
            "owner": principal.user_id,
            "model_url": body.model_url or "",
            "input_task_id": body.input_task_id or "",
            "unit": body.unit or "",
        }
        if kind == ANALYZE:
            reply = await clients.call(
                clients.printability.CreateAnalyzeTask,
                pb.CreateAnalyzeTaskRequest(
                    **common,
                    printer=body.printer or "",
                    material=body.material or "",
                    auto_orient=auto_orient,
                ),
                timeout_s=CREATE_TIMEOUT_S,
            )
        else:
            reply = await clients.call(
                clients.printability.CreateRepairTask,
                pb.CreateRepairTaskRequest(
                    **common, auto_orient=auto_orient, min_wall_mm=body.min_wall_mm or 0.0
                ),
                timeout_s=CREATE_TIMEOUT_S,
            )
        return {"result": reply.task.id}

    @router.get("", response_model=list[model], summary=f"List {kind} tasks")  # type: ignore[valid-type]
    async def list_tasks(
        request: Request,
        principal: Caller,
        page_num: Annotated[int, Query(ge=1, description="Page number, from 1.")] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page, max 50.")] = 10,
        sort_by: Annotated[str | None, Query(description="+created_at or -created_at (default).")] = None,
    ) -> list[dict[str, Any]]:
        clients = request.app.state.clients
        reply = await clients.call(
            clients.printability.ListTasks,
            pb.ListTasksRequest(
                owner=principal.user_id,
                kind=kind,
                page_size=page_size,
                skip=(page_num - 1) * page_size,
                order_by=_parse_sort(sort_by),
            ),
        )
        sign = url_signer(request)
        return [task_object(t, sign) for t in reply.tasks]

    @router.get("/{task_id}", response_model=model, summary=f"Retrieve a {kind} task")
    async def get_task(
        task_id: str, request: Request, response: Response, principal: Authenticated
    ) -> dict[str, Any]:
        clients = request.app.state.clients
        lookup = clients.call(
            clients.printability.GetTask,
            pb.GetTaskRequest(owner=principal.user_id, task_id=task_id, kind=kind),
        )
        reply = await within_quota(request, response, principal, lookup)
        return task_object(reply.task, lazy_signer(request))

    @router.delete("/{task_id}", summary=f"Delete a {kind} task and its result")
    async def delete_task(task_id: str, request: Request, principal: Caller) -> dict[str, str]:
        clients = request.app.state.clients
        await clients.call(
            clients.printability.DeleteTask,
            pb.DeleteTaskRequest(owner=principal.user_id, task_id=task_id, kind=kind),
        )
        return {}

    @router.get(
        "/{task_id}/stream",
        summary=f"Stream a {kind} task as Server-Sent Events",
        responses={200: {"content": {"text/event-stream": {}}, "description": "SSE stream of task objects"}},
    )
    async def stream(task_id: str, request: Request, principal: Caller):  # type: ignore[no-untyped-def]
        clients = request.app.state.clients
        sign = url_signer(request)

        async def snapshots() -> AsyncIterator[task_pb2.Task]:
            call = clients.printability.WatchTask(
                pb.WatchTaskRequest(owner=principal.user_id, task_id=task_id), timeout=WATCH_TIMEOUT_S
            )
            async for reply in call:
                if reply.task.kind != kind:
                    raise ApiError(404, "Task not found")
                yield reply.task

        def render(task: task_pb2.Task) -> dict[str, Any]:
            if status_name(task) in ("PENDING", "IN_PROGRESS"):
                return progress_event(task)
            return task_object(task, sign)

        return task_event_stream(snapshots(), render)

    return router


analyze_router = build_router(ANALYZE, "analyze")
repair_router = build_router(REPAIR, "repair")
