"""Read an uploaded mesh file into one triangle soup, safely and faithfully to the metrics contract.

Why our own readers instead of trimesh's: the printability contract
(shared/design/printability-metrics.md) counts holes, degenerate faces and non-manifold edges on the
faces *as written in the file*, so the loader must not merge, drop or reorder anything, and every byte
comes from a user upload, so a file that lies about its sizes must become a `MeshLoadError` with a
message that says why, never a crash, a huge allocation or an endless loop. The readers are small,
numpy-vectorised where the data is large (binary STL, binary PLY, glTF buffers) and check every count
and offset against the bytes actually present before using it.

Units: `LoadedMesh.vertices` are always millimetres. STL, OBJ, PLY and OFF carry no unit, so the caller's
`unit` applies (default mm); glTF/GLB are metres (glTF spec) and 3MF uses its `unit` attribute, both
regardless of `unit`. `unit_to_m` records the file's unit in metres, i.e. the file coordinates were
multiplied by `unit_to_m * 1000` (exactly 1.0 for millimetre files, which are left untouched).
"""

from __future__ import annotations

import base64
import io
import json
import math
import mmap
import os
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from services.printability.topology import is_triangle_soup

SUPPORTED_FORMATS = ("stl", "obj", "ply", "off", "glb", "gltf", "3mf")

#: metres per unit, for the `unit` argument (STL/OBJ/PLY/OFF) and the 3MF `unit` attribute.
UNIT_TO_M: dict[str, float] = {
    "micron": 1e-6,
    "um": 1e-6,
    "mm": 1e-3,
    "millimeter": 1e-3,
    "millimetre": 1e-3,
    "cm": 1e-2,
    "centimeter": 1e-2,
    "centimetre": 1e-2,
    "m": 1.0,
    "meter": 1.0,
    "metre": 1.0,
    "in": 0.0254,
    "inch": 0.0254,
    "ft": 0.3048,
    "foot": 0.3048,
}

#: 3MF parts are refused past this many decompressed bytes in total (zip-bomb guard). The XML tree
#: costs several times its text in memory; 256 MiB of model XML is roughly 2.5M triangles.
MAX_3MF_PART_BYTES = 256 << 20
#: Files at least this large are memory-mapped by `read_file` rather than read into memory.
MMAP_MIN_BYTES = 1 << 20
#: Node visits allowed while walking a glTF scene (guards against exponential DAGs).
MAX_GLTF_NODE_VISITS = 100_000


class MeshLoadError(ValueError):
    """The bytes cannot be read as a mesh; the message says why, for the user."""


class LoadedMesh:
    """All triangles of a file, concatenated, unwelded, in millimetres.

    `faces` index `vertices`; polygons are fan-triangulated, nothing is merged or dropped (except
    OBJ/PLY/OFF "faces" with fewer than three corners, which are lines or points, not surfaces).

    A binary STL stays a triangle soup: `soup` is a (m, 3, 3) view of the float32 corners in the
    file's own records, and `vertices` (widened to float64) and `faces` (0 .. 3m-1) are built only
    when asked for. The analyzer needs neither (it welds and measures the soup block by block), and
    for a 1.3M-triangle file they are 125 MB that would be written once and never read.
    """

    def __init__(
        self,
        vertices: np.ndarray | None,
        faces: np.ndarray | None,
        unit_to_m: float,
        source_format: str,
        has_triangles: bool,
        soup: np.ndarray | None = None,
    ) -> None:
        self._vertices = vertices  # (n, 3) float64, millimetres, transforms applied
        self._faces = faces  # (m, 3) int64
        self._soup = soup  # (m, 3, 3) float, millimetres: given for binary STL, else found on demand
        self.unit_to_m = unit_to_m  # metres per file unit; vertices = file coordinates * unit_to_m * 1000
        self.source_format = source_format
        self.has_triangles = has_triangles

    @classmethod
    def from_soup(cls, corners: np.ndarray, unit_to_m: float, source_format: str) -> LoadedMesh:
        """A mesh whose face i is corners[i] (any float dtype and strides), built lazily from them."""
        return cls(None, None, unit_to_m, source_format, bool(len(corners)), soup=corners)

    @property
    def vertices(self) -> np.ndarray:
        if self._vertices is None:
            assert self._soup is not None
            # One widening copy straight from the strided view, then a free reshape of the result.
            self._vertices = np.array(self._soup, dtype=np.float64).reshape(-1, 3)
        return self._vertices

    @property
    def faces(self) -> np.ndarray:
        if self._faces is None:
            assert self._soup is not None
            self._faces = np.arange(3 * len(self._soup), dtype=np.int64).reshape(-1, 3)
        return self._faces

    @property
    def soup(self) -> np.ndarray | None:
        """(m, 3, 3) face corners when every face has its own three vertices in order, else None."""
        if self._soup is None and is_triangle_soup(self.faces, len(self.vertices)):
            self._soup = self.vertices.reshape(-1, 3, 3)
        return self._soup


