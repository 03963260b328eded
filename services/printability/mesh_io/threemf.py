"""3MF, read by trimesh (build items, components, transforms, the `unit` attribute), after a
zip-bomb check of our own: trimesh inflates every part of the package without a limit.
"""

from __future__ import annotations

from printforge_services.printability.mesh_io import via_trimesh, zip_limits
from printforge_services.printability.mesh_io.load import Source, Triangles
from printforge_services.printability.mesh_io.loaded import MeshLoadError

#: 3MF packages are refused past this many decompressed bytes in total (zip-bomb guard). trimesh's
#: XML tree costs several times its text in memory; 256 MiB of model XML is roughly 2.5M triangles.
MAX_3MF_BYTES = 256 << 20
#: trimesh's unit names (the 3MF `unit` attribute's values and trimesh's defaults) in metres.
_TRIMESH_UNITS_M = {
    "micron": 1e-6,
    "millimeter": 1e-3,
    "millimeters": 1e-3,
    "centimeter": 1e-2,
    "centimeters": 1e-2,
    "inch": 0.0254,
    "inches": 0.0254,
    "foot": 0.3048,
    "feet": 0.3048,
    "meter": 1.0,
    "meters": 1.0,
}


def read(data: bytes, source: Source) -> Triangles:
    zip_limits.open_checked(data, MAX_3MF_BYTES, "3MF package").close()
    scene = via_trimesh.load_scene(data, "3mf")
    unit = scene.units or "millimeter"
    if unit not in _TRIMESH_UNITS_M:
        raise MeshLoadError(f"3MF unit {unit!r} is not a 3MF unit")
    vertices, faces = via_trimesh.triangles(scene, "3mf")
    return Triangles(vertices, faces, file_unit_to_m=_TRIMESH_UNITS_M[unit])
