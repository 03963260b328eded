"""export_mesh(): every format reads back (with our loader and with trimesh) at the input's scale."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import trimesh

from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_export import EXPORT_FORMATS, MeshExportError, export_mesh
from printforge_services.printability.mesh_io import load_mesh


@pytest.fixture(scope="module")
def sphere() -> trimesh.Trimesh:
    return trimesh.creation.icosphere(subdivisions=2, radius=12.5)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("unit", ["mm", "in"])
def test_round_trip_keeps_geometry_and_health(sphere: trimesh.Trimesh, fmt: str, unit: str) -> None:
    data = export_mesh(sphere.vertices, sphere.faces, fmt, unit=unit)
    back = load_mesh(data, f"out.{fmt}", unit=unit)
    np.testing.assert_allclose(back.vertices[back.faces], sphere.vertices[sphere.faces], atol=1e-5)
    assert analyze(back)["status"] == "healthy"


@pytest.mark.parametrize(
    ("fmt", "expected_max"), [("stl", 12.5), ("obj", 12.5), ("ply", 12.5), ("off", 12.5), ("glb", 0.0125)]
)
def test_file_coordinates_use_the_format_unit(sphere: trimesh.Trimesh, fmt: str, expected_max: float) -> None:
    """trimesh, an independent reader, sees millimetres in unitless formats and metres in GLB."""
    data = export_mesh(sphere.vertices, sphere.faces, fmt)
    read = trimesh.load(io.BytesIO(data), file_type=fmt, force="mesh")
    assert read.bounds[1].max() == pytest.approx(expected_max, rel=1e-6)
    assert read.is_watertight and read.volume > 0


def test_inch_stl_is_written_in_inches(sphere: trimesh.Trimesh) -> None:
    read = trimesh.load(
        io.BytesIO(export_mesh(sphere.vertices, sphere.faces, "stl", unit="in")), file_type="stl"
    )
    assert read.bounds[1].max() == pytest.approx(12.5 / 25.4, rel=1e-6)


def test_3mf_declares_its_unit(sphere: trimesh.Trimesh) -> None:
    data = export_mesh(sphere.vertices, sphere.faces, "3mf", unit="cm")
    model = zipfile.ZipFile(io.BytesIO(data)).read("3D/3dmodel.model").decode()
    assert 'unit="centimeter"' in model
    back = load_mesh(data, "x.3mf")
    assert back.vertices.max() == pytest.approx(12.5, rel=1e-9)


def test_glb_validates_as_gltf_binary(sphere: trimesh.Trimesh) -> None:
    data = export_mesh(sphere.vertices, sphere.faces, "glb")
    assert data[:4] == b"glTF" and int.from_bytes(data[8:12], "little") == len(data) and len(data) % 4 == 0


def test_unknown_format_and_unit_are_clean_errors(sphere: trimesh.Trimesh) -> None:
    with pytest.raises(MeshExportError, match="cannot write"):
        export_mesh(sphere.vertices, sphere.faces, "fbx")
    with pytest.raises(MeshExportError, match="unknown unit"):
        export_mesh(sphere.vertices, sphere.faces, "stl", unit="furlong")
