"""`load_mesh`: pick the reader for a file's format, run it, and return one `LoadedMesh` in millimetres.

Every format is read by trimesh (`via_trimesh`) except where a measured hot path keeps a fast reader
of our own (binary STL, binary PLY; see their modules) and FBX, which trimesh does not read (open3d's
assimp does, in `fbx`). Reader modules are imported on first use, so `printforge analyze part.stl`
never imports trimesh, lxml or open3d.

Every byte comes from a user upload: whatever a reader raises that is not a `MeshLoadError` is still
the file's fault and reaches the user as a `MeshLoadError` naming the format, never as a crash.
"""

from __future__ import annotations

import importlib
import mmap
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import numpy as np

from printforge_services.printability.mesh_io.loaded import LoadedMesh, MeshLoadError, all_finite, unit_to_m

#: extension -> module of this package that reads it (each module has `read(data, source)`).
READER_MODULES = {
    "stl": "stl",
    "obj": "obj",
    "ply": "ply",
    "off": "off",
    "glb": "gltf",
    "gltf": "gltf",
    "3mf": "threemf",
    "fbx": "fbx",
    "zip": "archive",
}
SUPPORTED_FORMATS = tuple(READER_MODULES)
#: Files at least this large are memory-mapped by `read_file` rather than read into memory.
MMAP_MIN_BYTES = 1 << 20


@dataclass(frozen=True)
class Source:
    """Where the bytes came from: the file name, its format and how to read files it refers to.

    `siblings(uri)` returns the bytes of a file the model refers to (a glTF's external buffer), or
    raises MeshLoadError; None when the model came alone (an upload), so external files are refused.
    """

    filename: str
    fmt: str
    siblings: Callable[[str], bytes] | None = None


class Triangles(NamedTuple):
    """A reader's result: file coordinates and faces, and the file's own unit when it declares one.

    `faces` None means `vertices` are the (m, 3, 3) corners of a triangle soup (a binary STL).
    """

    vertices: np.ndarray
    faces: np.ndarray | None
    file_unit_to_m: float | None = None


def load_mesh(
    data: bytes | mmap.mmap, filename: str, unit: str = "mm", *, directory: Path | None = None
) -> LoadedMesh:
    """Parse `data` (the file's bytes, or a read-only memory map of the file) by `filename`'s extension.

    A memory map lets a large binary STL be read straight from the page cache, without first copying
    the whole file into a bytes object; every other format works on bytes (see `read_file`).
    `directory` is where files the model refers to may be read from (the CLI passes the file's own
    directory; the service passes nothing, so an upload cannot make a worker read its disk).
    Raises MeshLoadError for unsupported extensions, unknown units and unreadable or hostile content.
    """
    fmt = format_of(data, filename)
    if fmt != "stl" and not isinstance(data, bytes):
        data = bytes(data)
    siblings = None if directory is None else _files_in(directory)
    default_unit = unit_to_m(unit)
    parsed = read_triangles(data, Source(filename, fmt, siblings))
    file_unit = default_unit if parsed.file_unit_to_m is None else parsed.file_unit_to_m
    return to_loaded_mesh(parsed, file_unit, fmt)


def _files_in(directory: Path) -> Callable[[str], bytes]:
    """siblings.directory_siblings(directory), imported only if the model refers to a file."""

    def get(uri: str) -> bytes:
        from printforge_services.printability.mesh_io.siblings import directory_siblings

        return directory_siblings(directory)(uri)

    return get


def read_triangles(data: bytes | mmap.mmap, source: Source) -> Triangles:
    """The reader of `source.fmt` on `data`, with anything it trips on turned into a MeshLoadError."""
    reader = importlib.import_module(f"{__package__}.{READER_MODULES[source.fmt]}")
    try:
        with np.errstate(invalid="ignore", over="ignore"):  # NaN/inf are reported later, not warned
            return reader.read(data, source)
    except MeshLoadError:
        raise
    except (ValueError, LookupError, TypeError, ArithmeticError, struct.error, zlib.error, EOFError) as exc:
        # A safety net: the readers check what they know to check; anything else a malformed file
        # trips on is still the file's fault and must reach the user as a message, not a crash.
        raise MeshLoadError(f"{source.fmt.upper()} file is malformed ({type(exc).__name__}: {exc})") from None


def to_loaded_mesh(parsed: Triangles, file_unit_to_m: float, fmt: str) -> LoadedMesh:
    """Check coordinates are finite and scale them from the file's unit to millimetres."""
    scale = file_unit_to_m * 1000.0
    if parsed.faces is None:  # a binary STL: the (m, 3, 3) corners of its records
        corners = parsed.vertices
        if len(corners) and not all_finite(corners):
            raise MeshLoadError("vertex coordinates contain NaN or infinity")
        if scale != 1.0:
            corners = corners * np.float64(scale)
        return LoadedMesh.from_soup(corners, file_unit_to_m, fmt)
    vertices = np.ascontiguousarray(parsed.vertices, dtype=np.float64).reshape(-1, 3)
    faces = np.ascontiguousarray(parsed.faces, dtype=np.int64).reshape(-1, 3)
    if len(faces) and not all_finite(vertices):
        raise MeshLoadError("vertex coordinates contain NaN or infinity")
    if scale != 1.0:
        vertices = vertices * scale
    return LoadedMesh(vertices, faces, file_unit_to_m, fmt, bool(len(faces)))


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


def extension_of(filename: str) -> str:
    """The lower-case extension without its dot ('' for none); Windows separators count."""
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")


def format_of(data: bytes | mmap.mmap, filename: str) -> str:
    ext = extension_of(filename)
    if ext in READER_MODULES:
        return ext
    if data[:4] == b"glTF":
        return "glb"
    raise MeshLoadError(
        f"unsupported file type {('.' + ext) if ext else '(no extension)'!r} for {filename!r}; "
        f"supported: {', '.join('.' + f for f in SUPPORTED_FORMATS)}"
    )
