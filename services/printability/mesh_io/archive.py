"""A zip upload: one model file and the files it refers to (a .gltf and its .bin buffers).

An API upload is one file, so a glTF whose buffers live in separate files can only arrive zipped.
The archive must hold exactly one model (any format `load_mesh` reads, except another zip); the
model is read as if it came from a folder holding the other members, so its external buffers are
found next to it and nowhere else (siblings.py). Sizes are checked before inflating (zip_limits.py).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from printforge_services.printability.mesh_io import zip_limits
from printforge_services.printability.mesh_io.load import (
    READER_MODULES,
    Source,
    Triangles,
    extension_of,
    read_triangles,
)
from printforge_services.printability.mesh_io.loaded import MeshLoadError
from printforge_services.printability.mesh_io.siblings import archive_siblings

#: An uploaded archive is refused past this many decompressed bytes in total (zip-bomb guard); the
#: service also refuses, when the task is created, an archive larger than its model size limit.
MAX_ARCHIVE_BYTES = 256 << 20
MODEL_FORMATS = frozenset(READER_MODULES) - {"zip"}


def read(data: bytes, source: Source) -> Triangles:
    with zip_limits.open_checked(data, MAX_ARCHIVE_BYTES, "zip archive") as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        model = model_member(names)
        members = {name: archive.read(name) for name in names}
    inner = Source(model, extension_of(model), archive_siblings(members, model))
    return read_triangles(members.pop(model), inner)


def model_member(names: list[str]) -> str:
    """The one member that is a model; MeshLoadError when there is none or more than one."""
    models = [n for n in names if extension_of(n) in MODEL_FORMATS and not _is_junk(n)]
    if len(models) != 1:
        found = ", ".join(models[:5]) if models else "none"
        formats = ", ".join("." + f for f in sorted(MODEL_FORMATS))
        raise MeshLoadError(
            f"a zip upload must hold exactly one model file ({formats}) and the files it refers to; "
            f"found {found}"
        )
    return models[0]


def _is_junk(name: str) -> bool:
    """macOS archive metadata (`__MACOSX/`, `._name`), which only looks like a model."""
    path = PurePosixPath(name)
    return path.parts[0] == "__MACOSX" or path.name.startswith("._")
