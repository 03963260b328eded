"""resolve_input for uploads that cannot be read alone: a .gltf with external buffers is refused at
creation unless it arrives zipped with them; a zip must be one model within the size limit."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from printforge.runtime.blobs import DirectoryBlobStore
from printforge_services.printability.inputs import InputError, resolve_input
from printforge_services.printability.store import ANALYZE
from tests.printability.test_mesh_io_sources import gltf_files, zipped


def data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


async def resolve(url: str, tmp_path: Path, max_bytes: int = 10 << 20):
    return await resolve_input(
        kind=ANALYZE,
        owner="u1",
        model_url=url,
        input_task_id="",
        store=None,  # type: ignore[arg-type]  # only input_task_id reads the store and the parts
        blobs=DirectoryBlobStore(tmp_path),
        parts=None,  # type: ignore[arg-type]
        max_bytes=max_bytes,
    )


async def test_gltf_with_an_external_buffer_is_refused_with_what_to_send(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        await resolve(data_url("model/gltf+json", gltf_files()["model.gltf"]), tmp_path)
    assert info.value.status == 400
    assert "external file 'gltf_buffer_0.bin'" in str(info.value)
    assert "upload a .glb, or a .zip holding the .gltf and its buffers" in str(info.value)


async def test_gltf_with_embedded_buffers_is_accepted(tmp_path: Path) -> None:
    files = gltf_files()
    doc = json.loads(files["model.gltf"])
    for buffer in doc["buffers"]:
        buffer["uri"] = data_url("application/octet-stream", files[buffer["uri"]])
    resolved = await resolve(data_url("model/gltf+json", json.dumps(doc).encode()), tmp_path)
    assert resolved.filename == "model.gltf"


async def test_zip_of_the_gltf_and_its_buffers_is_accepted(tmp_path: Path) -> None:
    resolved = await resolve(data_url("application/zip", zipped(gltf_files())), tmp_path)
    assert resolved.filename == "model.zip"
    assert (tmp_path / resolved.blob_key).exists()


async def test_zip_bomb_is_refused_at_the_model_size_limit(tmp_path: Path) -> None:
    bomb = zipped({"model.stl": b" " * (2 << 20)})
    with pytest.raises(InputError, match=r"decompresses to more than 1048576 bytes") as info:
        await resolve(data_url("application/zip", bomb), tmp_path, max_bytes=1 << 20)
    assert info.value.status == 400


async def test_zip_without_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="exactly one model file"):
        await resolve(data_url("application/zip", zipped({"notes.txt": b"hello"})), tmp_path)
