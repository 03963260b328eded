"""Every format, written by trimesh's and open3d's own exporters in odd-but-valid variants, and the
classes of real files the old hand-written readers refused: our metrics must equal trimesh's.

"Equal trimesh's": the same bytes read by trimesh itself (`trimesh.load(..., force="mesh")`, which
merges vertices so its watertight test means something) give the same face count, watertightness,
signed volume, surface area and bounds as our loader followed by our analyzer.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import open3d as o3d
import pytest
import trimesh

from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import MeshLoadError, load_mesh
from tests.printability.test_mesh_io import canonical_triangles

#: mm files report volume in m^3 (mm^3 * 1e-9); glTF files are metres already.
MM3_TO_M3 = 1e-9


def sphere() -> trimesh.Trimesh:
    return trimesh.creation.icosphere(subdivisions=2, radius=12.5)


def o3d_mesh(mesh: trimesh.Trimesh, colors: bool = False) -> o3d.geometry.TriangleMesh:
    out = o3d.geometry.TriangleMesh(
        o3d.utility.Vector3dVector(mesh.vertices), o3d.utility.Vector3iVector(mesh.faces)
    )
    out.compute_vertex_normals()
    if colors:
        out.vertex_colors = o3d.utility.Vector3dVector(np.full((len(mesh.vertices), 3), 0.5))
    return out


def o3d_bytes(mesh: o3d.geometry.TriangleMesh, tmp_path: Path, name: str, **kwargs) -> bytes:
    path = tmp_path / name
    assert o3d.io.write_triangle_mesh(str(path), mesh, **kwargs), f"open3d could not write {name}"
    return path.read_bytes()


def trimesh_reference(data: bytes, ext: str) -> trimesh.Trimesh:
    return trimesh.load(io.BytesIO(data), file_type=ext, force="mesh")


def assert_metrics_match_trimesh(data: bytes, filename: str, volume_scale: float = MM3_TO_M3) -> dict:
    """Our loader + analyzer against trimesh's reading of the same bytes; returns our report."""
    ext = filename.rsplit(".", 1)[1]
    mesh = load_mesh(data, filename)
    report = analyze(mesh)
    reference = trimesh_reference(data, ext)
    metrics = report["metrics"]
    assert len(mesh.faces) == len(reference.faces)
    assert metrics["is_watertight"] == reference.is_watertight
    assert metrics["volume"] == pytest.approx(reference.volume * volume_scale, rel=1e-6)
    scale_mm = 1000.0 if volume_scale == 1.0 else 1.0  # glTF metres -> our millimetres
    assert report["extra"]["surface_area_mm2"] == pytest.approx(reference.area * scale_mm**2, rel=1e-6)
    np.testing.assert_allclose(
        report["extra"]["bounding_box_mm"]["min"], reference.bounds[0] * scale_mm, atol=1e-6
    )
    np.testing.assert_allclose(
        report["extra"]["bounding_box_mm"]["max"], reference.bounds[1] * scale_mm, atol=1e-6
    )
    return report


# --------------------------------------------------------------------------------------------- STL


def as_bytes(exported: bytes | str) -> bytes:
    return exported.encode() if isinstance(exported, str) else exported


@pytest.mark.parametrize("file_type", ["stl", "stl_ascii"])
def test_stl_written_by_trimesh(file_type: str) -> None:
    data = as_bytes(sphere().export(file_type=file_type))
    report = assert_metrics_match_trimesh(data, "sphere.stl")
    assert report["status"] == "healthy"


def test_stl_written_by_open3d(tmp_path: Path) -> None:
    mesh = o3d_mesh(sphere())  # open3d writes binary STL only
    mesh.compute_triangle_normals()
    assert_metrics_match_trimesh(o3d_bytes(mesh, tmp_path, "s.stl"), "s.stl")


def test_ascii_stl_with_crlf_upper_case_and_two_solids() -> None:
    text = as_bytes(sphere().export(file_type="stl_ascii")).decode()
    half = text.upper().replace("\n", "\r\n")
    data = (half + half.replace("SOLID ", "SOLID SECOND ")).encode()
    mesh = load_mesh(data, "two.stl")
    assert len(mesh.faces) == 2 * len(sphere().faces)


