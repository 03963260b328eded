"""Media types of the mesh formats printforge reads, for inputs that carry a type but no file name.

A data: URL has no file name at all, and an HTTP download may come from a path without an
extension; the loader picks its reader by suffix, so the media type supplies one. One table for
both (safe_fetch.py names data: payloads, printability's inputs.py names downloads). Formats with
no registered or common media type (OFF, FBX) are sniffed by the loader from their bytes.
"""

from __future__ import annotations

MESH_MEDIA_TYPE_SUFFIX = {
    "model/stl": ".stl",
    "model/x.stl-binary": ".stl",
    "model/x.stl-ascii": ".stl",
    "application/sla": ".stl",
    "model/gltf-binary": ".glb",
    "model/gltf+json": ".gltf",
    "model/obj": ".obj",
    "model/3mf": ".3mf",
    "application/vnd.ms-package.3dmanufacturing-3dmodel+xml": ".3mf",
    "application/ply": ".ply",
    "application/zip": ".zip",
}


def suffix_for(media_type: str | None) -> str:
    """`.stl` for `model/stl; charset=x` or `Model/STL`; '' for an unknown or missing type."""
    essence = (media_type or "").split(";", 1)[0].strip().lower()
    return MESH_MEDIA_TYPE_SUFFIX.get(essence, "")
