"""Files a model refers to (a glTF's `.bin` buffers), served from one place and never from anywhere else.

A URI inside a file is user input. It may name a sibling file (`part.bin`, `buffers/part.bin`) and
nothing more: no scheme (`http:`, `file:`), so never the network; no absolute path; no `..` part; and
a symlink that leads out of the directory is refused too. The CLI serves siblings from the model's
own directory, an uploaded zip from the archive's members next to the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from printforge_services.printability.mesh_io.loaded import MeshLoadError

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def relative_name(uri: str) -> PurePosixPath:
    """The relative path a URI names, or MeshLoadError when it names anything outside its directory."""
    name = unquote(uri.strip()).replace("\\", "/")
    if _SCHEME.match(name):
        raise MeshLoadError(f"referenced file {uri!r} is a URL; only files next to the model are read")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise MeshLoadError(f"referenced file {uri!r} is outside the model's directory")
    return path


def directory_siblings(directory: Path) -> Callable[[str], bytes]:
    """A lookup of referenced files in `directory` (symlinks must stay inside it too)."""
    root = directory.resolve()

    def get(uri: str) -> bytes:
        path = (root / relative_name(uri)).resolve()
        if not path.is_relative_to(root):
            raise MeshLoadError(f"referenced file {uri!r} links outside the model's directory")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise MeshLoadError(f"referenced file {uri!r} cannot be read: {exc.strerror or exc}") from None

    return get


def archive_siblings(members: Mapping[str, bytes], model_name: str) -> Callable[[str], bytes]:
    """A lookup of referenced files among an archive's `members`, relative to the model's folder."""
    folder = PurePosixPath(model_name).parent

    def get(uri: str) -> bytes:
        name = str(folder / relative_name(uri))
        if name.startswith("./"):
            name = name[2:]
        if name not in members:
            raise MeshLoadError(f"referenced file {uri!r} is not in the uploaded archive")
        return members[name]

    return get


def trimesh_resolver(siblings: Callable[[str], bytes]) -> Any:
    """`siblings` as the trimesh Resolver its loaders ask for referenced files."""
    from trimesh.resolvers import Resolver

    class _Resolver(Resolver):
        def __init__(self) -> None:
            pass

        def get(self, name: str) -> bytes:
            return siblings(name)

        def keys(self):  # trimesh lists files only to guess texture names; we serve none unasked
            return iter(())

        def namespaced(self, namespace: str) -> Resolver:
            return trimesh_resolver(lambda uri: siblings(f"{namespace}/{uri}"))

        def write(self, name: str, data: bytes) -> None:
            raise MeshLoadError("reading a model never writes files")

    return _Resolver()
