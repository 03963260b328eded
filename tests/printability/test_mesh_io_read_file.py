"""read_file(): large files are memory-mapped, and every format loads the same from a map as from bytes."""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np
import pytest
import trimesh

from printforge_services.printability.mesh_export import export_mesh
from printforge_services.printability.mesh_io import MeshLoadError, load_mesh, read_file
from printforge_services.printability.mesh_io import load as mesh_io_load
from tests.fixtures_meshes import binary_stl, cube
from tests.printability.test_mesh_io import ascii_stl


def test_small_files_are_read_and_large_ones_mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cube.stl"
    path.write_bytes(binary_stl(*cube()))
    assert isinstance(read_file(path), bytes)
    monkeypatch.setattr(mesh_io_load, "MMAP_MIN_BYTES", 1)
    mapped = read_file(path)
    assert isinstance(mapped, mmap.mmap) and mapped[:] == path.read_bytes()
    empty = tmp_path / "empty.stl"
    empty.write_bytes(b"")
    assert read_file(empty) == b"", "an empty file cannot be mapped and is read instead"


def test_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_file(tmp_path / "absent.stl")


@pytest.mark.parametrize("fmt", ["stl", "obj", "ply", "off", "glb", "gltf", "3mf"])
def test_every_format_loads_the_same_from_a_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    sphere = trimesh.creation.icosphere(subdivisions=2, radius=12.5)
    path = tmp_path / f"sphere.{fmt}"
    path.write_bytes(export_mesh(sphere.vertices, sphere.faces, fmt))
    monkeypatch.setattr(mesh_io_load, "MMAP_MIN_BYTES", 1)
    data = read_file(path)
    assert isinstance(data, mmap.mmap)
    mapped = load_mesh(data, path.name)
    read = load_mesh(path.read_bytes(), path.name)
    np.testing.assert_array_equal(mapped.vertices, read.vertices)
    np.testing.assert_array_equal(mapped.faces, read.faces)


def test_ascii_stl_and_broken_files_from_a_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mesh_io_load, "MMAP_MIN_BYTES", 1)
    text = tmp_path / "cube.stl"
    text.write_bytes(ascii_stl(*cube()))
    mesh = load_mesh(read_file(text), text.name)
    assert len(mesh.faces) == 12 and mesh.source_format == "stl"
    truncated = tmp_path / "cut.stl"
    truncated.write_bytes(binary_stl(*cube())[:-10])
    with pytest.raises(MeshLoadError, match="truncated"):
        load_mesh(read_file(truncated), truncated.name)