def load_mesh(data: bytes | mmap.mmap, filename: str, unit: str = "mm") -> LoadedMesh:
    """Parse `data` (the file's bytes, or a read-only memory map of the file) by `filename`'s extension.

    A memory map lets a large binary STL be read straight from the page cache, without first copying
    the whole file into a bytes object; every other format works on bytes (see `read_file`).
    Raises MeshLoadError for unsupported extensions, unknown units and unreadable or hostile content.
    """
    fmt = _format_of(data, filename)
    if fmt != "stl" and not isinstance(data, bytes):
        data = bytes(data)
    unit_to_m = 1.0 if fmt in ("glb", "gltf") else _unit_to_m(unit)
    try:
        with np.errstate(invalid="ignore", over="ignore"):  # NaN/inf are reported below, not warned
            if fmt == "3mf":
                vertices, faces, unit_to_m = _read_3mf(data)
            else:
                vertices, faces = _READERS[fmt](data)
            if faces is None:  # a binary STL: vertices are the (m, 3, 3) corners in its records
                return _soup_mesh(vertices, unit_to_m, fmt)
    except MeshLoadError:
        raise
    except (ValueError, LookupError, TypeError, ArithmeticError, struct.error, zlib.error, EOFError) as exc:
        # A safety net: the readers check what they know to check; anything else a malformed file
        # trips on is still the file's fault and must reach the user as a message, not a crash.
        raise MeshLoadError(f"{fmt.upper()} file is malformed ({type(exc).__name__}: {exc})") from None
    vertices = np.ascontiguousarray(vertices, dtype=np.float64).reshape(-1, 3)
    faces = np.ascontiguousarray(faces, dtype=np.int64).reshape(-1, 3)
    if len(faces) and not _all_finite(vertices):
        raise MeshLoadError("vertex coordinates contain NaN or infinity")
    scale = unit_to_m * 1000.0
    if scale != 1.0:
        vertices = vertices * scale
    return LoadedMesh(vertices, faces, unit_to_m, fmt, bool(len(faces)))


def _soup_mesh(corners: np.ndarray, unit_to_m: float, fmt: str) -> LoadedMesh:
    if len(corners) and not _all_finite(corners):
        raise MeshLoadError("vertex coordinates contain NaN or infinity")
    scale = unit_to_m * 1000.0
    if scale != 1.0:
        corners = corners * np.float64(scale)
    return LoadedMesh.from_soup(corners, unit_to_m, fmt)


