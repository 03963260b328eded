"""Files a model refers to: a glTF's external buffers from the CLI's directory (and nowhere else),
and from an uploaded zip that holds the .gltf with them (size-checked before anything inflates)."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
import trimesh

from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import MeshLoadError, load_mesh, zip_limits
from printforge_services.printability.mesh_io.siblings import directory_siblings
from tests.cli.test_cmd_analyze import printforge


def gltf_files() -> dict[str, bytes]:
    """A .gltf and its external buffers as trimesh writes them: model.gltf, gltf_buffer_0.bin, ..._1.bin."""
    return trimesh.creation.box(extents=(0.01, 0.02, 0.03)).export(file_type="gltf")


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def with_buffer_uri(files: dict[str, bytes], uri: str) -> bytes:
    doc = json.loads(files["model.gltf"])
    doc["buffers"][0]["uri"] = uri
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("../secret.bin", "outside the model's directory"),
        ("/etc/passwd", "outside the model's directory"),
        ("sub/../../secret.bin", "outside the model's directory"),
        ("http://127.0.0.1:9/x.bin", "is a URL"),
        ("file:///etc/passwd", "is a URL"),
        ("missing.bin", "cannot be read"),
    ],
)
def test_referenced_files_stay_in_the_directory(tmp_path: Path, uri: str, message: str) -> None:
    inside = tmp_path / "model"
    inside.mkdir()
    (tmp_path / "secret.bin").write_bytes(b"\0" * 1000)
    get = directory_siblings(inside)
    with pytest.raises(MeshLoadError, match=message):
        get(uri)
    with pytest.raises(MeshLoadError, match=message):
        load_mesh(with_buffer_uri(gltf_files(), uri), "model.gltf", directory=inside)


def test_a_symlink_out_of_the_directory_is_refused(tmp_path: Path) -> None:
    inside = tmp_path / "model"
    inside.mkdir()
    (tmp_path / "secret.bin").write_bytes(b"x")
    os.symlink(tmp_path / "secret.bin", inside / "link.bin")
    with pytest.raises(MeshLoadError, match="links outside"):
        directory_siblings(inside)("link.bin")


def test_buffer_in_a_subdirectory_with_an_escaped_name(tmp_path: Path) -> None:
    files = gltf_files()
    (tmp_path / "buffers").mkdir()
    (tmp_path / "buffers" / "my box.bin").write_bytes(files["gltf_buffer_0.bin"])
    (tmp_path / "gltf_buffer_1.bin").write_bytes(files["gltf_buffer_1.bin"])
    data = with_buffer_uri(files, "buffers/my%20box.bin")
    mesh = load_mesh(data, "model.gltf", directory=tmp_path)
    assert analyze(mesh)["metrics"]["volume"] == pytest.approx(6e-6)


def test_cli_reads_a_gltf_with_its_sibling_bin(tmp_path: Path) -> None:
    for name, data in gltf_files().items():
        (tmp_path / name).write_bytes(data)
    proc = printforge(str(tmp_path / "model.gltf"), "--json")
    assert proc.returncode == 0, proc.stderr
    block = json.loads(proc.stdout)
    assert block["status"] == "healthy"
    assert block["metrics"]["volume"] == pytest.approx(6e-6)
    assert block["extra"]["bounding_box_mm"]["size"] == pytest.approx([10.0, 20.0, 30.0])


def test_cli_refuses_a_buffer_outside_the_directory(tmp_path: Path) -> None:
    files = gltf_files()
    (tmp_path / "gltf_buffer_0.bin").write_bytes(files["gltf_buffer_0.bin"])
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "model.gltf").write_bytes(with_buffer_uri(files, "../gltf_buffer_0.bin"))
    proc = printforge(str(tmp_path / "model" / "model.gltf"), "--json")
    assert proc.returncode == 1
    assert "outside the model's directory" in proc.stderr


def test_zip_of_a_gltf_and_its_buffers() -> None:
    files = gltf_files()
    data = zipped({"part/" + name: blob for name, blob in files.items()})
    mesh = load_mesh(data, "upload.zip")
    assert mesh.source_format == "zip"
    assert analyze(mesh)["metrics"]["volume"] == pytest.approx(6e-6)


def test_zip_of_a_plain_stl_and_macos_metadata() -> None:
    stl = trimesh.creation.box(extents=(1, 2, 3)).export(file_type="stl")
    mesh = load_mesh(zipped({"box.stl": stl, "__MACOSX/._box.stl": b"junk"}), "upload.zip")
    assert analyze(mesh)["metrics"]["volume"] == pytest.approx(6e-9)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"readme.txt": b"hi"}, "exactly one model file .* found none"),
        ({"a.stl": b"", "b.obj": b""}, "exactly one model file .* found a.stl, b.obj"),
        ({"model.gltf": gltf_files()["model.gltf"]}, "'gltf_buffer_0.bin' is not in the uploaded archive"),
    ],
)
def test_zip_that_is_not_one_complete_model(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(MeshLoadError, match=message):
        load_mesh(zipped(files), "upload.zip")


def test_zip_bomb_and_member_count_are_refused_before_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = zipped({"model.stl": b" " * (4 << 20)})  # 4 MiB of spaces deflates to a few KiB
    assert len(bomb) < 50_000
    with pytest.raises(MeshLoadError, match=r"decompresses to more than 1048576 bytes"):
        zip_limits.open_checked(bomb, 1 << 20, "zip upload")
    monkeypatch.setattr(zip_limits, "MAX_MEMBERS", 3)
    many = zipped({f"{i}.bin": b"" for i in range(4)})
    with pytest.raises(MeshLoadError, match="holds 4 files, more than the 3 allowed"):
        load_mesh(many, "upload.zip")
