"""Read an uploaded mesh file into one triangle soup, safely and faithfully to the metrics contract.

The contract (shared/design/printability-metrics.md) counts holes, degenerate faces and non-manifold
edges on the faces *as written in the file*, so nothing is merged, dropped or reordered, and every
byte comes from a user upload, so a file that lies about its sizes must become a `MeshLoadError` with
a message that says why (the format, and the line or byte where known), never a crash.

One module per format, as trimesh lays out its `exchange/` package: trimesh reads every format
(via_trimesh.py) except the measured hot paths, binary STL (stl.py) and binary PLY (ply.py), which
keep fast readers of our own that hand a file to trimesh whenever they do not read it, and FBX,
which open3d's assimp reads (fbx.py). load.py dispatches by extension and imports a reader on
first use; loaded.py holds what every reader returns.
"""

from printforge_services.printability.mesh_io.load import SUPPORTED_FORMATS, load_mesh, read_file
from printforge_services.printability.mesh_io.loaded import UNIT_TO_M, LoadedMesh, MeshLoadError

__all__ = ["SUPPORTED_FORMATS", "UNIT_TO_M", "LoadedMesh", "MeshLoadError", "load_mesh", "read_file"]
