"""The Meshra generation API under /api/v1 (starters, gifts, params, chat, generations) and the
file downloads under /generated/{id}/part.{ext} (see the meshra-api seed).

File URLs in responses keep the seed's shape, /generated/{id}/part.{ext}[?version=N], plus a
`sig` query parameter: an HMAC token (printforge.runtime.signing, the scheme of /v1/files)
binding the owner, generation, format and version named (0: the latest) until an expiry about
an hour away. The seed asks for a key only under /api/v1, so a client may put `glbUrl` straight
into `<model-viewer src=...>`, which sends no header. A request with a valid `sig` is served
without a key; otherwise the route wants the owner's API key as before (401 without one, 403
for another user's generation, 404 for an unknown one). A tampered, foreign or expired `sig`
without a key is 403 with the error envelope. The expiry is rounded up to 10 minutes, so the
URLs of one object stay the same across polls and a viewer's cache keeps working.

Chat generations finish in about 100 ms of server time, but a client polling every 2-3 s as
the seed suggests sees seconds. Two printforge extensions push the end instead:
`GET /api/v1/generations/{id}/stream` (SSE, one event per change of the generation object)
and `GET /api/v1/generations/{id}?wait=S` (a long-poll of up to 30 s). Both ride the
generator's WatchTask, which wakes the moment the version's task row changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from printforge.auth.v1 import auth_pb2
from printforge.generator.v1 import generator_pb2 as pb
from printforge.runtime.signing import InvalidSignature, rounded_expiry, sign_claims, verify_claims
from printforge.runtime.tasks import failure_codes
from printforge_services.gateway.blob_download import stream_blob
from printforge_services.gateway.errors import ApiError
from printforge_services.gateway.principal import Principal, consume, require_principal
from printforge_services.gateway.printability_summary import PrintabilitySummary, printability_summary
from printforge_services.gateway.public_url import public_base_url
from printforge_services.gateway.schemas import ErrorBody
from printforge_services.gateway.sse import envelope_error, event_stream

# A synchronous render (cold worker, a long gift text) can take tens of seconds.
RENDER_TIMEOUT_S = 180.0
# Deadline of a WatchTask stream: a task's own time limit and retries end well before it.
WATCH_TIMEOUT_S = 3600.0
MAX_WAIT_S = 30.0
# The long-poll's WatchTask deadline runs this much past the wait, so the wait ends first.
WAIT_DEADLINE_SLACK_S = 5.0
PROCESSING = "processing"
URL_FIELDS = {"glb": "glbUrl", "step": "stepUrl", "stl": "stlUrl", "3mf": "threeMfUrl", "png": "pngUrl"}
# Signed file URLs: valid at least this long, expiry rounded up to a multiple of the step.
FILE_URL_TTL_S = 3600
FILE_URL_STEP_S = 600
FILE_SIG_PURPOSE = "generated-file"
MEDIA_TYPES = {
    "glb": "model/gltf-binary",
    "step": "model/step",
    "stl": "model/stl",
    "3mf": "model/3mf",
    "png": "image/png",
}

Caller = Annotated[Principal, Depends(require_principal)]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 429, 500)
}

router = APIRouter(prefix="/api/v1", tags=["meshra"], responses=ERRORS)
files_router = APIRouter(tags=["meshra"], responses=ERRORS)


class StarterRequest(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict, description="Overrides of the starter's params.")


class GiftRequest(BaseModel):
    templateId: str = Field(description="Gift template id, e.g. coaster.")
    config: dict[str, Any] = Field(default_factory=dict, description="Values of the gift's params.")


class ParamsRequest(BaseModel):
    params: dict[str, Any] = Field(description="New values, merged over the current ones.")


class ChatRequest(BaseModel):
    prompt: str = Field(description="What to make, or how to change generationId.")
    generationId: str | None = Field(None, description="Refine this generation (makes a new version).")


class ChatAccepted(BaseModel):
    generationId: str
    status: str


class GenerationBody(BaseModel):
    generationId: str
    status: str = Field(description="processing, completed or failed.")
    version: int
    source: str
    templateId: str
    glbUrl: str | None
    stepUrl: str | None
    stlUrl: str | None
    threeMfUrl: str | None
    pngUrl: str | None
    paramManifest: list[dict[str, Any]]
    paramValues: dict[str, Any]
    analysis: dict[str, Any] | None = Field(description="Printability analysis of the STL handed out.")
    printability: PrintabilitySummary | None = Field(
        None, description="printforge extension: status and issues of that analysis; null until completed."
    )
    interpretation: dict[str, Any] | None = Field(None, description="What the planner understood (chat).")
    error: str | None = None
    createdAt: str = Field(description="When this version was created, ISO-8601 UTC with milliseconds.")
    updatedAt: str


def iso8601(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def file_sig(signing_key: bytes, gen: pb.Generation, fmt: str, *, latest: bool, expires: int) -> str:
    """The `sig` of one file URL: binds owner, generation, format and version (0: the latest)."""
    claims = {"o": gen.owner, "g": gen.id, "f": fmt, "v": 0 if latest else gen.version}
    return sign_claims(claims, signing_key, expires=expires, purpose=FILE_SIG_PURPOSE)


def generation_body(gen: pb.Generation, request: Request, *, latest: bool = True) -> dict[str, Any]:
    """The Meshra generation object; file URLs name a version unless it is the latest one."""
    base = public_base_url(request)
    key = request.app.state.settings.signing_key
    expires = rounded_expiry(FILE_URL_TTL_S, FILE_URL_STEP_S)
    version = "" if latest else f"version={gen.version}&"
    urls = {
        name: f"{base}/generated/{gen.id}/part.{fmt}?{version}"
        f"sig={file_sig(key, gen, fmt, latest=latest, expires=expires)}"
        if fmt in gen.files
        else None
        for fmt, name in URL_FIELDS.items()
    }
    return {
        "generationId": gen.id,
        "status": gen.status,
        "version": gen.version,
        "source": gen.source,
        "templateId": gen.template_id,
        **urls,
        "paramManifest": json.loads(gen.param_manifest_json or "[]"),
        "paramValues": json.loads(gen.param_values_json or "{}"),
        "analysis": json.loads(gen.analysis_json) if gen.analysis_json else None,
        "printability": printability_summary(gen),
        "interpretation": _interpretation(gen),
        "error": failure_codes.split(gen.error_message)[1] or None,
        "createdAt": iso8601(gen.created_at_ms),
        "updatedAt": iso8601(gen.updated_at_ms),
    }


def _interpretation(gen: pb.Generation) -> dict[str, Any] | None:
    """The planner's report; for a prompt it did not understand, our `status: not_understood`."""
    if gen.interpretation_json:
        return json.loads(gen.interpretation_json)
    cause, message = failure_codes.split(gen.error_message)
    if cause == failure_codes.NOT_UNDERSTOOD:
        return {"status": cause, "message": message}
    return None


