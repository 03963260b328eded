"""The Makistry generation API: async text-to-CAD and image-to-CAD jobs under /v1 (see the seed).

Submitting answers 202 with the job at once; the part renders in the generator service and the
client polls `GET /v1/jobs/{job_id}` (or registers a webhook, /api/v1/webhooks) until `success`
or `failed`. Text-to-CAD draws on the same 50-per-day budget as Meshra chat; image-to-CAD is
deterministic (no language model) and only counts against the per-minute request limit.
As a printforge extension, `GET /v1/jobs/{job_id}/stream` pushes the job object over SSE
instead (the same WatchTask-driven updates as the Meshra generation stream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, ValidationError
from sse_starlette.sse import EventSourceResponse
from starlette.datastructures import UploadFile

from printforge.auth.v1 import auth_pb2
from printforge.generator.v1 import generator_pb2 as pb
from printforge.runtime.safe_fetch import FetchError, decode_data_url
from printforge.runtime.url_policy import DataTarget, UnsafeURLError, validate_url
from printforge_services.gateway.errors import ApiError
from printforge_services.gateway.makistry_views import (
    JOB_SOURCES,
    BadOutputFormat,
    job_object,
    parse_output_format,
)
from printforge_services.gateway.principal import Principal, consume, require_principal
from printforge_services.gateway.printability_summary import PrintabilitySummary
from printforge_services.gateway.routes.files import url_signer
from printforge_services.gateway.routes.generations import generation_updates
from printforge_services.gateway.schemas import ErrorBody
from printforge_services.gateway.sse import envelope_error, event_stream

MAX_PROMPT_CHARS = 4000
MAX_IMAGE_BYTES = 10 * 2**20
MAX_PAGE_SIZE = 50
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

router = APIRouter(
    prefix="/v1",
    tags=["makistry-jobs"],
    responses={code: {"model": ErrorBody} for code in (400, 401, 404, 429, 500, 503)},
)
Caller = Annotated[Principal, Depends(require_principal)]


class TextToCadRequest(BaseModel):
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, description="What to model, in words.")
    output_format: str | None = Field(None, description="STEP (default), STL, GLB or 3MF.")


class ImageToCadJson(BaseModel):
    image_url: str = Field(description="The PNG or JPEG as a data: URL (max 10 MB).")
    kind: str = Field("", description="keychain, stencil, cookie_cutter or lithophane (generator default).")
    width_mm: float = Field(0.0, ge=0, le=1000, description="Width of the part; 0 = the generator default.")
    output_format: str | None = Field(None, description="STEP (default), STL, GLB or 3MF.")


class Job(BaseModel):
    job_id: str
    type: str
    status: str = Field(description="processing, success or failed.")
    output_format: str
    download_url: str | None = Field(description="Signed URL (1 hour) of the file in output_format.")
    download_urls: dict[str, str] = Field(description="Signed URLs of every format produced.")
    error_code: str | None
    error_message: str | None
    created_at: str | None
    updated_at: str | None
    printability: PrintabilitySummary | None = Field(
        None, description="printforge extension: status and issues of the part's check; null until success."
    )


class JobList(BaseModel):
    jobs: list[Job]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


def _format(value: str | None) -> str:
    try:
        return parse_output_format(value).lower()
    except BadOutputFormat as exc:
        raise ApiError(400, str(exc), "invalid_output_format") from None


async def _create(request: Request, generation_request: pb.CreateGenerationRequest) -> dict[str, Any]:
    clients = request.app.state.clients
    reply = await clients.call(clients.generator.CreateGeneration, generation_request)
    return job_object(reply.generation, url_signer(request))


@router.post("/text-to-cad", response_model=Job, status_code=202, summary="Submit a text-to-CAD job")
async def text_to_cad(
    body: TextToCadRequest, request: Request, response: Response, principal: Caller
) -> dict[str, Any]:
    output_format = _format(body.output_format)
    await consume(request, response, principal, auth_pb2.QUOTA_BUCKET_CHAT)
    return await _create(
        request,
        pb.CreateGenerationRequest(
            owner=principal.user_id, chat=pb.ChatSource(prompt=body.prompt), output_format=output_format
        ),
    )


def _check_image(data: bytes) -> bytes:
    if not data:
        raise ApiError(400, "the image is empty", "invalid_image")
    if len(data) > MAX_IMAGE_BYTES:
        raise ApiError(400, f"the image is larger than {MAX_IMAGE_BYTES} bytes", "image_too_large")
    if not data.startswith(_IMAGE_MAGIC):
        raise ApiError(400, "the image must be a PNG or JPEG file", "invalid_image")
    return data


def _decode_image_url(url: str) -> bytes:
    try:
        target = validate_url(url, None)
        if not isinstance(target, DataTarget):
            raise ApiError(
                400,
                "image_url must be a data: URL (data:image/png;base64,...); or upload the file as multipart",
                "invalid_image_url",
            )
        return decode_data_url(target, MAX_IMAGE_BYTES).data
    except (UnsafeURLError, FetchError) as exc:
        raise ApiError(400, f"invalid image_url: {exc}", "invalid_image_url") from None


async def _image_params(request: Request) -> tuple[bytes, str, float, str | None]:
    """(image bytes, kind, width_mm, output_format) from a multipart upload or a JSON body."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=8) as form:
            upload = form.get("image")
            if not isinstance(upload, UploadFile):
                raise ApiError(
                    400, "multipart body needs the file in a part named 'image'", "missing_parameter"
                )
            data = await upload.read(MAX_IMAGE_BYTES + 1)
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            params = ImageToCadJson.model_validate({**fields, "image_url": "upload"})
        except ValidationError as exc:
            raise ApiError(400, _first_error(exc), "invalid_request") from None
        return data, params.kind, params.width_mm, params.output_format
    if content_type.startswith("application/json"):
        try:
            params = ImageToCadJson.model_validate_json(await request.body())
        except ValidationError as exc:
            raise ApiError(400, _first_error(exc), "invalid_request") from None
        return _decode_image_url(params.image_url), params.kind, params.width_mm, params.output_format
    raise ApiError(
        400, "send the image as multipart/form-data (part 'image') or JSON with image_url", "invalid_request"
    )


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


