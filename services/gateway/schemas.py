"""Pydantic models of the REST bodies, so the served OpenAPI document matches the responses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, StrictBool, model_serializer

from printforge_services.gateway.print_prep_schema import PrintPrep


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail
    message: str


class CreatePrintTaskRequest(BaseModel):
    input_task_id: str | None = Field(
        None,
        description="A SUCCEEDED task you own, takes priority: an analyze/repair task, a generation, chat "
        "result or Makistry job (its latest version, or version N as <id>@v<N>).",
    )
    model_url: str | None = Field(None, description="http(s) or data: URL of the model (max 100 MB).")
    unit: str | None = Field(None, description="Unit of unit-less formats: mm (default), cm, m, in.")
    printer: str | None = Field(
        None, description="Analyze only: printer name for the build-volume check and print-prep."
    )
    material: str | None = Field(
        None, description="Analyze only: PLA, PETG or ABS for print-prep's slicer estimate (default PLA)."
    )
    auto_orient: StrictBool | None = Field(
        None,
        description="Analyze: estimate the print in the least-support orientation. Repair: return the "
        "repaired mesh turned to that orientation.",
    )
    min_wall_mm: float | None = Field(
        None,
        gt=0,
        le=100,
        allow_inf_nan=False,
        description="Repair only: wall, in mm, that zero-volume sheets are thickened to (default 1).",
    )


class CreateTaskResponse(BaseModel):
    result: str = Field(description="The id of the new task.")


class TaskError(BaseModel):
    message: str


class PrintabilityMetrics(BaseModel):
    is_watertight: bool
    volume: float
    non_manifold_edges: int
    degenerate_faces: int
    holes: int


class Printability(BaseModel, extra="allow"):
    """Meshy's printability block. printforge adds `extra` (bodies, size, overhang area, printer fit)
    and, when the request names a printer or material or asks for auto_orient, `print_prep` (thin
    walls, supports, auto-orient, PrusaSlicer's estimate; docs/print-prep.md)."""

    version: str = Field(alias="_version")
    status: str
    issue_count: int | None = None
    error_count: int | None = None
    warning_count: int | None = None
    metrics: PrintabilityMetrics | None = None
    evaluated_at: int
    print_prep: PrintPrep | None = Field(
        None, description="Only when the request named a printer or material or asked for auto_orient."
    )

    # No return annotation on purpose: pydantic would take it for the serialized schema and the
    # OpenAPI document would describe the block as a bare object.
    @model_serializer(mode="wrap")
    def _omit_absent_print_prep(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        """A plain analyze keeps Meshy's shape: no `print_prep: null` key."""
        data = handler(self)
        if data.get("print_prep") is None:
            data.pop("print_prep", None)
        return data


class PrintTaskBase(BaseModel):
    id: str
    type: str
    status: str
    progress: int
    preceding_tasks: int
    created_at: int
    started_at: int
    finished_at: int
    expires_at: int
    task_error: TaskError | None
    consumed_credits: int


class AnalyzeTask(PrintTaskBase):
    printability: Printability | None


class RepairTask(PrintTaskBase):
    model_urls: dict[str, str]
    thumbnail_url: str
    texture_urls: list[str]
    repair: dict[str, Any] | None = Field(None, description="Steps that ran, before/after metrics.")


class ApiKeyOut(BaseModel):
    id: str
    prefix: str
    last_four: str
    name: str
    created_at: int
    last_used_at: int | None
    revoked_at: int | None


class CreatedApiKey(ApiKeyOut):
    key: str = Field(description="The API key itself. Shown once: store it now.")


class CreateApiKeyRequest(BaseModel):
    name: str = ""
