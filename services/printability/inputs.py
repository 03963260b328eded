"""Turn a create request (model_url or input_task_id) into bytes ready for a worker.

The Meshy seeds decide the status codes, so the checks happen at creation time: a bad,
unsafe or oversized URL is a 400 before any task exists; input_task_id must be a UUID of a
SUCCEEDED task of the caller. It names a printability task or, asked of the generator over
gRPC (generated_parts.py), a generation: a Meshra generation, chat result or Makistry job, at
its latest version, or at version N written `<generation id>@v<N>`. Another user's id answers
404 "Task not found" exactly as an unknown id does, for analyze too (the analyze seed's 403
would tell a caller which ids exist).

An analyze of an analyzed task reuses its printability only when unit, printer and the print-prep
settings (material, auto_orient) match, since each changes the report (volume scale, build-volume
fit, print_prep); a generation's own check (mm, no printer, no print-prep) is reused the same
way. A generated part is millimetres whatever unit the request says; repair reads its GLB, so the
repaired model is a GLB (the repair seed).

Blob and database calls block, so they run in threads: the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from printforge.runtime.blobs import BlobStore
from printforge.runtime.config import describe_bytes
from printforge.runtime.mesh_media_types import suffix_for
from printforge.runtime.safe_fetch import FetchError, FileTooLargeError, fetch_url
from printforge.runtime.tasks.model import SUCCEEDED, Task
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.url_policy import AddressPolicy, UnsafeURLError
from printforge_services.printability.generated_parts import (
    GeneratedParts,
    GeneratorUnavailable,
    PartNotFound,
)
from printforge_services.printability.printers import lookup_printer
from printforge_services.printability.store import ANALYZE, REPAIR

log = logging.getLogger(__name__)

# A .zip holds one model and the files it refers to (a .gltf and its .bin buffers): see mesh_io/archive.py.
ANALYZE_EXTENSIONS = frozenset({".glb", ".gltf", ".obj", ".fbx", ".stl", ".ply", ".off", ".3mf", ".zip"})
REPAIR_EXTENSIONS = frozenset({".glb", ".stl", ".obj"})
UNITS = ("mm", "cm", "m", "in")

NOT_FOUND = "Task not found"
MISSING_GLB = "Missing GLB: the referenced task has no GLB asset to repair"
NO_LONGER_STORED = "The underlying model file is no longer available in storage"

#: A .gltf up to this size is checked for external buffers when the task is created. One that refers
#: to external buffers holds only JSON and is small; a larger one embeds its buffers, and the worker
#: refuses it with the same message if it does not (parsing 100 MB of JSON is no job for the service).
GLTF_CHECK_BYTES = 4 << 20


class InputError(Exception):
    """A request the caller must fix; `status` is the HTTP status the seed prescribes."""

    def __init__(self, status: int, message: str, reason: str = "INVALID_INPUT") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ResolvedInput:
    blob_key: str
    filename: str
    description: dict[str, Any]
    # The source task's printability, when analyzing an already analyzed task (ready at once).
    cached_result: dict[str, Any] | None = None
    # The unit the file is known to be in (a generated part: mm); None keeps the request's.
    unit: str | None = None


def too_large_message(max_bytes: int) -> str:
    """The seeds' 400 "Model file too large: model_url body exceeded 100 MB" (the gateway says it too)."""
    return f"Model file too large: model_url body exceeded {describe_bytes(max_bytes)}"


def _filename_for(fetched_filename: str, content_type: str | None) -> str:
    """Data URLs carry no file name: derive the extension from the MIME type, else let the loader sniff."""
    if "." in fetched_filename:
        return fetched_filename
    return f"model{suffix_for(content_type)}"


