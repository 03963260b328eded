"""Write a repaired mesh back in the format (and unit) it came in.

Repair works in millimetres; the file must come back at the scale the user gave it: STL, OBJ, PLY and
OFF carry no unit, so coordinates are written in the caller's `unit` (what the file was read with);
glTF/GLB are metres by specification; 3MF states its unit, so it is written in `unit` and says so.
Writers are numpy-vectorised where the data is large (binary STL, binary PLY, GLB buffers).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np

from printforge_services.printability.mesh_io import UNIT_TO_M
from printforge_services.printability.topology import blocks, cross_columns

EXPORT_FORMATS = ("stl", "obj", "ply", "off", "glb", "gltf", "3mf")

#: 3MF `unit` attribute values by metres per unit.
_3MF_UNITS = {
    1e-6: "micron",
    1e-3: "millimeter",
    1e-2: "centimeter",
    1.0: "meter",
    0.0254: "inch",
    0.3048: "foot",
}


class MeshExportError(ValueError):
    """The mesh cannot be written in the requested format or unit."""


def export_mesh(vertices: np.ndarray, faces: np.ndarray, fmt: str, unit: str = "mm") -> bytes:
    """Encode (vertices in mm, triangle faces) as `fmt`; `unit` is the file unit for unitless formats."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise MeshExportError(f"cannot write {fmt!r}; supported: {', '.join(EXPORT_FORMATS)}")
    try:
        unit_m = UNIT_TO_M[unit.strip().lower()]
    except KeyError:
        raise MeshExportError(f"unknown unit {unit!r}; use one of mm, cm, m, in") from None
    v = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    f = np.asarray(faces, dtype=np.int64).reshape(-1, 3)
    if fmt in ("glb", "gltf"):
        return _gltf(v / 1000.0, f, binary=fmt == "glb")
    scaled = v if unit_m == 1e-3 else v / (unit_m * 1000.0)
    if fmt == "3mf":
        return _3mf(scaled, f, _3MF_UNITS.get(unit_m, "millimeter"))
    return {"stl": _stl, "obj": _obj, "ply": _ply, "off": _off}[fmt](scaled, f)


_STL_RECORD = np.dtype([("normal", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])


def _stl(v: np.ndarray, f: np.ndarray) -> bytes:
    """Binary STL, records filled block by block, then one copy into the returned bytes."""
    count = len(f)
    records = np.empty(count, dtype=_STL_RECORD)
    records["attr"] = 0
    for rows in blocks(count):
        corners = v[f[rows]].astype(np.float32)
        normals = np.column_stack(cross_columns(corners)).astype(np.float64)
        length = np.sqrt(np.einsum("ij,ij->i", normals, normals))[:, None]
        np.divide(normals, length, out=normals, where=length > 0)
        normals[length[:, 0] == 0] = 0.0
        records["normal"][rows] = normals
        records["v"][rows] = corners
    header = b"printforge repaired mesh".ljust(80, b" ") + struct.pack("<I", count)
    return b"".join((header, records))


def _rows(values: np.ndarray, template: str) -> str:
    """`template` (one row's %-format) applied to every row, in one formatting call."""
    if len(values) == 0:
        return ""
    return (template * len(values)) % tuple(values.ravel().tolist())


def _obj(v: np.ndarray, f: np.ndarray) -> bytes:
    text = "# printforge repaired mesh\n" + _rows(v, "v %.10g %.10g %.10g\n") + _rows(f + 1, "f %d %d %d\n")
    return text.encode("ascii")


def _off(v: np.ndarray, f: np.ndarray) -> bytes:
    text = f"OFF\n{len(v)} {len(f)} 0\n" + _rows(v, "%.10g %.10g %.10g\n") + _rows(f, "3 %d %d %d\n")
    return text.encode("ascii")


def _ply(v: np.ndarray, f: np.ndarray) -> bytes:
    header = (
        "ply\nformat binary_little_endian 1.0\ncomment printforge repaired mesh\n"
        f"element vertex {len(v)}\nproperty double x\nproperty double y\nproperty double z\n"
        f"element face {len(f)}\nproperty list uchar int vertex_indices\nend_header\n"
    ).encode("ascii")
    face_dtype = np.dtype([("n", "u1"), ("idx", "<i4", 3)])
    face_data = np.zeros(len(f), dtype=face_dtype)
    face_data["n"] = 3
    face_data["idx"] = f
    return header + v.astype("<f8").tobytes() + face_data.tobytes()


def _gltf(v_m: np.ndarray, f: np.ndarray, binary: bool) -> bytes:
    positions = v_m.astype("<f4")
    indices = f.astype("<u4").ravel()
    pos_bytes = positions.tobytes()
    idx_bytes = indices.tobytes()
    blob = pos_bytes + idx_bytes
    doc: dict = {
        "asset": {"version": "2.0", "generator": "printforge"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1, "mode": 4}]}],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": len(positions),
                "type": "VEC3",
                "min": positions.min(axis=0).tolist() if len(positions) else [0, 0, 0],
                "max": positions.max(axis=0).tolist() if len(positions) else [0, 0, 0],
            },
            {"bufferView": 1, "componentType": 5125, "count": len(indices), "type": "SCALAR"},
        ],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": len(pos_bytes), "target": 34962},
            {"buffer": 0, "byteOffset": len(pos_bytes), "byteLength": len(idx_bytes), "target": 34963},
        ],
        "buffers": [{"byteLength": len(blob)}],
    }
    if not binary:
        import base64

        doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(blob).decode()
        return json.dumps(doc).encode("utf-8")
    json_chunk = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    json_chunk += b" " * (-len(json_chunk) % 4)
    bin_chunk = blob + b"\0" * (-len(blob) % 4)
    total = 12 + 8 + len(json_chunk) + 8 + len(bin_chunk)
    return (
        struct.pack("<4sII", b"glTF", 2, total)
        + struct.pack("<I4s", len(json_chunk), b"JSON")
        + json_chunk
        + struct.pack("<I4s", len(bin_chunk), b"BIN\0")
        + bin_chunk
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Target="/3D/3dmodel.model" Id="rel0" '
    'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>'
    "</Relationships>"
)


def _3mf(v: np.ndarray, f: np.ndarray, unit: str) -> bytes:
    model = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<model unit="{unit}" xml:lang="en-US" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">'
        '<resources><object id="1" type="model"><mesh><vertices>'
        + _rows(v, '<vertex x="%.10g" y="%.10g" z="%.10g"/>')
        + "</vertices><triangles>"
        + _rows(f, '<triangle v1="%d" v2="%d" v3="%d"/>')
        + '</triangles></mesh></object></resources><build><item objectid="1"/></build></model>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("3D/3dmodel.model", model)
    return buffer.getvalue()