def read_file(path: Path) -> bytes | mmap.mmap:
    """The bytes of the file at `path` for `load_mesh`: a read-only memory map when it is large.

    Mapping skips the copy of the whole file into a bytes object (tens of milliseconds for a large
    STL); small and empty files (which cannot be mapped) are simply read.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size < MMAP_MIN_BYTES:
            return fh.read()
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def _all_finite(vertices: np.ndarray) -> bool:
    """No NaN or infinity: min and max propagate NaN, and an infinity is the min or the max.

    Two vectorised reductions instead of a 10 MB boolean temporary per million vertices.
    """
    return bool(vertices.size == 0 or (np.isfinite(vertices.min()) and np.isfinite(vertices.max())))


def _format_of(data: bytes | mmap.mmap, filename: str) -> str:
    ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")
    if ext in SUPPORTED_FORMATS:
        return ext
    if data[:4] == b"glTF":
        return "glb"
    raise MeshLoadError(
        f"unsupported file type {('.' + ext) if ext else '(no extension)'!r} for {filename!r}; "
        f"supported: {', '.join('.' + f for f in SUPPORTED_FORMATS)}"
    )


def _unit_to_m(unit: str) -> float:
    try:
        return UNIT_TO_M[unit.strip().lower()]
    except KeyError:
        raise MeshLoadError(f"unknown unit {unit!r}; use one of mm, cm, m, in") from None


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)


def _fan(polygons: list[list[int]]) -> np.ndarray:
    """Fan-triangulate polygons (v0, v1, v2), (v0, v2, v3), ...; fewer than 3 corners are skipped."""
    tris = array("q")
    for poly in polygons:
        first = poly[0] if poly else 0
        for i in range(1, len(poly) - 1):
            tris.extend((first, poly[i], poly[i + 1]))
    return np.frombuffer(tris, dtype=np.int64).reshape(-1, 3) if tris else np.zeros((0, 3), np.int64)


def _check_indices(faces: np.ndarray, n_vertices: int, what: str) -> None:
    if faces.size and (faces.min() < 0 or faces.max() >= n_vertices):
        bad = int(faces.max() if faces.max() >= n_vertices else faces.min())
        raise MeshLoadError(f"{what}: face references vertex {bad} but only {n_vertices} vertices exist")


# --------------------------------------------------------------------------------------------- STL

_STL_RECORD = np.dtype([("normal", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
_FLOAT = rb"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)"
_STL_VERTEX = re.compile(rb"vertex\s+(" + _FLOAT + rb")\s+(" + _FLOAT + rb")\s+(" + _FLOAT + rb")", re.I)


def _read_stl(data: bytes | mmap.mmap) -> tuple[np.ndarray, np.ndarray | None]:
    """(vertices, faces) of an ASCII STL, or (corners, None) of a binary one (see `_read_binary_stl`)."""
    if len(data) >= 84:
        count = struct.unpack_from("<I", data, 80)[0]
        expected = 84 + 50 * count
        # A binary file whose header happens to start with "solid" is still binary when the sizes agree.
        if len(data) == expected or (not _looks_ascii_stl(data) and len(data) > expected):
            return _read_binary_stl(data, count)
        if not _looks_ascii_stl(data):
            raise MeshLoadError(
                f"binary STL is truncated: header declares {count} triangles ({expected} bytes) "
                f"but the file has {len(data)} bytes"
            )
    elif not _looks_ascii_stl(data):
        raise MeshLoadError(f"not an STL file: {len(data)} bytes is shorter than a binary STL header")
    return _read_ascii_stl(bytes(data))


def _looks_ascii_stl(data: bytes | mmap.mmap) -> bool:
    head = data[:1024].lstrip()
    return head[:5].lower() == b"solid" and b"\0" not in head


def _read_binary_stl(data: bytes | mmap.mmap, count: int) -> tuple[np.ndarray, None]:
    """The (count, 3, 3) float32 corners as a view of the records (no copy), and None for faces."""
    return np.frombuffer(data, dtype=_STL_RECORD, count=count, offset=84)["v"], None


def _read_ascii_stl(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    if b"\0" in data:
        raise MeshLoadError("ASCII STL contains binary (NUL) bytes; the file is corrupt")
    coords = _STL_VERTEX.findall(data)
    n_keywords = len(re.findall(rb"\bvertex\b", data, re.I))
    if n_keywords != len(coords):
        raise MeshLoadError("ASCII STL has a 'vertex' line without three numbers")
    if len(coords) % 3:
        raise MeshLoadError(
            f"ASCII STL has {len(coords)} vertices, not a multiple of 3 (facets must be triangles)"
        )
    if not coords:
        return _empty()
    vertices = np.array(coords, dtype=np.float64)
    return vertices, np.arange(len(vertices), dtype=np.int64).reshape(-1, 3)


# --------------------------------------------------------------------------------------------- OBJ


_OBJ_STATEMENT = re.compile(rb"^[ \t]*(?:v|vt|vn|vp|f|l|p|o|g|s|usemtl|mtllib|#)(?:[ \t]|$)", re.M)


def _read_obj(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """One pass over the lines, storing into flat arrays (8 bytes a number, not a Python object).

    A regex/numpy vectorised reader was measured no faster: per-number parsing dominates either way.
    """
    if b"\0" in data:
        raise MeshLoadError("OBJ must be a text file but contains binary (NUL) bytes")
    if data.strip() and not _OBJ_STATEMENT.search(data):
        raise MeshLoadError("not an OBJ file: no OBJ statement (v, f, o, ...) found")
    coords = array("d")
    tris = array("q")
    n_vertices = 0
    for lineno, raw in enumerate(io.BytesIO(data), start=1):
        line = raw.strip()
        if line[:2] == b"v " or line[:2] == b"v\t":
            parts = line.split()
            if len(parts) < 4:
                raise MeshLoadError(f"OBJ line {lineno}: vertex needs three coordinates")
            try:
                coords.extend((float(parts[1]), float(parts[2]), float(parts[3])))
            except ValueError:
                raise MeshLoadError(f"OBJ line {lineno}: bad vertex coordinate in {line[:80]!r}") from None
            n_vertices += 1
        elif line[:2] == b"f " or line[:2] == b"f\t":
            try:
                poly = [int(tok.split(b"/", 1)[0]) for tok in line.split()[1:]]
            except ValueError:
                raise MeshLoadError(f"OBJ line {lineno}: bad face index in {line[:80]!r}") from None
            for k, idx in enumerate(poly):
                if idx < 0:
                    poly[k] = n_vertices + idx
                    if poly[k] < 0:
                        raise MeshLoadError(
                            f"OBJ line {lineno}: relative index {idx} points before the first vertex "
                            f"({n_vertices} vertices defined so far)"
                        )
                elif idx == 0:
                    raise MeshLoadError(
                        f"OBJ line {lineno}: face index 0 is invalid (OBJ indices start at 1)"
                    )
                else:
                    poly[k] = idx - 1
            for i in range(1, len(poly) - 1):
                tris.extend((poly[0], poly[i], poly[i + 1]))
    vertices = np.frombuffer(coords, dtype=np.float64).reshape(-1, 3)
    faces = np.frombuffer(tris, dtype=np.int64).reshape(-1, 3)
    if faces.size and faces.max() >= n_vertices:
        raise MeshLoadError(
            f"OBJ face references vertex {int(faces.max()) + 1} "
            f"but the file defines only {n_vertices} vertices"
        )
    return vertices, faces


# --------------------------------------------------------------------------------------------- OFF


def _read_off(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    lines = _content_lines(data)
    header = next(lines, None)
    if header is None or not header[0].upper().endswith(b"OFF"):
        raise MeshLoadError("not an OFF file: the first line must be 'OFF'")
    counts = header[1:] or next(lines, [])
    try:
        n_vertices, n_faces = int(counts[0]), int(counts[1])
    except (IndexError, ValueError):
        raise MeshLoadError("OFF header must give vertex and face counts") from None
    if n_vertices < 0 or n_faces < 0 or n_vertices + n_faces > len(data):
        raise MeshLoadError(
            f"OFF header counts ({n_vertices} vertices, {n_faces} faces) exceed the file size"
        )
    coords = array("d")
    polygons: list[list[int]] = []
    try:
        for _ in range(n_vertices):
            parts = next(lines)
            coords.extend((float(parts[0]), float(parts[1]), float(parts[2])))
        for _ in range(n_faces):
            parts = next(lines)
            k = int(parts[0])
            if len(parts) < k + 1:
                raise MeshLoadError(f"OFF face declares {k} corners but lists {len(parts) - 1}")
            polygons.append([int(p) for p in parts[1 : k + 1]])
    except StopIteration:
        raise MeshLoadError("OFF file ends before all vertices and faces declared in its header") from None
    except (IndexError, ValueError):
        raise MeshLoadError("OFF file has a malformed vertex or face line") from None
    faces = _fan(polygons)
    _check_indices(faces, n_vertices, "OFF")
    return np.frombuffer(coords, dtype=np.float64).reshape(-1, 3), faces


def _content_lines(data: bytes) -> Iterator[list[bytes]]:
    for raw in io.BytesIO(data):
        parts = raw.split(b"#", 1)[0].split()
        if parts:
            yield parts


# --------------------------------------------------------------------------------------------- PLY

_PLY_TYPES = {
    "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1",
    "short": "i2", "int16": "i2", "ushort": "u2", "uint16": "u2",
    "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
    "float": "f4", "float32": "f4", "double": "f8", "float64": "f8",
}  # fmt: skip


@dataclass
class _PlyElement:
    name: str
    count: int
    props: list[tuple[str, str, str | None]]  # (name, value type, list count type or None)


def _read_ply(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    if not data.startswith(b"ply"):
        raise MeshLoadError("not a PLY file: it must start with 'ply'")
    end = re.search(rb"end_header[ \t]*\r?\n", data[:65536])
    if end is None:
        raise MeshLoadError("PLY header has no 'end_header' line")
    fmt, elements = _parse_ply_header(data[: end.start()].decode("ascii", "replace"))
    body = data[end.end() :]
    values: dict[str, dict[str, object]] = {}
    if fmt == "ascii":
        tokens = body.split()
        pos = 0
        for el in elements:
            values[el.name], pos = _ply_ascii_element(el, tokens, pos)
    else:
        order = "<" if fmt == "binary_little_endian" else ">"
        pos = 0
        for el in elements:
            if el.props:  # an element without properties occupies no bytes, whatever its count
                values[el.name], pos = _ply_binary_element(el, body, pos, order)
    vertex = values.get("vertex")
    if vertex is None or not all(k in vertex for k in "xyz"):
        raise MeshLoadError("PLY has no vertex element with x, y, z properties")
    vertices = np.column_stack([np.asarray(vertex[k], dtype=np.float64) for k in "xyz"])
    faces = np.zeros((0, 3), np.int64)
    face = values.get("face", {})
    lists = [face[k] for k in ("vertex_indices", "vertex_index") if k in face]
    if lists:
        faces = _fan_lists(lists[0])
    _check_indices(faces, len(vertices), "PLY")
    return vertices, faces


def _parse_ply_header(header: str) -> tuple[str, list[_PlyElement]]:
    fmt = ""
    elements: list[_PlyElement] = []
    for line in header.splitlines()[1:]:
        parts = line.split()
        if not parts or parts[0] in ("comment", "obj_info"):
            continue
        try:
            if parts[0] == "format":
                fmt = parts[1]
            elif parts[0] == "element":
                count = int(parts[2])
                if count < 0:
                    raise ValueError
                elements.append(_PlyElement(parts[1], count, []))
            elif parts[0] == "property" and parts[1] == "list":
                elements[-1].props.append((parts[4], _PLY_TYPES[parts[3]], _PLY_TYPES[parts[2]]))
            elif parts[0] == "property":
                elements[-1].props.append((parts[2], _PLY_TYPES[parts[1]], None))
        except (IndexError, KeyError, ValueError):
            raise MeshLoadError(f"PLY header line {line!r} is malformed") from None
    if fmt not in ("ascii", "binary_little_endian", "binary_big_endian"):
        raise MeshLoadError(f"PLY format {fmt!r} is not ascii, binary_little_endian or binary_big_endian")
    return fmt, elements


def _ply_ascii_element(el: _PlyElement, tokens: list[bytes], pos: int) -> tuple[dict[str, object], int]:
    out: dict[str, object] = {}
    try:
        if all(p[2] is None for p in el.props):
            width = len(el.props)
            if pos + width * el.count > len(tokens):
                raise MeshLoadError(f"PLY ends inside element {el.name!r}")
            table = np.array(tokens[pos : pos + width * el.count], dtype=np.float64).reshape(el.count, width)
            for i, (name, _, _) in enumerate(el.props):
                out[name] = table[:, i]
            return out, pos + width * el.count
        columns: dict[str, list[object]] = {p[0]: [] for p in el.props}
        for _ in range(el.count):
            for name, _, count_type in el.props:
                if count_type is None:
                    columns[name].append(float(tokens[pos]))
                    pos += 1
                else:
                    k = int(tokens[pos])
                    if k < 0 or pos + 1 + k > len(tokens):
                        raise MeshLoadError(f"PLY list in element {el.name!r} runs past the end of the file")
                    columns[name].append([int(t) for t in tokens[pos + 1 : pos + 1 + k]])
                    pos += 1 + k
    except IndexError:
        raise MeshLoadError(f"PLY ends inside element {el.name!r}") from None
    except ValueError:
        raise MeshLoadError(f"PLY element {el.name!r} holds a value that is not a number") from None
    return dict(columns), pos


def _ply_binary_element(el: _PlyElement, body: bytes, pos: int, order: str) -> tuple[dict[str, object], int]:
    """Read one element; list properties take a vectorised path when every list has the first one's length."""
    if el.count == 0:
        return {p[0]: [] for p in el.props}, pos
    guess_fields = []
    for name, vtype, count_type in el.props:
        if count_type is None:
            guess_fields.append((name, order + vtype))
        else:
            if pos >= len(body):
                raise MeshLoadError(f"PLY ends inside element {el.name!r}")
            k = _ply_first_list_len(el, body, pos, order)
            guess_fields.append((name + "\0count", order + count_type))
            guess_fields.append((name, order + vtype, (k,)))
    dtype = np.dtype(guess_fields)
    if pos + dtype.itemsize * el.count <= len(body):
        table = np.frombuffer(body, dtype=dtype, count=el.count, offset=pos)
        consistent = all(
            (table[name + "\0count"] == dtype[name].shape[0]).all()
            for name, _, ct in el.props
            if ct is not None
        )
        if consistent:
            return {name: table[name] for name, _, _ in el.props}, pos + dtype.itemsize * el.count
    if all(p[2] is None for p in el.props):
        raise MeshLoadError(f"PLY ends inside element {el.name!r} ({el.count} records declared)")
    return _ply_binary_slow(el, body, pos, order)


