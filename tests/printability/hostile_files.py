"""Builders of mesh files, honest and hostile, shared by the in-process loader tests (test_mesh_io)
and the worker-pool tests (test_jobs_hostile).

Everything is built in code and small to build: a zip bomb or a ten-million-vertex OBJ is made
from repeated bytes in well under a second, so the hostile tests cost what parsing them costs.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np

_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="r0" Target="/3D/3dmodel.model" '
    'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>'
)


def glb(doc: dict, binary: bytes = b"", declared_length: int | None = None) -> bytes:
    """A GLB container; `declared_length` makes its header lie about the file's total length."""
    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    binary += b"\0" * (-len(binary) % 4)
    body = struct.pack("<II", len(text), 0x4E4F534A) + text
    if binary:
        body += struct.pack("<II", len(binary), 0x004E4942) + binary
    total = 12 + len(body) if declared_length is None else declared_length
    return b"glTF" + struct.pack("<II", 2, total) + body


def glb_chunk_length_lie(honest: bytes, declared: int = 10**9) -> bytes:
    """`honest` with its JSON chunk claiming `declared` bytes (far past the end of the file)."""
    liar = bytearray(honest)
    struct.pack_into("<I", liar, 12, declared)
    return bytes(liar)


def triangle_gltf(count: int = 3, nodes: list[dict] | None = None) -> tuple[dict, bytes]:
    """A glTF document with one triangle; `count` is what its POSITION accessor claims."""
    positions = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]], dtype="<f4").tobytes()
    doc = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": nodes or [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": count, "type": "VEC3"}],
        "bufferViews": [{"buffer": 0, "byteLength": len(positions)}],
        "buffers": [{"byteLength": len(positions)}],
    }
    return doc, positions


def three_mf(model_xml: str, extra_parts: dict[str, bytes] | None = None) -> bytes:
    """A 3MF package whose root model part is `model_xml`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", _RELS)
        z.writestr("3D/3dmodel.model", model_xml)
        for name, data in (extra_parts or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def three_mf_bomb(size_bytes: int) -> bytes:
    """A 3MF whose model XML (honestly declared) inflates to `size_bytes` of whitespace.

    Streamed through the deflater 1 MiB at a time, so building a 300 MiB bomb holds ~300 KiB.
    """
    out = io.BytesIO()
    chunk = b" " * (1 << 20)
    head, tail = b"<model>", b"</model>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", _RELS)
        with z.open("3D/3dmodel.model", "w", force_zip64=True) as fh:
            fh.write(head)
            left = size_bytes - len(head) - len(tail)
            while left > 0:
                fh.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            fh.write(tail)
    return out.getvalue()


def obj_with_vertices(n_vertices: int) -> bytes:
    """An OBJ of `n_vertices` vertices and one real triangle on the last three.

    The other vertices repeat one unused line (14 bytes each): the cost is in parsing, not in building.
    """
    filler = b"v 1.5 2.25 -3\n" * max(n_vertices - 3, 0)
    return filler + b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf -3 -2 -1\n"


def ascii_fbx(
    vertices: np.ndarray, polygons: list[list[int]], translation: tuple[float, float, float]
) -> bytes:
    """A minimal ASCII FBX 7.4 file: one mesh node with `polygons` over `vertices`, moved by `translation`.

    Written by hand because no library in our stack writes FBX (trimesh and open3d read it at most);
    the layout is Autodesk's: each polygon's last index is stored as -(index + 1).
    """
    coords = ",".join(repr(float(c)) for c in np.asarray(vertices, dtype=float).ravel())
    indices = ",".join(str(i) for poly in polygons for i in [*poly[:-1], -poly[-1] - 1])
    n_indices = sum(len(p) for p in polygons)
    tx, ty, tz = translation
    return f"""; FBX 7.4.0 project file
FBXHeaderExtension:  {{
\tFBXHeaderVersion: 1003
\tFBXVersion: 7400
}}
GlobalSettings:  {{
\tVersion: 1000
\tProperties70:  {{
\t\tP: "UnitScaleFactor", "double", "Number", "",1
\t}}
}}
Objects:  {{
\tGeometry: 1000, "Geometry::part", "Mesh" {{
\t\tVertices: *{len(vertices) * 3} {{
\t\t\ta: {coords}
\t\t}}
\t\tPolygonVertexIndex: *{n_indices} {{
\t\t\ta: {indices}
\t\t}}
\t\tGeometryVersion: 124
\t}}
\tModel: 2000, "Model::part", "Mesh" {{
\t\tVersion: 232
\t\tProperties70:  {{
\t\t\tP: "Lcl Translation", "Lcl Translation", "", "A",{tx},{ty},{tz}
\t\t}}
\t}}
}}
Connections:  {{
\tC: "OO",1000,2000
\tC: "OO",2000,0
}}
""".encode()