def test_ascii_stl_bad_vertex_names_its_line() -> None:
    data = b"solid a\nfacet normal 0 0 0\nouter loop\nvertex 0 0 0\nvertex 1 0 x\nvertex 0 1 0\n"
    data += b"endloop\nendfacet\n"
    with pytest.raises(MeshLoadError, match=r"ASCII STL line 5: a vertex needs three numbers"):
        load_mesh(data + b"endsolid a\n", "bad.stl")


# --------------------------------------------------------------------------------------------- OBJ


def test_obj_written_by_trimesh_with_normals_and_texture() -> None:
    mesh = sphere()
    mesh.visual = trimesh.visual.TextureVisuals(uv=np.random.default_rng(1).random((len(mesh.vertices), 2)))
    data = mesh.export(file_type="obj", include_normals=True, include_texture=True).encode()
    assert b"vt " in data and b"vn " in data
    assert_metrics_match_trimesh(data, "sphere.obj")


def test_obj_written_by_open3d(tmp_path: Path) -> None:
    assert_metrics_match_trimesh(o3d_bytes(o3d_mesh(sphere()), tmp_path, "s.obj"), "s.obj")


def test_obj_line_continuation() -> None:
    """A `\\` at the end of a line continues the statement (seen in files from public repositories)."""
    data = b"v 0 0 0\nv 1 0 \\\n 0\nv 0 1 0\nv 0 0 1\nf 1 2 \\\n 3\nf 1 2 4\nf 1 3 \\\n4\nf 2 3 4\n"
    mesh = load_mesh(data, "continued.obj")
    assert len(mesh.faces) == 4
    assert canonical_triangles(mesh.vertices[mesh.faces][:1]) == canonical_triangles(
        [[[0, 0, 0], [1, 0, 0], [0, 1, 0]]]
    )
    assert_metrics_match_trimesh(data, "continued.obj")


def test_obj_in_groups_with_a_pentagon() -> None:
    data = b"o a\nv 0 0 0\nv 2 0 0\nv 3 1 0\nv 1 2 0\nv -1 1 0\ng top\nusemtl red\nf 1 2 3 4 5\n"
    mesh = load_mesh(data, "pentagon.obj")
    assert len(mesh.faces) == 3
    assert analyze(mesh)["extra"]["surface_area_mm2"] == pytest.approx(5.0)


def test_binary_garbage_is_not_an_empty_obj() -> None:
    with pytest.raises(MeshLoadError, match=r"OBJ file is not text: byte \d+"):
        load_mesh(b"v 0 0 0\n\xff\xfe\x00junk", "junk.obj")


# --------------------------------------------------------------------------------------------- OFF


def test_off_written_by_trimesh_and_open3d(tmp_path: Path) -> None:
    assert_metrics_match_trimesh(sphere().export(file_type="off").encode(), "sphere.off")
    assert_metrics_match_trimesh(o3d_bytes(o3d_mesh(sphere()), tmp_path, "s.off"), "s.off")


def _off_body(mesh: trimesh.Trimesh) -> str:
    return "".join(f"{x} {y} {z}\n" for x, y, z in mesh.vertices) + "".join(
        f"3 {a} {b} {c}\n" for a, b, c in mesh.faces
    )


@pytest.mark.parametrize(
    "header",
    ["OFF 8 12 18\n", "OFF8 12 18\n", "   OFF\n   8 12 18\n", "OFF\n# a comment\n\n8 12 0\n"],
    ids=["counts-on-header", "counts-glued", "leading-whitespace", "comment-and-blank-line"],
)
def test_off_header_variants(header: str) -> None:
    box = trimesh.creation.box(extents=(2.0, 3.0, 4.0))
    data = (header + _off_body(box)).encode()
    report = assert_metrics_match_trimesh(data, "box.off")
    assert report["metrics"]["volume"] == pytest.approx(24.0 * MM3_TO_M3)


def test_off_face_past_its_vertices_names_its_line() -> None:
    with pytest.raises(MeshLoadError, match=r"OFF line 6: face references a vertex outside 0\.\.2"):
        load_mesh(b"OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 5\n", "bad.off")


# --------------------------------------------------------------------------------------------- PLY