def _ply_first_list_len(el: _PlyElement, body: bytes, pos: int, order: str) -> int:
    for _name, vtype, count_type in el.props:
        if count_type is not None:
            return int(np.frombuffer(body, dtype=order + count_type, count=1, offset=pos)[0])
        pos += np.dtype(vtype).itemsize
    return 0


def _ply_binary_slow(el: _PlyElement, body: bytes, pos: int, order: str) -> tuple[dict[str, object], int]:
    columns: dict[str, list[object]] = {p[0]: [] for p in el.props}
    try:
        for _ in range(el.count):
            for name, vtype, count_type in el.props:
                if count_type is None:
                    columns[name].append(struct.unpack_from(order + _STRUCT[vtype], body, pos)[0])
                    pos += np.dtype(vtype).itemsize
                else:
                    k = struct.unpack_from(order + _STRUCT[count_type], body, pos)[0]
                    pos += np.dtype(count_type).itemsize
                    columns[name].append(list(struct.unpack_from(f"{order}{k}{_STRUCT[vtype]}", body, pos)))
                    pos += k * np.dtype(vtype).itemsize
    except struct.error:
        raise MeshLoadError(f"PLY ends inside element {el.name!r} ({el.count} records declared)") from None
    return dict(columns), pos


_STRUCT = {"i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I", "f4": "f", "f8": "d"}


