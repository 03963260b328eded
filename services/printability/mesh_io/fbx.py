"""FBX, read by assimp through open3d's `read_triangle_model` (trimesh has no FBX reader).

open3d costs about a second to import and assimp is a large C++ parser, so this module is imported
only when an FBX arrives, and in the service that is inside the isolated worker process (jobs.py):
a hostile file can at worst take one worker down. assimp applies each node's transform itself
(open3d asks it to pre-transform the vertices). FBX coordinates are taken in the caller's unit,
like STL and OBJ.

open3d needs about 1.1 GB of address space once imported, so the worker's memory limit
(PRINTFORGE_TASK_MEMORY_MB, default 4096) must leave room for it; below that an FBX task fails with
a message that says so.

open3d reports a file it cannot read only as a warning printed on the process's standard output,
by its C++ logger; that text (assimp's reason, with the line and column of an ASCII file) is
captured from file descriptor 1 and becomes the task's message, and never reaches a CLI's JSON.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterator

import numpy as np

from printforge_services.printability.mesh_io.load import Source, Triangles
from printforge_services.printability.mesh_io.loaded import MeshLoadError, empty

_LIBC = ctypes.CDLL(None)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def read(data: bytes, source: Source) -> Triangles:
    try:
        import open3d as o3d
    except (ImportError, OSError) as exc:  # absent, or a worker memory limit below its ~1 GB of mappings
        raise MeshLoadError(f"FBX files cannot be read here: open3d does not load ({exc})") from None

    with tempfile.TemporaryDirectory(prefix="printforge-fbx-") as tmp:
        path = os.path.join(tmp, "model.fbx")  # assimp reads files only; the name is ours, not the user's
        with open(path, "wb") as fh:
            fh.write(data)
        with _captured_stdout() as output:
            model = o3d.io.read_triangle_model(path, print_progress=False)
    if not model.meshes:
        reason = _ANSI.sub("", "".join(output)).strip()
        if reason:
            reason = reason.replace(path, "the file").removeprefix("[Open3D WARNING] ")
            raise MeshLoadError(f"FBX file cannot be read: {reason}")
        return Triangles(*empty())
    parts_v, parts_f, offset = [], [], 0
    for item in model.meshes:
        vertices = np.asarray(item.mesh.vertices, dtype=np.float64)
        faces = np.asarray(item.mesh.triangles, dtype=np.int64)
        parts_v.append(vertices)
        parts_f.append(faces + offset)
        offset += len(vertices)
    return Triangles(np.concatenate(parts_v), np.concatenate(parts_f))


@contextlib.contextmanager
def _captured_stdout() -> Iterator[list[str]]:
    """What is printed meanwhile, kept (in the list, after the block) instead of shown.

    Both ways open3d prints: through Python's `sys.stdout` (its pybind console hook) and straight
    to file descriptor 1 from C++.
    """
    text: list[str] = []
    python_side = io.StringIO()
    with tempfile.TemporaryFile() as sink:
        sys.stdout.flush()  # what Python printed before stays out of the capture
        saved = os.dup(1)
        try:
            os.dup2(sink.fileno(), 1)
            with contextlib.redirect_stdout(python_side):
                yield text
        finally:
            _LIBC.fflush(None)  # C stdio buffers what open3d prints when fd 1 is not a terminal
            os.dup2(saved, 1)
            os.close(saved)
            sink.seek(0)
            text.append(python_side.getvalue()[:4000])
            text.append(sink.read(4000).decode("utf-8", "replace"))
