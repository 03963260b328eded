"""OBJ, read by trimesh; our own code only explains, with a line number, why a file is refused.

trimesh reads what real OBJ files hold (line continuations, groups, materials, polygons, relative
indices). It does not say where a file is broken, and one mistake it does not catch at all: index 0
(OBJ counts from 1) silently becomes another vertex. So a single regex pass looks for that first,
and when trimesh fails, `diagnose` walks the lines to name the first bad one.
"""

from __future__ import annotations

import re

from printforge_services.printability.mesh_io import via_trimesh
from printforge_services.printability.mesh_io.load import Source, Triangles
from printforge_services.printability.mesh_io.loaded import MeshLoadError

#: a face line with a vertex index of zero (what follows a space: `0`, `0/1`, `0//1`).
_ZERO_INDEX = re.compile(rb"(?m)^[ \t]*f[ \t][^\n]*?(?<=[ \t])[-+]?0+(?=[/ \t\r\n]|$)")


def read(data: bytes, source: Source) -> Triangles:
    if _ZERO_INDEX.search(data):
        raise MeshLoadError(diagnose(data) or "OBJ face index 0 is invalid (OBJ indices start at 1)")
    vertices, faces = via_trimesh.load(data, "obj", explain=diagnose, skip_materials=True)
    if not len(faces):
        _check_text(data)  # trimesh finds no statement in binary garbage: that is not an empty OBJ
    return Triangles(vertices, faces)


def _check_text(data: bytes) -> None:
    """MeshLoadError at the first byte that cannot be text (NUL, or not UTF-8)."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise MeshLoadError(f"OBJ file is not text: byte {nul} is NUL")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MeshLoadError(f"OBJ file is not text: byte {exc.start} is not UTF-8") from None


def diagnose(data: bytes) -> str | None:
    """The first problem in an OBJ, with its line number, or None when none is found."""
    n_vertices = 0
    highest = (0, 0)  # (line, index) of the highest positive face index: it may refer forward
    for lineno, parts in _statements(data):
        if parts[0] == b"v":
            try:
                [float(p) for p in parts[1:4]]
            except ValueError:
                return f"OBJ line {lineno}: bad vertex coordinate in {_shown(parts)}"
            if len(parts) < 4:
                return f"OBJ line {lineno}: a vertex needs three coordinates, got {_shown(parts)}"
            n_vertices += 1
        elif parts[0] == b"f":
            for corner in parts[1:]:
                try:
                    index = int(corner.split(b"/")[0])
                except ValueError:
                    return f"OBJ line {lineno}: bad face index in {_shown(parts)}"
                if index == 0:
                    return f"OBJ line {lineno}: face index 0 is invalid (OBJ indices start at 1)"
                if index < 0 and n_vertices + index < 0:
                    return (
                        f"OBJ line {lineno}: relative index {index} points before the first vertex "
                        f"({n_vertices} vertices defined so far)"
                    )
                if index > highest[1]:
                    highest = (lineno, index)
    if highest[1] > n_vertices:
        return (
            f"OBJ line {highest[0]}: face references vertex {highest[1]} "
            f"but the file defines only {n_vertices} vertices"
        )
    return None


def _statements(data: bytes):
    """(line number, tokens) of each non-empty statement; a trailing `\\` joins the next line."""
    pending: list[bytes] = []
    start = 0
    for lineno, raw in enumerate(data.splitlines(), 1):
        line = raw.split(b"#", 1)[0]
        if not pending:
            start = lineno
        if line.rstrip().endswith(b"\\"):
            pending.append(line.rstrip()[:-1])
            continue
        parts = b" ".join([*pending, line]).split()
        pending = []
        if parts:
            yield start, parts


def _shown(parts: list[bytes]) -> str:
    return repr(b" ".join(parts)[:80].decode("utf-8", "replace"))