@pytest.mark.parametrize("encoding", ["binary", "ascii"])
def test_ply_written_by_trimesh(encoding: str) -> None:
    mesh = sphere()
    mesh.visual.vertex_colors = [200, 10, 10, 255]
    assert_metrics_match_trimesh(mesh.export(file_type="ply", encoding=encoding), "sphere.ply")


@pytest.mark.parametrize("ascii", [False, True])
def test_ply_written_by_open3d_with_colors_and_normals(tmp_path: Path, ascii: bool) -> None:
    data = o3d_bytes(o3d_mesh(sphere(), colors=True), tmp_path, "s.ply", write_ascii=ascii)
    assert_metrics_match_trimesh(data, "s.ply")


def _ply_header(fmt: str, n_vertices: int, n_faces: int, face_props: str) -> bytes:
    return (
        f"ply\nformat {fmt} 1.0\ncomment made in code\nelement vertex {n_vertices}\nproperty float x\n"
        f"property float y\nproperty float z\nelement face {n_faces}\n{face_props}end_header\n"
    ).encode()


@pytest.mark.parametrize("fmt", ["binary_little_endian", "binary_big_endian", "ascii"])
def test_ply_faces_with_a_float_texcoord_list(fmt: str) -> None:
    box = trimesh.creation.box()
    props = "property list uchar int vertex_indices\nproperty list uchar float texcoord\n"
    header = _ply_header(fmt, len(box.vertices), len(box.faces), props)
    if fmt == "ascii":
        body = "".join(f"{x} {y} {z}\n" for x, y, z in box.vertices)
        body += "".join(f"3 {a} {b} {c} 6 0 0 1 0 0.5 0.5\n" for a, b, c in box.faces)
        data = header + body.encode()
    else:
        order = "<" if fmt.endswith("little_endian") else ">"
        data = header + box.vertices.astype(order + "f4").tobytes()
        data += b"".join(
            struct.pack(f"{order}B3iB6f", 3, *map(int, f), 6, 0, 0, 1, 0, 0.5, 0.5) for f in box.faces
        )
    report = analyze(load_mesh(data, "textured.ply"))
    assert report["status"] == "healthy"
    assert report["metrics"]["volume"] == pytest.approx(box.volume * MM3_TO_M3)


def test_binary_ply_of_triangles_and_quads_which_trimesh_refuses() -> None:
    box = trimesh.creation.box()
    quads = [[0, 1, 3, 2], [4, 6, 7, 5]]  # two of the six sides as quads, the rest triangles
    tris = [f for f in box.faces.tolist() if not (set(f) <= set(quads[0]) or set(f) <= set(quads[1]))]
    header = _ply_header("binary_little_endian", 8, len(tris) + 2, "property list uchar int vertex_indices\n")
    body = box.vertices.astype("<f4").tobytes()
    body += b"".join(struct.pack("<B3i", 3, *f) for f in tris) + b"".join(
        struct.pack("<B4i", 4, *q) for q in quads
    )
    with pytest.raises(ValueError, match="unexpected length"):
        trimesh.load(io.BytesIO(header + body), file_type="ply")
    mesh = load_mesh(header + body, "mixed.ply")
    assert len(mesh.faces) == 12
    assert analyze(mesh)["extra"]["surface_area_mm2"] == pytest.approx(box.area)


@pytest.mark.parametrize("fmt", ["ascii", "binary_little_endian"])
@pytest.mark.parametrize("counts", [(0, 0), None], ids=["zero-counts", "no-elements"])
def test_header_only_ply_is_status_unknown(fmt: str, counts: tuple[int, int] | None) -> None:
    if counts is None:
        data = f"ply\nformat {fmt} 1.0\ncomment nothing here\nend_header\n".encode()
    else:
        data = _ply_header(fmt, *counts, "property list uchar int vertex_indices\n")
    report = analyze(load_mesh(data, "empty.ply"))
    assert report["status"] == "unknown" and "metrics" not in report


def test_truncated_binary_ply_names_the_byte() -> None:
    box = trimesh.creation.box()
    data = box.export(file_type="ply", encoding="binary")
    with pytest.raises(MeshLoadError, match=r"PLY ends inside element 'face': it starts at byte \d+"):
        load_mesh(data[:-7], "cut.ply")


# ---------------------------------------------------------------------------------------- glTF/GLB


