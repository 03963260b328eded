"""Turn a create request (model_url or input_task_id) into bytes ready for a worker.

The Meshy seeds decide the status codes, so the checks happen at creation time: a bad,
unsafe or oversized URL is a 400 before any task exists; input_task_id must be a UUID of a
SUCCEEDED task of the caller (analyze answers 403 for another user's task, repair 404).
An analyze of an analyzed task reuses its printability only when unit and printer match,
since both change the report (volume scale, build-volume fit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from printforge.runtime.blobs import BlobStore
from printforge.runtime.config import describe_bytes
from printforge.runtime.safe_fetch import FetchError, FileTooLargeError, fetch_url
from printforge.runtime.tasks.model import SUCCEEDED
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.url_policy import AddressPolicy, UnsafeURLError
from services.printability.printers import lookup_printer
from services.printability.store import ANALYZE, REPAIR

# A .zip holds one model and the files it refers to (a .gltf and its .bin buffers): see mesh_io/archive.py.
ANALYZE_EXTENSIONS = frozenset({".glb", ".gltf", ".obj", ".fbx", ".stl", ".ply", ".off", ".3mf", ".zip"})
REPAIR_EXTENSIONS = frozenset({".glb", ".stl", ".obj"})
UNITS = ("mm", "cm", "m", "in")

_MIME_EXTENSIONS = {
    "model/stl": ".stl",
    "application/sla": ".stl",
    "model/x.stl-binary": ".stl",
    "model/gltf-binary": ".glb",
    "model/gltf+json": ".gltf",
    "model/obj": ".obj",
    "model/3mf": ".3mf",
    "application/vnd.ms-package.3dmanufacturing-3dmodel+xml": ".3mf",
    "application/ply": ".ply",
    "application/zip": ".zip",
}
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


def too_large_message(max_bytes: int) -> str:
    """The seeds' 400 "Model file too large: model_url body exceeded 100 MB" (the gateway says it too)."""
    return f"Model file too large: model_url body exceeded {describe_bytes(max_bytes)}"


def _filename_for(fetched_filename: str, content_type: str | None) -> str:
    """Data URLs carry no file name: derive the extension from the MIME type, else let the loader sniff."""
    if "." in fetched_filename:
        return fetched_filename
    ext = _MIME_EXTENSIONS.get((content_type or "").split(";")[0].strip().lower(), "")
    return f"model{ext}"


async def resolve_input(
    *,
    kind: str,
    owner: str,
    model_url: str,
    input_task_id: str,
    store: TaskStore,
    blobs: BlobStore,
    max_bytes: int,
    unit: str = "mm",
    printer: str = "",
    address_policy: AddressPolicy | None = None,
) -> ResolvedInput:
    """The input of a new task; input_task_id takes priority over model_url (the analyze seed)."""
    if input_task_id:
        return _from_task(kind, owner, input_task_id, store, blobs, unit=unit, printer=printer)
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
    blobs.put(key, fetched.data)
    shown_url = "data:" if model_url.startswith("data:") else model_url
    return ResolvedInput(key, filename, {"model_url": shown_url, "size_bytes": len(fetched.data)})


def _check_self_contained(filename: str, data: bytes, max_bytes: int) -> None:
    """400 for an upload that cannot be read alone: a .gltf whose buffers are separate files, or a
    .zip that is not one model with its files within the size limit (checked from its directory,
    nothing is inflated here)."""
    from services.printability.mesh_io import MeshLoadError, archive, gltf, zip_limits

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


def _same_settings(source_input: dict[str, Any], unit: str, printer: str) -> bool:
    """Whether an analysis made with `source_input` answers a request for `unit` and `printer`."""
    same_unit = (source_input.get("unit") or "mm") == unit
    return same_unit and _printer_key(source_input.get("printer") or "") == _printer_key(printer)


def _from_task(
    kind: str, owner: str, task_id: str, store: TaskStore, blobs: BlobStore, *, unit: str, printer: str
) -> ResolvedInput:
    try:
        uuid.UUID(task_id)
    except ValueError:
        raise InputError(400, f"Invalid UUID: input_task_id {task_id!r} is not a valid UUID") from None
    source = store.get(task_id)
    if source is None:
        raise InputError(404, "Task not found")
    if source.owner != owner:
        # The analyze seed answers 403 for another user's task; the repair seed 404.
        if kind == ANALYZE:
            raise InputError(403, "The task is owned by a different user")
        raise InputError(404, "Task not found")
    if source.status != SUCCEEDED:
        raise InputError(400, f"Task not succeeded: the referenced task is {source.status}")
    if kind == REPAIR or source.kind == REPAIR:
        key = (source.result or {}).get("model_blobs", {}).get("glb")
        if not key or not blobs.exists(key):
            raise InputError(400, "Missing GLB: the referenced task has no GLB asset to repair")
        return ResolvedInput(key, "model.glb", {"input_task_id": task_id})
    key = source.input.get("blob_key", "")
    if not key or not blobs.exists(key):
        raise InputError(404, "The underlying model file is no longer available in storage")
    reusable = source.kind == ANALYZE and _same_settings(source.input, unit, printer)
    cached = source.result if reusable else None
    return ResolvedInput(key, source.input.get("filename", "model"), {"input_task_id": task_id}, cached)
