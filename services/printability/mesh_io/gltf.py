"""glTF and GLB, read by trimesh after a few checks trimesh does not make.

trimesh reads the accessors, buffer views, node transforms and triangle strips. What it does not do,
and is done here before it runs, each with a message that says where:
- GLB container: a header or chunk length past the end of the file is a truncated upload (trimesh
  reads a file that lies about its total length and fails on a lying chunk with a JSON error);
- the node hierarchy must be trees (glTF 2.0 spec): trimesh flattens a cycle silently;
- TRIANGLE_FAN primitives: trimesh drops them without a word, which would lose faces;
- external buffers: read only through `source.siblings` (the CLI's confined directory or an uploaded
  zip); without it the upload is refused with what to send instead.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from printforge_services.printability.mesh_io import via_trimesh
from printforge_services.printability.mesh_io.load import Source, Triangles
from printforge_services.printability.mesh_io.loaded import MeshLoadError

_JSON_CHUNK, _BIN_CHUNK = 0x4E4F534A, 0x004E4942
_TRIANGLE_FAN = 6


def read(data: bytes, source: Source) -> Triangles:
    text = glb_json(data) if source.fmt == "glb" else data
    check_document(parse_document(text), external_ok=source.siblings is not None)
    resolver = None
    if source.siblings is not None:
        from printforge_services.printability.mesh_io.siblings import trimesh_resolver

        resolver = trimesh_resolver(source.siblings)
    vertices, faces = via_trimesh.load(data, source.fmt, resolver=resolver, skip_materials=True)
    return Triangles(vertices, faces, file_unit_to_m=1.0)  # glTF is metres, whatever the caller says


def glb_json(data: bytes) -> bytes:
    """The JSON chunk of a GLB, after checking the header and every chunk fit in the file."""
    if len(data) < 20 or data[:4] != b"glTF":
        raise MeshLoadError("not a GLB file: missing the 'glTF' magic header")
    version, total = struct.unpack_from("<II", data, 4)
    if version != 2:
        raise MeshLoadError(f"GLB version {version} is not supported (only glTF 2.0)")
    if total > len(data):
        raise MeshLoadError(f"GLB header declares {total} bytes but the file has only {len(data)}")
    pos = 12
    chunks: list[tuple[int, int, int]] = []  # (kind, start, length)
    while pos + 8 <= total:
        length, kind = struct.unpack_from("<II", data, pos)
        if pos + 8 + length > total:
            raise MeshLoadError(f"GLB chunk at byte {pos} declares {length} bytes, past the end of the file")
        chunks.append((kind, pos + 8, length))
        pos += 8 + length
    if not chunks or chunks[0][0] != _JSON_CHUNK:
        raise MeshLoadError("GLB has no JSON chunk at byte 12")
    _, start, length = chunks[0]
    return data[start : start + length]


def parse_document(text: bytes) -> dict[str, Any]:
    """The glTF JSON document as a dict; MeshLoadError with the position when it is not valid JSON."""
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise MeshLoadError(f"glTF JSON is invalid: {exc}") from None
    if not isinstance(doc, dict):
        raise MeshLoadError("glTF JSON must be an object")
    return doc


def external_buffers(doc: dict[str, Any]) -> list[str]:
    """URIs of the buffers stored outside the document (neither embedded as data: nor the GLB chunk)."""
    buffers = doc.get("buffers", [])
    uris = [b.get("uri") for b in buffers if isinstance(b, dict)] if isinstance(buffers, list) else []
    return [uri for uri in uris if isinstance(uri, str) and not uri.startswith("data:")]


def external_buffer_message(uri: str) -> str:
    """What to tell the user whose upload refers to a buffer file it does not include."""
    return (
        f"glTF buffer refers to external file {uri!r}, which an upload cannot include: "
        "upload a .glb, or a .zip holding the .gltf and its buffers"
    )


def check_document(doc: dict[str, Any], external_ok: bool) -> None:
    """Refuse what trimesh would read wrongly or silently: node cycles, fans, unreachable buffers."""
    if not external_ok:
        for uri in external_buffers(doc):
            raise MeshLoadError(external_buffer_message(uri))
    try:
        _check_trees(doc.get("nodes", []))
        _check_accessors(doc)
        for m, mesh in enumerate(doc.get("meshes", [])):
            for p, primitive in enumerate(mesh.get("primitives", [])):
                if primitive.get("mode") == _TRIANGLE_FAN:
                    raise MeshLoadError(
                        f"glTF mesh {m} primitive {p} is a TRIANGLE_FAN, which is not supported"
                    )
    except (AttributeError, TypeError, LookupError) as exc:
        raise MeshLoadError(f"glTF document is malformed ({exc})") from None


_COMPONENT_BYTES = {5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4}
_TYPE_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}


def _check_accessors(doc: dict[str, Any]) -> None:
    """Each accessor's elements fit in its buffer view (trimesh would fail later, without saying which)."""
    views = doc.get("bufferViews", [])
    for index, accessor in enumerate(doc.get("accessors", [])):
        if "bufferView" not in accessor:
            continue
        view = views[accessor["bufferView"]]
        element = _COMPONENT_BYTES.get(accessor.get("componentType"), 0) * _TYPE_WIDTH.get(
            accessor.get("type"), 0
        )
        count = accessor.get("count", 0)
        if not element or not isinstance(count, int) or count < 0:
            raise MeshLoadError(f"glTF accessor {index} has an invalid componentType, type or count")
        stride = view.get("byteStride") or element
        needed = accessor.get("byteOffset", 0) + (stride * (count - 1) + element if count else 0)
        if needed > view.get("byteLength", 0):
            raise MeshLoadError(
                f"glTF accessor {index} ({count} x {accessor.get('type')}) needs {needed} bytes and does not "
                f"fit in its buffer view of {view.get('byteLength', 0)} bytes"
            )


def _check_trees(nodes: list[dict[str, Any]]) -> None:
    """Every node has at most one parent and no node is its own ancestor (glTF 2.0, 'Nodes')."""
    parent: dict[int, int] = {}
    for index, node in enumerate(nodes):
        for child in node.get("children", []):
            if not isinstance(child, int) or not 0 <= child < len(nodes):
                raise MeshLoadError(f"glTF node {index} has child {child!r}, which does not exist")
            if child in parent or child == index:
                raise MeshLoadError(f"glTF node {child} has more than one parent (or is its own child)")
            parent[child] = index
    reaches_root: set[int] = set()
    for start in parent:
        path: list[int] = []
        on_path: set[int] = set()
        node = start
        while node in parent and node not in reaches_root:
            if node in on_path:
                raise MeshLoadError(f"glTF node hierarchy has a cycle through node {node}")
            path.append(node)
            on_path.add(node)
            node = parent[node]
        reaches_root.update(path)