def test_glb_written_by_trimesh_and_open3d(tmp_path: Path) -> None:
    assert_metrics_match_trimesh(sphere().export(file_type="glb"), "sphere.glb", volume_scale=1.0)
    data = o3d_bytes(o3d_mesh(sphere()), tmp_path, "s.glb")
    assert_metrics_match_trimesh(data, "s.glb", volume_scale=1.0)


def test_gltf_with_embedded_buffers_written_by_open3d(tmp_path: Path) -> None:
    data = o3d_bytes(o3d_mesh(sphere()), tmp_path, "s.gltf")
    assert b"data:application/octet-stream;base64," in data
    assert_metrics_match_trimesh(data, "s.gltf", volume_scale=1.0)


def test_gltf_with_external_bin_is_read_from_its_directory(tmp_path: Path) -> None:
    files = sphere().export(file_type="gltf")  # {"model.gltf": ..., "gltf_buffer_0.bin": ...}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    gltf = tmp_path / "model.gltf"
    with pytest.raises(MeshLoadError, match=r"external file '.*\.bin'.*upload a \.glb, or a \.zip"):
        load_mesh(gltf.read_bytes(), "model.gltf")
    mesh = load_mesh(gltf.read_bytes(), "model.gltf", directory=tmp_path)
    reference = trimesh.load(str(gltf), force="mesh")
    assert len(mesh.faces) == len(reference.faces)
    assert analyze(mesh)["metrics"]["volume"] == pytest.approx(reference.volume, rel=1e-6)


def test_gltf_triangle_fan_is_refused_not_dropped() -> None:
    from tests.printability.hostile_files import glb, triangle_gltf

    doc, positions = triangle_gltf()
    doc["meshes"][0]["primitives"][0]["mode"] = 6
    with pytest.raises(MeshLoadError, match="TRIANGLE_FAN"):
        load_mesh(glb(doc, positions), "fan.glb")


def test_gltf_mirrored_node_keeps_the_faces_as_written() -> None:
    """A mirror transform turns the mesh inside out; the contract's signed volume must say so."""
    scene = trimesh.Scene()
    scene.add_geometry(trimesh.creation.box(), transform=np.diag([-1.0, 1.0, 1.0, 1.0]))
    report = analyze(load_mesh(scene.export(file_type="glb"), "mirror.glb"))
    assert report["metrics"]["volume"] == pytest.approx(-1.0)


# --------------------------------------------------------------------------------------------- 3MF


def test_3mf_written_by_trimesh() -> None:
    scene = trimesh.Scene()
    scene.add_geometry(sphere())
    scene.add_geometry(
        trimesh.creation.box(extents=(5, 5, 5)),
        transform=trimesh.transformations.translation_matrix([40, 0, 0]),
    )
    data = scene.export(file_type="3mf")
    report = assert_metrics_match_trimesh(data, "two.3mf")
    assert report["extra"]["bodies"] == 2


def test_ascii_ply_with_a_word_in_its_body_names_the_line() -> None:
    data = _ply_header("ascii", 3, 1, "property list uchar int vertex_indices\n")
    data += b"0 0 0\n1 0 zero\n0 1 0\n3 0 1 2\n"
    with pytest.raises(MeshLoadError, match=r"PLY line 12: 'zero' is not a number"):
        load_mesh(data, "bad.ply")


def test_3mf_external_entity_is_not_resolved(tmp_path: Path) -> None:
    """An XML entity naming a local file must not pull the file's text into the model or a message."""
    from tests.printability.hostile_files import three_mf
    from tests.printability.test_mesh_io import cube_3mf_xml

    secret = tmp_path / "secret.txt"
    secret.write_text("7.5")  # a number: resolved, it would become a coordinate
    xml = cube_3mf_xml(None).replace('<vertex x="0.0"', '<vertex x="&leak;"', 1)
    xml = xml.replace("<model", f'<!DOCTYPE model [<!ENTITY leak SYSTEM "file://{secret}">]><model', 1)
    xml = xml.replace('<?xml version="1.0"?>', "")
    assert xml.startswith("<!DOCTYPE") and 'x="&leak;"' in xml
    try:
        mesh = load_mesh(three_mf(xml), "xxe.3mf")
    except MeshLoadError as exc:
        assert "7.5" not in str(exc)
    else:
        assert 7.5 not in mesh.vertices
