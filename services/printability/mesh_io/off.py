"""OFF, read by trimesh; our own code only explains, with a line number, why a file is refused.

trimesh reads the variants found in the wild (leading whitespace, comments, the counts on the header
line as in `OFF 8 6 12` or `OFF8 6 12`, colours after a face's corners) but says nothing about where
a file is broken, so `diagnose` walks the lines when trimesh fails.
"""

from __future__ import annotations

import re

from printforge_services.printability.mesh_io import via_trimesh
from printforge_services.printability.mesh_io.load import Source, Triangles
from printforge_services.printability.mesh_io.loaded import MeshLoadError

_HEADER = re.compile(rb"^[A-Z]*OFF", re.I)


def read(data: bytes, source: Source) -> Triangles:
    if not _HEADER.match(data.lstrip()):
        raise MeshLoadError("not an OFF file: the first line must start with 'OFF'")
    return Triangles(*via_trimesh.load(data, "off", explain=diagnose))


def diagnose(data: bytes) -> str | None:
    """The first problem in an OFF file, with its line number, or None when none is found."""
    lines = [
        (lineno, parts)
        for lineno, raw in enumerate(data.splitlines(), 1)
        if (parts := raw.split(b"#", 1)[0].split())
    ]
    if not lines:
        return "OFF file is empty"
    header_line, header = lines[0]
    counts = [header[0][_HEADER.match(header[0]).end() :], *header[1:]]  # type: ignore[union-attr]
    counts = [c for c in counts if c]
    body = lines[1:]
    if not counts:
        if not body:
            return f"OFF line {header_line}: the header gives no vertex and face counts"
        header_line, counts = body[0]
        body = body[1:]
    try:
        n_vertices, n_faces = int(counts[0]), int(counts[1])
    except (IndexError, ValueError):
        return f"OFF line {header_line}: the header must give vertex and face counts"
    for lineno, parts in body[:n_vertices]:
        try:
            [float(p) for p in parts[:3]]
        except ValueError:
            return f"OFF line {lineno}: bad vertex coordinate in {_shown(parts)}"
        if len(parts) < 3:
            return f"OFF line {lineno}: a vertex needs three coordinates"
    for lineno, parts in body[n_vertices : n_vertices + n_faces]:
        try:
            corners = [int(p) for p in parts[1 : int(parts[0]) + 1]]
        except ValueError:
            return f"OFF line {lineno}: bad face in {_shown(parts)}"
        if len(corners) < int(parts[0]):
            return f"OFF line {lineno}: the face declares {int(parts[0])} corners but lists {len(corners)}"
        if any(c < 0 or c >= n_vertices for c in corners):
            return f"OFF line {lineno}: face references a vertex outside 0..{n_vertices - 1}"
    if len(body) < n_vertices + n_faces:
        return (
            f"OFF file ends at line {lines[-1][0]} before the {n_vertices} vertices and "
            f"{n_faces} faces its header declares"
        )
    return None


def _shown(parts: list[bytes]) -> str:
    return repr(b" ".join(parts)[:80].decode("utf-8", "replace"))