@router.post(
    "/image-to-cad",
    response_model=Job,
    status_code=202,
    summary="Submit an image-to-CAD job (multipart 'image' part, or JSON with a data: URL)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["image"],
                        "properties": {
                            "image": {"type": "string", "format": "binary"},
                            "kind": {"type": "string"},
                            "width_mm": {"type": "number"},
                            "output_format": {"type": "string"},
                        },
                    }
                },
                "application/json": {"schema": ImageToCadJson.model_json_schema()},
            },
        }
    },
)
async def image_to_cad(request: Request, principal: Caller) -> dict[str, Any]:
    data, kind, width_mm, fmt = await _image_params(request)
    output_format = _format(fmt)
    image = pb.ImageSource(image=_check_image(data), kind=kind, width_mm=width_mm)
    return await _create(
        request, pb.CreateGenerationRequest(owner=principal.user_id, image=image, output_format=output_format)
    )


async def _job_generation(request: Request, owner: str, job_id: str) -> pb.Generation:
    """The generation behind a job; a starter, gift or chat generation is no job (404)."""
    clients = request.app.state.clients
    reply = await clients.call(
        clients.generator.GetGeneration, pb.GetGenerationRequest(owner=owner, generation_id=job_id)
    )
    if reply.generation.source not in JOB_SOURCES:
        raise ApiError(404, f"No job with id {job_id} exists.", "job_not_found")
    return reply.generation


@router.get("/jobs/{job_id}", response_model=Job, summary="Poll a job")
async def get_job(job_id: str, request: Request, principal: Caller) -> dict[str, Any]:
    gen = await _job_generation(request, principal.user_id, job_id)
    return job_object(gen, url_signer(request))


@router.get(
    "/jobs/{job_id}/stream",
    summary="Stream a job as Server-Sent Events (printforge extension)",
    description="Each `message` event carries the job object GET /v1/jobs/{job_id} returns, one per "
    "change, the last one success or failed; a finished job sends one event. A failure after the "
    "stream started ends it with an `error` event holding the error envelope.",
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE stream of jobs"}},
)
async def stream_job(job_id: str, request: Request, principal: Caller) -> EventSourceResponse:
    gen = await _job_generation(request, principal.user_id, job_id)  # 404 as HTTP, not as an event
    sign = url_signer(request)

    async def jobs() -> AsyncIterator[dict[str, Any]]:
        async for current in generation_updates(request, principal.user_id, gen):
            yield job_object(current, sign)

    return event_stream(jobs(), envelope_error)


@router.get("/jobs", response_model=JobList, summary="List your jobs, newest first")
async def list_jobs(
    request: Request,
    principal: Caller,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Jobs per page, max 50.")] = 20,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page.")] = None,
) -> dict[str, Any]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.generator.ListGenerations,
        pb.ListGenerationsRequest(
            owner=principal.user_id, sources=list(JOB_SOURCES), page_size=limit, page_token=cursor or ""
        ),
    )
    sign = url_signer(request)
    return {
        "jobs": [job_object(g, sign) for g in reply.generations],
        "next_cursor": reply.next_page_token or None,
    }