async def _get(request: Request, owner: str, generation_id: str, version: int = 0) -> pb.Generation:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.generator.GetGeneration,
        pb.GetGenerationRequest(owner=owner, generation_id=generation_id, version=version),
    )
    return reply.generation


async def generation_updates(
    request: Request, owner: str, gen: pb.Generation, *, timeout_s: float = WATCH_TIMEOUT_S
) -> AsyncIterator[pb.Generation]:
    """`gen`, then its version again each time it changes, until it is no longer processing.

    The generator's WatchTask on the version's task says when to look: its snapshots arrive on
    every status or progress change, and the task ends only after the version is stored as
    completed or failed, so the re-read that follows a terminal snapshot sees the outcome. A
    version cannot be superseded while it processes (a follow-up is 409 until then), so the
    version watched stays the latest. The gRPC call is cancelled when the consumer goes away.
    """
    yield gen
    if gen.status != PROCESSING or not gen.task_id:
        return
    clients = request.app.state.clients
    call = clients.generator.WatchTask(
        pb.WatchTaskRequest(owner=owner, task_id=gen.task_id), timeout=timeout_s
    )
    last = gen
    try:
        async for _ in call:
            current = await _get(request, owner, gen.id, gen.version)
            if current != last:  # progress alone does not change the Meshra object
                last = current
                yield current
            if current.status != PROCESSING:
                return
    finally:
        call.cancel()


