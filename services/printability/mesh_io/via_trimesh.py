"""Read a file with trimesh and flatten what it built into one (vertices, faces) in world space.

trimesh is imported here, on first use, so that the binary STL path never pays for it.

Faithful to the metrics contract: trimesh is asked not to process anything (`process=False`: no
merge, no removal of degenerate or duplicate faces), materials are skipped (no texture or .mtl is
fetched), and each geometry's node transform is applied to its vertices only, as the contract says.
trimesh's own `Scene.to_geometry` would also reverse the faces of a mirrored instance, which would
change the signed volume the contract defines. Points and lines are not surfaces and are left out.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np

from printforge_services.printability.mesh_io.loaded import MeshLoadError, check_indices, empty


def load(
    data: bytes,
    file_type: str,
    resolver: Any = None,
    explain: Callable[[bytes], str | None] | None = None,
    **kwargs: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """(vertices, faces) of every triangle trimesh reads from `data`; MeshLoadError when it cannot.

    `resolver` (a trimesh Resolver) serves the files the model refers to; None refuses them.
    `explain(data)` says, with a line number, why trimesh refused the file (None: it cannot tell),
    since trimesh's own errors say what failed in trimesh, not where the file is wrong.
    """
    try:
        scene = load_scene(data, file_type, resolver, **kwargs)
    except MeshLoadError as exc:
        if explain is None:
            raise
        raise MeshLoadError(explain(data) or str(exc)) from None
    return triangles(scene, file_type)


def load_scene(data: bytes, file_type: str, resolver: Any = None, **kwargs: Any) -> Any:
    """The trimesh Scene of `data`, unprocessed; any error trimesh raises becomes a MeshLoadError."""
    import trimesh

    try:
        return trimesh.load_scene(
            io.BytesIO(data), file_type=file_type, resolver=resolver, process=False, **kwargs
        )
    except MeshLoadError:
        raise  # from our resolver: it already says which file and why
    except MemoryError:
        raise
    except Exception as exc:  # trimesh raises anything a malformed file trips on; all are the file's fault
        raise MeshLoadError(f"{file_type.upper()} file is malformed ({type(exc).__name__}: {exc})") from None


def triangles(scene: Any, file_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Every Trimesh instance of `scene` with its node transform applied to its vertices, concatenated.

    trimesh keeps a face that refers to a missing vertex as it is (an IndexError much later); such a
    face is refused here, naming the mesh.
    """
    import trimesh

    parts_v: list[np.ndarray] = []
    parts_f: list[np.ndarray] = []
    offset = 0
    for node in scene.graph.nodes_geometry:
        transform, name = scene.graph[node]
        geometry = scene.geometry.get(name)
        if not isinstance(geometry, trimesh.Trimesh) or len(geometry.faces) == 0:
            continue
        vertices = np.asarray(geometry.vertices, dtype=np.float64)
        faces = np.asarray(geometry.faces, dtype=np.int64)
        check_indices(faces, len(vertices), f"{file_type.upper()} mesh {name!r}")
        if not np.array_equal(transform, np.eye(4)):
            vertices = vertices @ transform[:3, :3].T + transform[:3, 3]
        parts_v.append(vertices)
        parts_f.append(faces + offset)
        offset += len(vertices)
    if not parts_v:
        return empty()
    return np.concatenate(parts_v), np.concatenate(parts_f)
