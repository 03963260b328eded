"""STL: binary files by our own zero-copy reader, ASCII files by trimesh.

Why a reader of our own for binary STL: it is the hot path of `printforge analyze` (a 1.3M-triangle
scan is 65 MB). `np.frombuffer` over the records gives the float32 corners as a view of the file's
bytes (or of its memory map), with no copy and without importing trimesh at all; trimesh's reader
copies the records, builds vertices and faces and costs a ~0.3 s import (bench/bench_mesh_io.py
measures both). Any file the binary layout does not describe is an ASCII STL, read by trimesh.
"""

from __future__ import annotations

import mmap
import re
import struct

import numpy as np

from printforge_services.printability.mesh_io import via_trimesh
from printforge_services.printability.mesh_io.load import Source, Triangles
from printforge_services.printability.mesh_io.loaded import MeshLoadError

_RECORD = np.dtype([("normal", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
_FLOAT = re.compile(rb"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?(?:nan|inf)$", re.I)


def read(data: bytes | mmap.mmap, source: Source) -> Triangles:
    """(corners, None) of a binary STL, or (vertices, faces) of an ASCII one."""
    if len(data) >= 84:
        count = struct.unpack_from("<I", data, 80)[0]
        expected = 84 + 50 * count
        # A binary file whose header happens to start with "solid" is still binary when the sizes agree.
        if len(data) == expected or (not _looks_ascii(data) and len(data) > expected):
            return Triangles(read_binary(data, count), None)
        if not _looks_ascii(data):
            raise MeshLoadError(
                f"binary STL is truncated: header declares {count} triangles ({expected} bytes) "
                f"but the file has {len(data)} bytes"
            )
    elif not _looks_ascii(data):
        raise MeshLoadError(f"not an STL file: {len(data)} bytes is shorter than a binary STL header")
    return _read_ascii(bytes(data))


def read_binary(data: bytes | mmap.mmap, count: int) -> np.ndarray:
    """The (count, 3, 3) float32 corners as a view of the records (no copy)."""
    return np.frombuffer(data, dtype=_RECORD, count=count, offset=84)["v"]


def _looks_ascii(data: bytes | mmap.mmap) -> bool:
    head = data[:1024].lstrip()
    return head[:5].lower() == b"solid" and b"\0" not in head


def _read_ascii(data: bytes) -> Triangles:
    if b"\0" in data:
        raise MeshLoadError(f"ASCII STL contains a binary (NUL) byte at byte {data.index(bytes(1))}")
    return Triangles(*via_trimesh.load(data, "stl", explain=diagnose_ascii))


def diagnose_ascii(data: bytes) -> str | None:
    """Why trimesh refused an ASCII STL, with the line: the first bad `vertex` line or facet."""
    corners = 0
    for lineno, line in enumerate(data.splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        keyword = parts[0].lower()
        if keyword == b"vertex":
            if len(parts) != 4 or not all(_FLOAT.match(p) for p in parts[1:]):
                return f"ASCII STL line {lineno}: a vertex needs three numbers, got {_shown(line)}"
            corners += 1
        elif keyword == b"endloop" and corners % 3:
            return f"ASCII STL line {lineno}: a facet must have exactly 3 vertices"
    return None


def _shown(line: bytes) -> str:
    return repr(line.strip()[:80].decode("utf-8", "replace"))
