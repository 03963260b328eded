"""Mesh loading: every format built in code, unit handling, and hostile files that must fail cleanly."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import trimesh

from printforge_services.printability.mesh_io import MeshLoadError, load_mesh, threemf
from tests.fixtures_meshes import binary_stl, cube
from tests.printability.hostile_files import glb, glb_chunk_length_lie, three_mf, triangle_gltf


def ascii_stl(vertices: np.ndarray, faces: np.ndarray) -> bytes:
    lines = ["solid cube"]
    for tri in vertices[faces].tolist():
        lines += ["  facet normal 0 0 0", "    outer loop"]
        lines += [f"      vertex {x!r} {y!r} {z!r}" for x, y, z in tri]
        lines += ["    endloop", "  endfacet"]
    return ("\n".join([*lines, "endsolid cube"]) + "\n").encode()


def cube_3mf_xml(unit: str | None, transform: str | None = None) -> str:
    vertices, faces = cube(1.0)
    vs = "".join(f'<vertex x="{x}" y="{y}" z="{z}"/>' for x, y, z in vertices)
    ts = "".join(f'<triangle v1="{a}" v2="{b}" v3="{c}"/>' for a, b, c in faces)
    unit_attr = f' unit="{unit}"' if unit else ""
    transform_attr = f' transform="{transform}"' if transform else ""
    return (
        f'<?xml version="1.0"?><model{unit_attr} xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">'
        f'<resources><object id="1" type="model"><mesh><vertices>{vs}</vertices><triangles>{ts}</triangles>'
        f'</mesh></object></resources><build><item objectid="1"{transform_attr}/></build></model>'
    )


def canonical_triangles(corners: np.ndarray) -> list[tuple]:
    """Each (3, 3) triangle as a tuple of corners starting at its smallest one (winding kept), in order.

    Readers may start a triangle at another corner (trimesh splits quad 0 1 2 3 into 0 1 2 and 2 3 0);
    what the metrics see, the corners and their cyclic order, is the same.
    """
    out = []
    for tri in np.asarray(corners, dtype=np.float64).tolist():
        start = min(range(3), key=lambda i: tri[i])
        out.append(tuple(tuple(tri[(start + k) % 3]) for k in range(3)))
    return out


# ------------------------------------------------------------------------------------------ formats


def test_ascii_and_binary_stl_agree() -> None:
    vertices, faces = cube(12.5)
    from_binary = load_mesh(binary_stl(vertices, faces), "cube.stl")
    from_ascii = load_mesh(ascii_stl(vertices, faces), "cube.STL")
    assert from_binary.has_triangles and from_ascii.has_triangles
    assert from_binary.faces.shape == from_ascii.faces.shape == (12, 3)
    np.testing.assert_array_equal(from_binary.vertices, from_ascii.vertices)
    assert from_binary.vertices.dtype == np.float64 and from_binary.faces.dtype == np.int64
    assert from_binary.source_format == "stl" and from_binary.unit_to_m == 0.001


def test_binary_stl_is_a_lazy_view_of_its_records() -> None:
    """The analyzer reads a binary STL's corners in place; vertices and faces appear only when asked."""
    vertices, faces = cube(2.0)
    data = binary_stl(vertices, faces)
    mesh = load_mesh(data, "cube.stl")
    assert mesh.soup is not None and mesh.soup.shape == (12, 3, 3) and mesh.soup.dtype == np.float32
    assert np.shares_memory(mesh.soup, np.frombuffer(data, np.uint8))
    assert mesh._vertices is None and mesh._faces is None
    np.testing.assert_array_equal(mesh.vertices, vertices[faces].reshape(-1, 3))
    np.testing.assert_array_equal(mesh.faces, np.arange(36).reshape(-1, 3))
    in_cm = load_mesh(data, "cube.stl", unit="cm")
    assert in_cm.soup is not None and in_cm.soup.dtype == np.float64
    np.testing.assert_array_equal(in_cm.vertices, vertices[faces].reshape(-1, 3) * 10.0)


def test_indexed_mesh_is_a_soup_only_when_its_faces_say_so() -> None:
    vertices, faces = cube(1.0)
    assert load_mesh(ascii_stl(vertices, faces), "cube.stl").soup is not None  # one vertex per corner
    obj = "".join(f"v {x} {y} {z}\n" for x, y, z in vertices) + "".join(
        f"f {a + 1} {b + 1} {c + 1}\n" for a, b, c in faces
    )
    assert load_mesh(obj.encode(), "cube.obj").soup is None