async def resolve_input(
    *,
    kind: str,
    owner: str,
    model_url: str,
    input_task_id: str,
    store: TaskStore,
    blobs: BlobStore,
    parts: GeneratedParts,
    max_bytes: int,
    unit: str = "mm",
    printer: str = "",
    material: str = "",
    auto_orient: bool = False,
    address_policy: AddressPolicy | None = None,
) -> ResolvedInput:
    """The input of a new task; input_task_id takes priority over model_url (the analyze seed)."""
    if input_task_id:
        prep = (material, auto_orient)
        return await _from_task(
            kind, owner, input_task_id, store, blobs, parts, unit=unit, printer=printer, prep=prep
        )
    if not model_url:
        raise InputError(400, "Missing parameter: provide either input_task_id or model_url")
    allowed = ANALYZE_EXTENSIONS if kind == ANALYZE else REPAIR_EXTENSIONS
    kwargs: dict[str, Any] = {"allowed_extensions": allowed, "max_bytes": max_bytes}
    if address_policy is not None:
        kwargs["policy"] = address_policy
    try:
        fetched = await fetch_url(model_url, **kwargs)
    except UnsafeURLError as exc:
        raise InputError(400, f"Invalid model URL: {exc}") from None
    except FileTooLargeError:
        raise InputError(400, too_large_message(max_bytes), "MODEL_FILE_TOO_LARGE") from None
    except FetchError as exc:
        raise InputError(400, f"Cannot fetch model_url: {exc}") from None
    filename = _filename_for(fetched.filename, fetched.content_type)
    if kind == ANALYZE:
        _check_self_contained(filename, fetched.data, max_bytes)
    key = f"{kind}/inputs/{uuid.uuid4().hex}/{filename}"
    await asyncio.to_thread(blobs.put, key, fetched.data)
    shown_url = "data:" if model_url.startswith("data:") else model_url
    return ResolvedInput(key, filename, {"model_url": shown_url, "size_bytes": len(fetched.data)})


def _check_self_contained(filename: str, data: bytes, max_bytes: int) -> None:
    """400 for an upload that cannot be read alone: a .gltf whose buffers are separate files, or a
    .zip that is not one model with its files within the size limit (checked from its directory,
    nothing is inflated here)."""
    from printforge_services.printability.mesh_io import MeshLoadError, archive, gltf, zip_limits

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        if ext == "gltf" and len(data) <= GLTF_CHECK_BYTES:
            try:
                doc = gltf.parse_document(data)
            except MeshLoadError:
                return  # not JSON at all: the worker fails the task and says where
            for uri in gltf.external_buffers(doc):
                raise MeshLoadError(gltf.external_buffer_message(uri))
        elif ext == "zip":
            with zip_limits.open_checked(data, max_bytes, "zip upload") as zipped:
                archive.model_member([i.filename for i in zipped.infolist() if not i.is_dir()])
    except MeshLoadError as exc:
        raise InputError(400, f"Invalid model file: {exc}") from None


def _printer_key(name: str) -> str:
    """The printer's canonical name ("x1c" and "Bambu X1C" are one printer), "" for none."""
    if not name:
        return ""
    try:
        return lookup_printer(name).name
    except ValueError:
        return name


def _same_settings(source_input: dict[str, Any], unit: str, printer: str, prep: tuple[str, bool]) -> bool:
    """Whether an analysis made with `source_input` answers a request for `unit`, `printer` and the
    print-prep settings `prep` = (material, auto_orient): both change the print_prep object."""
    same_unit = (source_input.get("unit") or "mm") == unit
    same_prep = ((source_input.get("material") or ""), bool(source_input.get("auto_orient"))) == prep
    same_printer = _printer_key(source_input.get("printer") or "") == _printer_key(printer)
    return same_unit and same_printer and same_prep


#: `<generation id>@v<N>`: version N of a generation (the id alone names its latest version).
_VERSIONED = re.compile(r"(?P<id>[^@]+)@v(?P<version>[1-9][0-9]{0,8})")
#: A generation's status as the Meshy seeds spell a task's.
_TASK_STATUS = {"processing": "IN_PROGRESS", "completed": SUCCEEDED, "failed": "FAILED"}