async def _wait_until_finished(
    request: Request, owner: str, gen: pb.Generation, wait_s: float
) -> pb.Generation:
    """The version once it is finished, or as it stands when `wait_s` runs out."""
    last = gen
    updates = generation_updates(request, owner, gen, timeout_s=wait_s + WAIT_DEADLINE_SLACK_S)
    async with contextlib.aclosing(updates):
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait_s):
                async for last in updates:  # noqa: B007 - the last snapshot is the answer
                    pass
    return last


@router.post(
    "/starters/{starter_id}", response_model=GenerationBody, summary="Render a starter (cached per user)"
)
async def create_starter(
    starter_id: str,
    request: Request,
    principal: Caller,
    body: Annotated[StarterRequest | None, Body()] = None,
) -> dict[str, Any]:
    clients = request.app.state.clients
    params = body.params if body is not None else {}
    reply = await clients.call(
        clients.generator.CreateGeneration,
        pb.CreateGenerationRequest(
            owner=principal.user_id, starter_id=starter_id, params_json=json.dumps(params)
        ),
        timeout_s=RENDER_TIMEOUT_S,
    )
    # A cached generation may have been edited since: its URLs name the version returned.
    return generation_body(reply.generation, request, latest=not reply.cached)


@router.post("/gifts", response_model=GenerationBody, summary="Render a gift template")
async def create_gift(body: GiftRequest, request: Request, principal: Caller) -> dict[str, Any]:
    clients = request.app.state.clients
    gift = pb.GiftSource(template_id=body.templateId, config_json=json.dumps(body.config))
    reply = await clients.call(
        clients.generator.CreateGeneration,
        pb.CreateGenerationRequest(owner=principal.user_id, gift=gift),
        timeout_s=RENDER_TIMEOUT_S,
    )
    return generation_body(reply.generation, request, latest=not reply.cached)


@router.post(
    "/generations/{generation_id}/params",
    response_model=GenerationBody,
    summary="Re-render with new param values (bumps the version)",
)
async def update_params(
    generation_id: str, body: ParamsRequest, request: Request, principal: Caller
) -> dict[str, Any]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.generator.UpdateGenerationParams,
        pb.UpdateGenerationParamsRequest(
            owner=principal.user_id, generation_id=generation_id, params_json=json.dumps(body.params)
        ),
        timeout_s=RENDER_TIMEOUT_S,
    )
    return generation_body(reply.generation, request)


VersionQuery = Annotated[int, Query(ge=1, description="A past version; the latest when omitted.")]


@router.get("/generations/{generation_id}", response_model=GenerationBody, summary="Poll a generation")
async def get_generation(
    generation_id: str,
    request: Request,
    principal: Caller,
    version: VersionQuery | None = None,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=MAX_WAIT_S,
            description="printforge extension: long-poll, answering as soon as the generation is "
            f"completed or failed, or after this many seconds (max {MAX_WAIT_S:g}).",
        ),
    ] = 0,
) -> dict[str, Any]:
    gen = await _get(request, principal.user_id, generation_id, version or 0)
    if wait > 0 and gen.status == PROCESSING:
        gen = await _wait_until_finished(request, principal.user_id, gen, wait)
    return generation_body(gen, request, latest=version is None)


@router.get(
    "/generations/{generation_id}/stream",
    summary="Stream a generation as Server-Sent Events (printforge extension)",
    description="Each `message` event carries the object GET /api/v1/generations/{id} returns, "
    "one per change, the last one completed or failed; a finished generation sends one event. "
    "A failure after the stream started ends it with an `error` event holding the error envelope.",
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE stream of generations"}},
)
async def stream_generation(
    generation_id: str, request: Request, principal: Caller, version: VersionQuery | None = None
) -> EventSourceResponse:
    # Read before streaming, so 403/404 are HTTP errors and not events.
    gen = await _get(request, principal.user_id, generation_id, version or 0)

    async def bodies() -> AsyncIterator[dict[str, Any]]:
        async for current in generation_updates(request, principal.user_id, gen):
            yield generation_body(current, request, latest=version is None)

    return event_stream(bodies(), envelope_error)