def _fan_lists(lists: object) -> np.ndarray:
    if isinstance(lists, np.ndarray) and lists.ndim == 2:
        k = lists.shape[1]
        if k < 3:
            return np.zeros((0, 3), np.int64)
        idx = lists.astype(np.int64)
        fan = [np.column_stack([idx[:, 0], idx[:, i], idx[:, i + 1]]) for i in range(1, k - 1)]
        return np.stack(fan, axis=1).reshape(-1, 3)
    return _fan([[int(v) for v in poly] for poly in lists])  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------- glTF/GLB

_GLTF_COMPONENTS = {5120: "i1", 5121: "u1", 5122: "i2", 5123: "u2", 5125: "u4", 5126: "f4"}
_GLTF_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}


def _read_glb(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    if len(data) < 20 or data[:4] != b"glTF":
        raise MeshLoadError("not a GLB file: missing the 'glTF' magic header")
    version, total = struct.unpack_from("<II", data, 4)
    if version != 2:
        raise MeshLoadError(f"GLB version {version} is not supported (only glTF 2.0)")
    if total > len(data):
        raise MeshLoadError(f"GLB header declares {total} bytes but the file has only {len(data)}")
    pos = 12
    chunks: list[tuple[int, bytes]] = []
    while pos + 8 <= total:
        length, kind = struct.unpack_from("<II", data, pos)
        if pos + 8 + length > total:
            raise MeshLoadError(f"GLB chunk at byte {pos} declares {length} bytes, past the end of the file")
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length
    if not chunks or chunks[0][0] != 0x4E4F534A:
        raise MeshLoadError("GLB has no JSON chunk first")
    binary = chunks[1][1] if len(chunks) > 1 and chunks[1][0] == 0x004E4942 else None
    return _read_gltf_json(chunks[0][1], binary)


def _read_gltf_json(text: bytes, glb_binary: bytes | None) -> tuple[np.ndarray, np.ndarray]:
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MeshLoadError(f"glTF JSON is invalid: {exc}") from None
    if not isinstance(doc, dict):
        raise MeshLoadError("glTF JSON must be an object")
    try:
        return _GltfReader(doc, glb_binary).read()
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        if isinstance(exc, MeshLoadError):
            raise
        raise MeshLoadError(f"glTF document is malformed ({type(exc).__name__}: {exc})") from None


class _GltfReader:
    """Walks the default scene and gathers every triangle primitive in world space (metres)."""

    def __init__(self, doc: dict, glb_binary: bytes | None) -> None:
        self.doc = doc
        self.glb_binary = glb_binary
        self.buffers: dict[int, bytes] = {}

    def read(self) -> tuple[np.ndarray, np.ndarray]:
        doc = self.doc
        for ext in doc.get("extensionsRequired", []):
            if ext not in ("KHR_mesh_quantization", "KHR_materials_unlit", "KHR_texture_transform"):
                raise MeshLoadError(f"glTF requires extension {ext!r}, which is not supported")
        scenes = doc.get("scenes", [])
        if scenes:
            roots = scenes[int(doc.get("scene", 0))].get("nodes", [])
        else:
            children = {c for n in doc.get("nodes", []) for c in n.get("children", [])}
            roots = [i for i in range(len(doc.get("nodes", []))) if i not in children]
        parts_v: list[np.ndarray] = []
        parts_f: list[np.ndarray] = []
        offset = 0
        for node_index, world in self._walk(roots):
            mesh_index = self.doc["nodes"][node_index].get("mesh")
            if mesh_index is None:
                continue
            for prim in self.doc["meshes"][mesh_index]["primitives"]:
                got = self._primitive(prim)
                if got is None:
                    continue
                positions, faces = got
                parts_v.append(positions @ world[:3, :3].T + world[:3, 3])
                parts_f.append(faces + offset)
                offset += len(positions)
        if not parts_v:
            return _empty()
        return np.concatenate(parts_v), np.concatenate(parts_f)

    def _walk(self, roots: list[int]) -> Iterator[tuple[int, np.ndarray]]:
        nodes = self.doc.get("nodes", [])
        stack: list[tuple[int, np.ndarray, frozenset[int]]] = [
            (int(r), np.eye(4), frozenset()) for r in roots
        ]
        visits = 0
        while stack:
            index, parent, path = stack.pop()
            if index in path:
                raise MeshLoadError(f"glTF node hierarchy has a cycle through node {index}")
            visits += 1
            if visits > MAX_GLTF_NODE_VISITS:
                raise MeshLoadError(f"glTF scene expands to more than {MAX_GLTF_NODE_VISITS} node instances")
            if not 0 <= index < len(nodes):
                raise MeshLoadError(f"glTF scene references node {index}, which does not exist")
            world = parent @ _node_matrix(nodes[index])
            yield index, world
            for child in nodes[index].get("children", []):
                stack.append((int(child), world, path | {index}))

    def _primitive(self, prim: dict) -> tuple[np.ndarray, np.ndarray] | None:
        mode = prim.get("mode", 4)
        if mode not in (4, 5, 6) or "POSITION" not in prim.get("attributes", {}):
            return None
        if "KHR_draco_mesh_compression" in prim.get("extensions", {}):
            raise MeshLoadError("glTF uses Draco mesh compression, which is not supported")
        positions = self._accessor(prim["attributes"]["POSITION"]).astype(np.float64)
        if positions.shape[1] != 3:
            raise MeshLoadError("glTF POSITION accessor is not VEC3")
        n = len(positions)
        indices = (
            self._accessor(prim["indices"]).reshape(-1).astype(np.int64)
            if prim.get("indices") is not None
            else np.arange(n, dtype=np.int64)
        )
        if mode == 4:
            faces = indices[: len(indices) // 3 * 3].reshape(-1, 3)
        elif len(indices) < 3:
            faces = np.zeros((0, 3), np.int64)
        elif mode == 5:  # strip: odd triangles flip to keep the winding
            i = np.arange(len(indices) - 2)
            odd = i % 2 == 1
            faces = np.column_stack([indices[i], indices[i + 1 + odd], indices[i + 2 - odd]])
        else:  # fan
            i = np.arange(1, len(indices) - 1)
            faces = np.column_stack([np.full(len(i), indices[0]), indices[i], indices[i + 1]])
        _check_indices(faces, n, "glTF primitive")
        return positions, faces

    def _accessor(self, index: int) -> np.ndarray:
        acc = self.doc["accessors"][int(index)]
        if "sparse" in acc or "bufferView" not in acc:
            raise MeshLoadError(
                f"glTF accessor {index} is sparse or has no bufferView, which is not supported"
            )
        comp = _GLTF_COMPONENTS.get(acc["componentType"])
        width = _GLTF_WIDTH.get(acc["type"])
        count = acc["count"]
        if comp is None or width is None or not isinstance(count, int) or count < 0:
            raise MeshLoadError(f"glTF accessor {index} has an invalid componentType, type or count")
        view = self.doc["bufferViews"][int(acc["bufferView"])]
        buf = self._buffer(int(view["buffer"]))
        item = np.dtype("<" + comp).itemsize
        elem = item * width
        stride = view.get("byteStride") or elem
        start = int(view.get("byteOffset", 0)) + int(acc.get("byteOffset", 0))
        view_end = int(view.get("byteOffset", 0)) + int(view["byteLength"])
        needed = start + (stride * (count - 1) + elem if count else 0)
        if stride < elem or start < 0 or view_end > len(buf) or needed > view_end:
            raise MeshLoadError(
                f"glTF accessor {index} ({count} x {acc['type']}) does not fit in its buffer view "
                f"({view_end} bytes available in a {len(buf)}-byte buffer)"
            )
        if count == 0:
            return np.zeros((0, width), dtype=np.float64)
        arr = np.ndarray((count, width), dtype="<" + comp, buffer=buf, offset=start, strides=(stride, item))
        if acc.get("normalized") and comp != "f4":
            info = np.iinfo(arr.dtype)
            return np.maximum(arr.astype(np.float64) / info.max, -1.0)
        return arr

    def _buffer(self, index: int) -> bytes:
        if index in self.buffers:
            return self.buffers[index]
        spec = self.doc["buffers"][index]
        uri = spec.get("uri")
        if uri is None:
            if self.glb_binary is None:
                raise MeshLoadError(f"glTF buffer {index} has no uri and there is no GLB binary chunk")
            data = self.glb_binary
        elif uri.startswith("data:"):
            try:
                data = base64.b64decode(uri.split(",", 1)[1], validate=False)
            except (IndexError, ValueError):
                raise MeshLoadError(f"glTF buffer {index} has a malformed data URI") from None
        else:
            raise MeshLoadError(
                f"glTF buffer {index} refers to external file {uri!r}; upload a .glb or embed the buffers"
            )
        self.buffers[index] = data
        return data


def _node_matrix(node: dict) -> np.ndarray:
    if "matrix" in node:
        m = np.asarray(node["matrix"], dtype=np.float64)
        if m.shape != (16,):
            raise MeshLoadError("glTF node matrix must have 16 numbers")
        return m.reshape(4, 4).T  # column-major
    t = np.asarray(node.get("translation", [0, 0, 0]), dtype=np.float64)
    x, y, z, w = np.asarray(node.get("rotation", [0, 0, 0, 1]), dtype=np.float64)
    s = np.asarray(node.get("scale", [1, 1, 1]), dtype=np.float64)
    rot = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    m = np.eye(4)
    m[:3, :3] = rot * s
    m[:3, 3] = t
    return m


_READERS = {
    "stl": _read_stl,
    "obj": _read_obj,
    "ply": _read_ply,
    "off": _read_off,
    "glb": _read_glb,
    "gltf": lambda data: _read_gltf_json(data, None),
}

# --------------------------------------------------------------------------------------------- 3MF

_NS_CORE = "http://schemas.microsoft.com/3dmanufacturing/core/2015/02"
_NS_PROD = "http://schemas.microsoft.com/3dmanufacturing/production/2015/06"
_REL_3DMODEL = "http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"


def _read_3mf(data: bytes) -> tuple[np.ndarray, np.ndarray, float]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise MeshLoadError(f"3MF is not a valid zip archive: {exc}") from None
    with archive:
        reader = _ThreeMfReader(archive)
        return reader.read()


class _ThreeMfReader:
    """Resolves build items -> objects -> components (possibly in other model parts) into world triangles."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.models: dict[str, dict[str, object]] = {}
        self.budget = MAX_3MF_PART_BYTES

    def read(self) -> tuple[np.ndarray, np.ndarray, float]:
        root_path = self._root_model_path()
        root = self._parse(root_path)
        unit = root.get("unit", "millimeter")
        if unit not in UNIT_TO_M:
            raise MeshLoadError(f"3MF unit {unit!r} is not a 3MF unit")
        parts_v: list[np.ndarray] = []
        parts_f: list[np.ndarray] = []
        offset = 0
        build = root.find(f"{{{_NS_CORE}}}build")
        for item in build.iterfind(f"{{{_NS_CORE}}}item") if build is not None else []:
            path = item.get(f"{{{_NS_PROD}}}path", root_path)
            for vertices, faces in self._instances(path, item.get("objectid"), _transform(item), frozenset()):
                parts_v.append(vertices)
                parts_f.append(faces + offset)
                offset += len(vertices)
        if not parts_v:
            v, f = _empty()
            return v, f, UNIT_TO_M[unit]
        return np.concatenate(parts_v), np.concatenate(parts_f), UNIT_TO_M[unit]

    def _root_model_path(self) -> str:
        try:
            rels = self._parse("_rels/.rels")
        except MeshLoadError:
            return "/3D/3dmodel.model"
        for rel in rels.iter("{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"):
            if rel.get("Type") == _REL_3DMODEL and rel.get("Target"):
                return rel.get("Target")
        return "/3D/3dmodel.model"

    def _parse(self, path: str):  # -> lxml.etree._Element
        from lxml import etree

        name = path.lstrip("/")
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise MeshLoadError(f"3MF archive has no part {path!r}") from None
        if info.file_size > self.budget:
            raise MeshLoadError(f"3MF part {path!r} decompresses to more than {MAX_3MF_PART_BYTES} bytes")
        try:
            with self.archive.open(info) as fh:
                raw = fh.read(self.budget + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
            raise MeshLoadError(f"3MF part {path!r} cannot be decompressed: {exc}") from None
        if len(raw) > self.budget:
            raise MeshLoadError(f"3MF part {path!r} decompresses to more than {MAX_3MF_PART_BYTES} bytes")
        self.budget -= len(raw)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
        try:
            return etree.fromstring(raw, parser)
        except etree.XMLSyntaxError as exc:
            raise MeshLoadError(f"3MF part {path!r} is not valid XML: {exc}") from None

    def _objects(self, path: str) -> dict[str, object]:
        if path not in self.models:
            model = self._parse(path)
            resources = model.find(f"{{{_NS_CORE}}}resources")
            objs = resources.iterfind(f"{{{_NS_CORE}}}object") if resources is not None else []
            self.models[path] = {obj.get("id"): obj for obj in objs}
        return self.models[path]

    def _instances(
        self, path: str, object_id: str | None, world: np.ndarray, seen: frozenset[tuple[str, str]]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        key = (path, str(object_id))
        if key in seen:
            raise MeshLoadError(f"3MF object {object_id} in {path} contains itself through its components")
        if len(seen) > 64:
            raise MeshLoadError("3MF components are nested more than 64 levels deep")
        obj = self._objects(path).get(object_id)
        if obj is None:
            raise MeshLoadError(f"3MF build references object {object_id!r}, which {path} does not define")
        mesh = obj.find(f"{{{_NS_CORE}}}mesh")
        if mesh is not None:
            vertices, faces = _mesh_arrays(mesh, object_id)
            yield vertices @ world[:3, :3] + world[3, :3], faces
        comps = obj.find(f"{{{_NS_CORE}}}components")
        for comp in comps.iterfind(f"{{{_NS_CORE}}}component") if comps is not None else []:
            sub_path = comp.get(f"{{{_NS_PROD}}}path", path)
            yield from self._instances(sub_path, comp.get("objectid"), _transform(comp) @ world, seen | {key})


def _mesh_arrays(mesh, object_id: str | None) -> tuple[np.ndarray, np.ndarray]:
    v_el = mesh.find(f"{{{_NS_CORE}}}vertices")
    t_el = mesh.find(f"{{{_NS_CORE}}}triangles")
    try:
        coords = array("d")
        for v in v_el.iterfind(f"{{{_NS_CORE}}}vertex") if v_el is not None else []:
            coords.extend((float(v.get("x")), float(v.get("y")), float(v.get("z"))))
        tris = array("q")
        for t in t_el.iterfind(f"{{{_NS_CORE}}}triangle") if t_el is not None else []:
            tris.extend((int(t.get("v1")), int(t.get("v2")), int(t.get("v3"))))
    except (TypeError, ValueError):
        raise MeshLoadError(
            f"3MF object {object_id}: a vertex or triangle attribute is missing or not a number"
        ) from None
    vertices = np.frombuffer(coords, dtype=np.float64).reshape(-1, 3)
    faces = np.frombuffer(tris, dtype=np.int64).reshape(-1, 3)
    _check_indices(faces, len(vertices), f"3MF object {object_id}")
    return vertices, faces


def _transform(element) -> np.ndarray:
    """3MF `transform` (row-vector convention, 12 numbers) as a 4x4 matrix M with p' = [p 1] @ M."""
    text = element.get("transform")
    m = np.eye(4)
    if text:
        try:
            values = [float(x) for x in text.split()]
        except ValueError:
            values = []
        if len(values) != 12 or not all(math.isfinite(x) for x in values):
            raise MeshLoadError(f"3MF transform {text[:80]!r} must hold 12 finite numbers")
        m[:, :3] = np.asarray(values).reshape(4, 3)
    return m