def test_binary_stl_whose_header_starts_with_solid() -> None:
    vertices, faces = cube(3.0)
    data = b"solid exported by a CAD tool".ljust(80, b" ") + binary_stl(vertices, faces)[80:]
    mesh = load_mesh(data, "part.stl")
    assert len(mesh.faces) == 12
    np.testing.assert_array_equal(mesh.vertices, vertices[faces].reshape(-1, 3))


def test_empty_stls_have_no_triangles() -> None:
    assert not load_mesh(b"solid empty\nendsolid empty\n", "e.stl").has_triangles
    assert not load_mesh(b"\0" * 80 + struct.pack("<I", 0), "e.stl").has_triangles


def test_obj_quads_negative_indices_and_short_faces() -> None:
    vertices, _ = cube(2.0)
    lines = ["# cube of quads, relative indices", "o cube", "vn 0 0 1"]
    lines += [f"v {x} {y} {z} 0.5 0.5 0.5" for x, y, z in vertices]
    quads = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [2, 3, 7, 6], [1, 2, 6, 5], [3, 0, 4, 7]]
    lines += ["f " + " ".join(f"{i - 8}/1/1" for i in quad) for quad in quads]
    lines += ["f 1// 2//", "l 1 2"]  # a two-corner face and a line are not surfaces
    mesh = load_mesh("\n".join(lines).encode(), "cube.obj")
    assert mesh.faces.shape == (12, 3)
    corners = canonical_triangles(mesh.vertices[mesh.faces])
    assert corners[:2] == canonical_triangles(vertices[[[0, 3, 2], [0, 2, 1]]])


def test_ply_ascii_and_binary_with_quads() -> None:
    header = "ply\nformat {fmt} 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n"
    header += "element face 1\nproperty list uchar int vertex_indices\nend_header\n"
    square = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], dtype="<f4")
    ascii_body = "\n".join(" ".join(str(c) for c in v) for v in square.tolist()) + "\n4 0 1 2 3\n"
    from_ascii = load_mesh((header.format(fmt="ascii") + ascii_body).encode(), "sq.ply")
    binary_body = square.tobytes() + struct.pack("<B4i", 4, 0, 1, 2, 3)
    from_binary = load_mesh(header.format(fmt="binary_little_endian").encode() + binary_body, "sq.ply")
    for mesh in (from_ascii, from_binary):
        expected = canonical_triangles(square[[[0, 1, 2], [0, 2, 3]]])
        assert canonical_triangles(mesh.vertices[mesh.faces]) == expected


def test_ply_binary_mixed_polygon_sizes() -> None:
    header = b"ply\nformat binary_big_endian 1.0\nelement vertex 5\nproperty double x\nproperty double y\n"
    header += b"property double z\nelement face 2\nproperty list uchar uint vertex_indices\nend_header\n"
    points = np.arange(15, dtype=">f8")
    body = points.tobytes() + struct.pack(">B3I", 3, 0, 1, 2) + struct.pack(">B4I", 4, 1, 2, 3, 4)
    mesh = load_mesh(header + body, "mixed.ply")
    np.testing.assert_array_equal(mesh.faces, [[0, 1, 2], [1, 2, 3], [1, 3, 4]])


def test_ply_points_only_has_no_triangles() -> None:
    data = b"ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\n"
    data += b"end_header\n0 0 0\n1 1 1\n"
    mesh = load_mesh(data, "points.ply")
    assert not mesh.has_triangles
    assert mesh.faces.shape == (0, 3)


def test_off_with_comments_and_quads() -> None:
    data = b"OFF\n# a square\n4 1 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3 255 0 0\n"
    mesh = load_mesh(data, "square.off")
    square = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], dtype=float)
    expected = canonical_triangles(square[[[0, 1, 2], [0, 2, 3]]])
    assert canonical_triangles(mesh.vertices[mesh.faces]) == expected


def test_glb_node_transform_written_by_trimesh() -> None:
    box = trimesh.creation.box(extents=(1.0, 2.0, 3.0))
    transform = trimesh.transformations.rotation_matrix(np.pi / 2, [0, 0, 1])
    transform[:3, 3] = [5.0, 0.0, 0.0]
    scene = trimesh.Scene()
    scene.add_geometry(box, transform=transform)
    mesh = load_mesh(scene.export(file_type="glb"), "box.glb")
    assert mesh.source_format == "glb" and mesh.unit_to_m == 1.0
    lo, hi = mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
    np.testing.assert_allclose(lo, [4000.0, -500.0, -1500.0], atol=1e-6)  # metres -> mm, rotated 90 deg
    np.testing.assert_allclose(hi, [6000.0, 500.0, 1500.0], atol=1e-6)
    assert len(mesh.faces) == 12


