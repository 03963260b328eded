"""PLY: binary files by our own reader, ASCII files (and headers ours does not know) by trimesh.

Why a reader of our own: binary PLY is the scanners' format and the second hot path after binary STL
(bench/bench_mesh_io.py measures ours against trimesh's on the same file). Nearly every binary PLY
has records of one size per element (all faces triangles, or all quads; each list property of the
same length in every record), so one structured `np.frombuffer` reads an element whole. trimesh
cannot read the others at all (mixed triangles and quads: "PLY is unexpected length"), nor a file
with trailing bytes, so those records are walked one by one here. An ASCII file, or a header with
a keyword or type ours does not know, makes `binary_read` return None and trimesh reads the file.

A header with no vertex or no face element (a "header-only" PLY) holds no triangle: the task
succeeds with status "unknown", as the metrics contract says.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

from printforge_services.printability.mesh_io import via_trimesh
from printforge_services.printability.mesh_io.load import Source, Triangles
from printforge_services.printability.mesh_io.loaded import MeshLoadError, check_indices, empty

_TYPES = {
    "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1",
    "short": "i2", "int16": "i2", "ushort": "u2", "uint16": "u2",
    "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
    "float": "f4", "float32": "f4", "double": "f8", "float64": "f8",
}  # fmt: skip
_STRUCT = {"i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I", "f4": "f", "f8": "d"}
_END_HEADER = re.compile(rb"end_header[ \t]*\r?\n")
_ORDER = {"binary_little_endian": "<", "binary_big_endian": ">"}
_FACE_LISTS = ("vertex_indices", "vertex_index")


@dataclass
class _Element:
    name: str
    count: int
    props: list[tuple[str, str, str | None]]  # (name, value type, list count type or None)


def read(data: bytes, source: Source) -> Triangles:
    if not data.startswith(b"ply"):
        raise MeshLoadError("not a PLY file: it must start with 'ply'")
    parsed = binary_read(data)
    if parsed is not None:
        return parsed
    return Triangles(*via_trimesh.load(data, "ply", explain=diagnose_ascii))


def diagnose_ascii(data: bytes) -> str | None:
    """Why trimesh refused an ASCII PLY, with the line: the first value in the body that is not a number."""
    end = _END_HEADER.search(data, 0, 65536)
    if end is None or b"format ascii" not in data[: end.start()]:
        return None
    first_line = data.count(b"\n", 0, end.end()) + 1
    for lineno, line in enumerate(data[end.end() :].splitlines(), first_line):
        for token in line.split():
            try:
                float(token)
            except ValueError:
                shown = token[:40].decode("utf-8", "replace")
                return f"PLY line {lineno}: {shown!r} is not a number"
    return None


def binary_read(data: bytes) -> Triangles | None:
    """The triangles of a binary PLY, or None to let trimesh read the file."""
    end = _END_HEADER.search(data, 0, 65536)
    if end is None:
        raise MeshLoadError("PLY header has no 'end_header' line in its first 64 KiB")
    header = _parse_header(data[: end.start()].decode("ascii", "replace"))
    if header is None:
        return None
    order, elements = header
    columns: dict[str, Any] = {}
    pos = end.end()
    for element in elements:
        if not element.props:  # an element without properties occupies no bytes, whatever its count
            continue
        table, pos = _fixed_records(element, data, pos, order)
        if table is None:
            table, pos = _variable_records(element, data, pos, order)
        if element.name in ("vertex", "face"):
            columns.update({f"{element.name}.{name}": table[name] for name, _, _ in element.props})
    if not all(f"vertex.{axis}" in columns for axis in "xyz"):
        return Triangles(*empty())  # header-only, or points without coordinates: no triangle
    vertices = np.column_stack([np.asarray(columns[f"vertex.{axis}"], np.float64) for axis in "xyz"])
    lists = [columns[f"face.{name}"] for name in _FACE_LISTS if f"face.{name}" in columns]
    faces = _fan(lists[0]) if lists else np.zeros((0, 3), np.int64)
    check_indices(faces, len(vertices), "PLY")
    return Triangles(vertices, faces)


def _parse_header(text: str) -> tuple[str, list[_Element]] | None:
    """(byte order, elements) of a binary header; None for ASCII or a header this reader does not know."""
    order = None
    elements: list[_Element] = []
    for line in text.splitlines()[1:]:
        parts = line.split()
        if not parts or parts[0] in ("comment", "obj_info"):
            continue
        try:
            if parts[0] == "format":
                order = _ORDER.get(parts[1])
            elif parts[0] == "element":
                elements.append(_Element(parts[1], int(parts[2]), []))
            elif parts[0] == "property" and parts[1] == "list":
                elements[-1].props.append((parts[4], _TYPES[parts[3]], _TYPES[parts[2]]))
            elif parts[0] == "property":
                elements[-1].props.append((parts[2], _TYPES[parts[1]], None))
            else:
                return None
        except (IndexError, KeyError, ValueError):
            return None  # trimesh reads it, or says what is wrong
    if order is None or any(e.count < 0 for e in elements):
        return None
    return order, elements


def _fixed_records(element: _Element, data: bytes, pos: int, order: str) -> tuple[np.ndarray | None, int]:
    """The element's records as one structured array when all have the first record's layout."""
    fields: list[tuple] = []
    cursor = pos
    for name, value_type, count_type in element.props:
        if count_type is None:
            fields.append((name, order + value_type))
            cursor += np.dtype(value_type).itemsize
            continue
        count_size = np.dtype(count_type).itemsize
        if element.count and cursor + count_size > len(data):
            raise _truncated(element, pos, len(data))
        length = int(np.frombuffer(data, order + count_type, 1, cursor)[0]) if element.count else 0
        fields.append((name + "\0count", order + count_type))
        fields.append((name, order + value_type, (length,)))
        cursor += count_size + length * np.dtype(value_type).itemsize
    dtype = np.dtype(fields)
    if pos + dtype.itemsize * element.count > len(data):
        if any(count_type is not None for _, _, count_type in element.props):
            return None, pos  # maybe records of other sizes
        raise _truncated(element, pos, len(data), dtype.itemsize)
    table = np.frombuffer(data, dtype=dtype, count=element.count, offset=pos)
    for name, _, count_type in element.props:
        if count_type is not None and (table[name + "\0count"] != dtype[name].shape[0]).any():
            return None, pos
    return table, pos + dtype.itemsize * element.count


def _variable_records(element: _Element, data: bytes, pos: int, order: str) -> tuple[dict[str, Any], int]:
    """The element's records read one by one, for lists whose lengths differ from record to record."""
    columns: dict[str, list[Any]] = {name: [] for name, _, _ in element.props}
    start = pos
    try:
        for _ in range(element.count):
            for name, value_type, count_type in element.props:
                if count_type is None:
                    columns[name].append(struct.unpack_from(order + _STRUCT[value_type], data, pos)[0])
                    pos += np.dtype(value_type).itemsize
                    continue
                (length,) = struct.unpack_from(order + _STRUCT[count_type], data, pos)
                pos += np.dtype(count_type).itemsize
                columns[name].append(struct.unpack_from(f"{order}{length}{_STRUCT[value_type]}", data, pos))
                pos += length * np.dtype(value_type).itemsize
    except struct.error:
        raise _truncated(element, start, len(data)) from None
    return columns, pos


def _truncated(element: _Element, pos: int, size: int, record: int | None = None) -> MeshLoadError:
    need = f" ({element.count} records of {record} bytes)" if record else ""
    return MeshLoadError(
        f"PLY ends inside element {element.name!r}: it starts at byte {pos}{need} "
        f"but the file has {size} bytes"
    )


def _fan(lists: np.ndarray | list[tuple[int, ...]]) -> np.ndarray:
    """Fan-triangulate polygons, (m, k) or of mixed sizes, into triangles; those under 3 corners give none."""
    if not isinstance(lists, np.ndarray):
        tris = [(p[0], p[i], p[i + 1]) for p in lists for i in range(1, len(p) - 1)]
        return np.array(tris, dtype=np.int64).reshape(-1, 3)
    k = lists.shape[1]
    if k < 3:
        return np.zeros((0, 3), np.int64)
    idx = lists.astype(np.int64)
    fan = [np.column_stack([idx[:, 0], idx[:, i], idx[:, i + 1]]) for i in range(1, k - 1)]
    return np.stack(fan, axis=1).reshape(-1, 3)