@router.get(
    "/generations/{generation_id}/versions",
    response_model=list[GenerationBody],
    summary="Every version of a generation, oldest first",
)
async def list_versions(generation_id: str, request: Request, principal: Caller) -> list[dict[str, Any]]:
    clients = request.app.state.clients
    reply = await clients.call(
        clients.generator.ListGenerationVersions,
        pb.ListGenerationVersionsRequest(owner=principal.user_id, generation_id=generation_id),
    )
    latest = max((v.version for v in reply.versions), default=0)
    return [generation_body(v, request, latest=v.version == latest) for v in reply.versions]


@router.post("/chat", response_model=ChatAccepted, status_code=202, summary="Generate from a prompt (async)")
async def chat(body: ChatRequest, request: Request, response: Response, principal: Caller) -> dict[str, str]:
    await consume(request, response, principal, auth_pb2.QUOTA_BUCKET_CHAT)
    clients = request.app.state.clients
    source = pb.ChatSource(prompt=body.prompt, generation_id=body.generationId or "")
    reply = await clients.call(
        clients.generator.CreateGeneration, pb.CreateGenerationRequest(owner=principal.user_id, chat=source)
    )
    return {"generationId": reply.generation.id, "status": reply.generation.status}


async def _signed_owner(request: Request, sig: str, generation_id: str, fmt: str, version: int | None) -> str:
    """The owner a valid `sig` vouches for, for this very file; ApiError 403 otherwise."""
    try:
        claims = verify_claims(sig, request.app.state.settings.signing_key, purpose=FILE_SIG_PURPOSE)
    except InvalidSignature as exc:
        raise ApiError(403, str(exc), "invalid_signature") from None
    if (claims.get("g"), claims.get("f"), claims.get("v")) != (generation_id, fmt, version or 0):
        raise ApiError(403, "the download signature is for another file", "invalid_signature")
    return str(claims["o"])


async def _download_owner(
    request: Request, response: Response, sig: str | None, generation_id: str, fmt: str, version: int | None
) -> tuple[str, bool]:
    """Whose generation to read, and whether a signature (not a key) vouched for it.

    A valid `sig` vouches for its owner, else the caller's API key decides as before. A request
    carrying both is served if either holds, so a Meshra client that keeps sending its key is
    never refused over an expired link.
    """
    if sig is not None:
        try:
            return await _signed_owner(request, sig, generation_id, fmt, version), True
        except ApiError:
            if "authorization" not in request.headers:
                raise
    return (await require_principal(request, response)).user_id, False


@files_router.get(
    "/generated/{generation_id}/{filename}",
    summary="Download a generated file (part.glb, part.step, part.stl, part.3mf, part.png)",
    description="Open with the `sig` that the generation object's URLs carry (no key needed), "
    "or with the owner's API key in `Authorization: Bearer`.",
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}},
)
async def download(
    generation_id: str,
    filename: str,
    request: Request,
    response: Response,
    version: Annotated[int, Query(ge=1)] | None = None,
    sig: Annotated[str | None, Query(description="Signature from a generation object's URL.")] = None,
) -> Response:
    stem, _, fmt = filename.partition(".")
    if stem != "part" or fmt not in MEDIA_TYPES:
        raise ApiError(404, f"no file {filename!r}; expected part.{{{','.join(MEDIA_TYPES)}}}")
    owner, signed = await _download_owner(request, response, sig, generation_id, fmt, version)
    gen = await _get(request, owner, generation_id, version or 0)
    key = gen.files.get(fmt)
    if key is None:
        raise ApiError(
            404, f"generation {generation_id} version {gen.version} has no {fmt} file ({gen.status})"
        )
    headers = {k: v for k, v in response.headers.items() if k.startswith("ratelimit-")}
    headers["Content-Disposition"] = f'attachment; filename="{generation_id}-v{gen.version}.{fmt}"'
    if signed:
        # A signed URL is its own credential (no cookies, no key), so any page may load it,
        # e.g. a <model-viewer> or three.js viewer on the client's own origin.
        headers["Access-Control-Allow-Origin"] = "*"
    return await stream_blob(request.app.state.blobs, key, MEDIA_TYPES[fmt], headers)