def test_gltf_with_embedded_buffer_and_nested_nodes() -> None:
    doc, positions = triangle_gltf(
        nodes=[{"children": [1], "translation": [1, 0, 0]}, {"mesh": 0, "scale": [2, 2, 2]}]
    )
    doc["buffers"][0]["uri"] = (
        "data:application/octet-stream;base64," + __import__("base64").b64encode(positions).decode()
    )
    mesh = load_mesh(json.dumps(doc).encode(), "tri.gltf")
    np.testing.assert_allclose(mesh.vertices, [[1000, 0, 0], [3000, 0, 0], [1000, 2000, 0]])


def test_3mf_unit_inch_and_build_transform() -> None:
    mesh = load_mesh(three_mf(cube_3mf_xml("inch", "1 0 0 0 1 0 0 0 1 10 0 0")), "cube.3mf")
    assert mesh.unit_to_m == pytest.approx(0.0254)
    np.testing.assert_allclose(mesh.vertices.min(axis=0), [254.0, 0, 0])
    np.testing.assert_allclose(mesh.vertices.max(axis=0), [279.4, 25.4, 25.4])
    default_unit = load_mesh(three_mf(cube_3mf_xml(None)), "cube.3mf")
    assert default_unit.unit_to_m == 0.001
    assert default_unit.vertices.max() == 1.0


def test_unit_argument_scales_unitless_formats() -> None:
    vertices, faces = cube(1.0)
    mesh = load_mesh(binary_stl(vertices, faces), "cube.stl", unit="in")
    assert mesh.vertices.max() == pytest.approx(25.4)
    assert mesh.unit_to_m == 0.0254
    with pytest.raises(MeshLoadError, match="unknown unit"):
        load_mesh(binary_stl(vertices, faces), "cube.stl", unit="furlong")


# ------------------------------------------------------------------------------------------ hostile


@pytest.mark.parametrize("ext", ["stl", "obj", "ply", "off", "glb", "gltf", "3mf"])
def test_garbage_bytes_raise_mesh_load_error(ext: str) -> None:
    garbage = bytes(np.random.default_rng(len(ext)).integers(1, 256, 4000, dtype=np.uint8))
    with pytest.raises(MeshLoadError) as info:
        load_mesh(garbage, f"junk.{ext}")
    assert str(info.value)


def test_unsupported_extension_lists_formats() -> None:
    with pytest.raises(MeshLoadError, match=r"unsupported file type '\.docx'.*\.stl"):
        load_mesh(b"PK...", "resume.docx")


def test_truncated_binary_stl() -> None:
    vertices, faces = cube(1.0)
    with pytest.raises(MeshLoadError, match=r"truncated.*12 triangles"):
        load_mesh(binary_stl(vertices, faces)[:-30], "cut.stl")


def test_nan_coordinates_are_refused() -> None:
    vertices, faces = cube(1.0)
    vertices[3, 0] = np.nan
    with pytest.raises(MeshLoadError, match="NaN"):
        load_mesh(binary_stl(vertices, faces), "nan.stl")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n", "references vertex 4 but the file defines only 3"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf -1 -2 -4\n", "relative index -4"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n", "index 0 is invalid"),
        ("v 0 zero 0\n", "line 1: bad vertex coordinate"),
    ],
)
def test_obj_bad_indices(text: str, message: str) -> None:
    with pytest.raises(MeshLoadError, match=message):
        load_mesh(text.encode(), "bad.obj")


def test_glb_header_lying_about_length() -> None:
    doc, positions = triangle_gltf()
    honest = glb(doc, positions)
    assert load_mesh(honest, "tri.glb").has_triangles
    with pytest.raises(MeshLoadError, match=r"declares .* bytes but the file has only"):
        load_mesh(glb(doc, positions, declared_length=len(honest) + 1000), "liar.glb")
    with pytest.raises(MeshLoadError, match=r"chunk .* past the end"):
        load_mesh(glb_chunk_length_lie(honest), "liar.glb")


def test_glb_accessor_count_of_2_to_the_31() -> None:
    doc, positions = triangle_gltf(count=2**31)
    with pytest.raises(MeshLoadError, match="does not fit in its buffer view"):
        load_mesh(glb(doc, positions), "huge.glb")


def test_glb_node_cycle() -> None:
    doc, positions = triangle_gltf(nodes=[{"mesh": 0, "children": [1]}, {"children": [0]}])
    with pytest.raises(MeshLoadError, match="cycle"):
        load_mesh(glb(doc, positions), "cycle.glb")