def parse_input_task_id(value: str) -> tuple[str, int | None]:
    """(id, version or None); InputError 400 unless the id is a UUID, optionally `@v<N>` (N >= 1)."""
    match = _VERSIONED.fullmatch(value)
    task_id, version = (match["id"], int(match["version"])) if match else (value, None)
    try:
        uuid.UUID(task_id)
    except ValueError:
        raise InputError(
            400,
            f"Invalid UUID: input_task_id {value!r} is not a valid UUID (a generation's version: <id>@v<N>)",
        ) from None
    return task_id, version


async def _from_task(
    kind: str,
    owner: str,
    input_task_id: str,
    store: TaskStore,
    blobs: BlobStore,
    parts: GeneratedParts,
    *,
    unit: str,
    printer: str,
    prep: tuple[str, bool],
) -> ResolvedInput:
    task_id, version = parse_input_task_id(input_task_id)
    if version is None:  # only generations have versions
        source = await asyncio.to_thread(store.get, task_id, owner=owner)
        if source is not None:
            return await _from_printability_task(kind, source, blobs, unit=unit, printer=printer, prep=prep)
    return await _from_generation(
        kind, owner, task_id, version or 0, blobs, parts, printer=printer, prep=prep
    )


async def _from_printability_task(
    kind: str, source: Task, blobs: BlobStore, *, unit: str, printer: str, prep: tuple[str, bool]
) -> ResolvedInput:
    if source.status != SUCCEEDED:
        raise InputError(400, f"Task not succeeded: the referenced task is {source.status}")
    description = {"input_task_id": source.id}
    if kind == REPAIR or source.kind == REPAIR:
        key = (source.result or {}).get("model_blobs", {}).get("glb")
        if not key or not await asyncio.to_thread(blobs.exists, key):
            raise InputError(400, MISSING_GLB)
        return ResolvedInput(key, "model.glb", description)
    key = source.input.get("blob_key", "")
    if not key or not await asyncio.to_thread(blobs.exists, key):
        raise InputError(404, NO_LONGER_STORED)
    reusable = source.kind == ANALYZE and _same_settings(source.input, unit, printer, prep)
    cached = source.result if reusable else None
    return ResolvedInput(key, source.input.get("filename", "model"), description, cached)


async def _from_generation(
    kind: str,
    owner: str,
    generation_id: str,
    version: int,
    blobs: BlobStore,
    parts: GeneratedParts,
    *,
    printer: str,
    prep: tuple[str, bool],
) -> ResolvedInput:
    """A generation's STL (analyze: the file its own check measured) or GLB (repair, per the seed)."""
    try:
        part = await parts.part_mesh(owner, generation_id, version, "glb" if kind == REPAIR else "stl")
    except PartNotFound as exc:
        raise InputError(404, NOT_FOUND if exc.unknown else f"{NOT_FOUND}: {exc}") from None
    except GeneratorUnavailable as exc:
        # The cause names internal addresses: it goes to the log, not to the caller.
        log.warning(
            "resolving input_task_id failed", extra={"input_task_id": generation_id, "error": str(exc)}
        )
        raise InputError(
            503, "input_task_id could not be resolved now; retry later", "GENERATOR_UNAVAILABLE"
        ) from None
    status = _TASK_STATUS.get(part.status, part.status.upper())
    if status != SUCCEEDED:
        raise InputError(400, f"Task not succeeded: the referenced task is {status}")
    stored = bool(part.blob_key) and await asyncio.to_thread(blobs.exists, part.blob_key)
    if not stored:
        raise InputError(400, MISSING_GLB) if kind == REPAIR else InputError(404, NO_LONGER_STORED)
    description = {"input_task_id": generation_id, "version": part.version}
    cached = None
    if kind == ANALYZE and not printer and prep == ("", False) and part.printability is not None:
        cached = {"printability": part.printability}
    return ResolvedInput(part.blob_key, part.filename, description, cached, unit=part.unit)