def test_gltf_external_buffer_is_explained() -> None:
    doc, _ = triangle_gltf()
    doc["buffers"][0]["uri"] = "tri.bin"
    with pytest.raises(MeshLoadError, match=r"external file 'tri\.bin'"):
        load_mesh(json.dumps(doc).encode(), "tri.gltf")


def test_3mf_zip_bomb_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threemf, "MAX_3MF_BYTES", 1 << 20)
    bomb = "<model>" + " " * (8 << 20) + "</model>"  # 8 MiB of spaces deflates to a few KiB
    data = three_mf(bomb)
    assert len(data) < 100_000
    with pytest.raises(MeshLoadError, match="decompresses to more than"):
        load_mesh(data, "bomb.3mf")


def test_3mf_bad_references() -> None:
    missing = cube_3mf_xml(None).replace('objectid="1"', 'objectid="9"')
    assert not load_mesh(three_mf(missing), "missing.3mf").has_triangles  # trimesh builds nothing for it
    bad_index = cube_3mf_xml(None).replace('v3="1"/>', 'v3="99"/>', 1)
    with pytest.raises(MeshLoadError, match="references vertex 99"):
        load_mesh(three_mf(bad_index), "bad.3mf")


def test_truncated_binary_ply() -> None:
    header = (
        b"ply\nformat binary_little_endian 1.0\nelement vertex 1000\nproperty float x\nproperty float y\n"
    )
    header += b"property float z\nend_header\n"
    with pytest.raises(MeshLoadError, match="ends inside element 'vertex'"):
        load_mesh(header + b"\0" * 100, "short.ply")


def _valid_files() -> dict[str, bytes]:
    vertices, faces = cube(5.0)
    ply = b"ply\nformat binary_little_endian 1.0\nelement vertex 8\nproperty double x\nproperty double y\n"
    ply += b"property double z\nelement face 12\nproperty list uchar int vertex_indices\nend_header\n"
    ply += vertices.astype("<f8").tobytes()
    ply += b"".join(struct.pack("<B3i", 3, *map(int, f)) for f in faces)
    doc, positions = triangle_gltf()
    return {
        "cube.stl": binary_stl(vertices, faces),
        "cube.ply": ply,
        "tri.glb": glb(doc, positions),
        "cube.3mf": three_mf(cube_3mf_xml("millimeter")),
        "cube.obj": b"".join(b"v %g %g %g\n" % tuple(v) for v in vertices)
        + b"".join(b"f %d %d %d\n" % tuple(f + 1) for f in faces),
    }


@pytest.mark.parametrize("name", sorted(_valid_files()))
def test_mutated_files_load_or_raise_mesh_load_error(name: str) -> None:
    """Random truncations and byte flips of valid files never escape as another exception."""
    original = _valid_files()[name]
    rng = np.random.default_rng(2024)
    for _ in range(150):
        data = bytearray(original)
        if rng.random() < 0.3:
            data = data[: rng.integers(0, len(data))]
        else:
            for position in rng.integers(0, len(data), rng.integers(1, 12)):
                data[position] = rng.integers(0, 256)
        try:
            load_mesh(bytes(data), name)
        except MeshLoadError as exc:
            assert str(exc)


def test_ply_element_without_properties_and_huge_count() -> None:
    header = b"ply\nformat binary_little_endian 1.0\nelement nothing 1000000000000\nelement vertex 3\n"
    header += b"property float x\nproperty float y\nproperty float z\nelement face 1\n"
    header += b"property list uchar int vertex_indices\nend_header\n"
    body = np.eye(3, dtype="<f4").tobytes() + struct.pack("<B3i", 3, 0, 1, 2)
    mesh = load_mesh(header + body, "odd.ply")
    np.testing.assert_array_equal(mesh.faces, [[0, 1, 2]])


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_any_non_finite_coordinate_is_refused(bad: float) -> None:
    vertices, faces = cube(1.0)
    vertices[5, 2] = bad
    with pytest.raises(MeshLoadError, match="NaN or infinity"):
        load_mesh(binary_stl(vertices, faces), "bad.stl")


def test_coordinates_whose_sum_overflows_float32_are_finite() -> None:
    """float32 records near their maximum sum to infinity; that alone must not refuse the file."""
    vertices, faces = cube(3.0e38)
    mesh = load_mesh(binary_stl(vertices, faces), "huge.stl")
    with np.errstate(over="ignore"):
        assert mesh.has_triangles and np.isinf(mesh.soup.sum())
