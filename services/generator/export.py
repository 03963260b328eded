"""Turn one CadQuery solid into the files a maker downloads: STEP, STL, GLB, 3MF, PNG.

Only STEP comes from OCCT directly. Every mesh format is written from ONE tessellation
that we clean ourselves, because CadQuery's own mesh writers have known defects:

- its STL keeps OCCT's per-face triangulations, so a sphere's poles produce triangles
  with two identical corners; we weld vertices (exactly, after rounding to the float32
  precision STL stores) and remove degenerate triangles without opening holes;
- its glTF writer emits millimetres where glTF means metres and keeps Z up where glTF is
  Y up; we write GLB with trimesh from the cleaned mesh, scaled and rotated;
- its 3MF writer has an open corruption report; we write the small core-spec subset
  (unit="millimeter", positive ids, one object, one build item) ourselves, deterministically.

The PNG thumbnail comes from printforge.runtime.mesh_preview, a vectorised CPU z-buffer
renderer (numpy + Pillow) shared with the printability service: worker pods have no GPU
and no display.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass

import cadquery as cq
import numpy as np
import trimesh
from OCP.BRep import BRep_Tool
from OCP.BRepMesh import BRepMesh_IncrementalMesh
from OCP.TopAbs import TopAbs_REVERSED
from OCP.TopLoc import TopLoc_Location

from printforge.runtime.mesh_preview import DEFAULT_COLOR, DEFAULT_SIZE, TRANSPARENT, render_png

LINEAR_TOLERANCE_MM = 0.05
ANGULAR_TOLERANCE_RAD = 0.3
DEGENERATE_AREA_FACTOR = 1e-12
MM_PER_M = 1000.0
# glTF is Y-up; CAD is Z-up. (x, y, z) -> (x, z, -y) keeps the frame right-handed.
Z_UP_TO_Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])


class ExportError(RuntimeError):
    """The shape could not be turned into a usable file (e.g. tessellation failed)."""


@dataclass(frozen=True)
class Mesh:
    """Welded, oriented triangle mesh in millimetres (float32-exact vertex coordinates)."""

    vertices: np.ndarray  # (n, 3) float64 holding float32-representable values
    faces: np.ndarray  # (m, 3) int64, counter-clockwise seen from outside


def step_bytes(shape: cq.Shape) -> bytes:
    """AP214 STEP via OCCT (the writer only targets files, hence the temp dir)."""
    with tempfile.TemporaryDirectory(prefix="printforge-step-") as tmp:
        path = os.path.join(tmp, "part.step")
        if not shape.exportStep(path):
            raise ExportError("OCCT refused to write the STEP file")
        with open(path, "rb") as handle:
            return handle.read()


def tessellate(
    shape: cq.Shape,
    linear_tolerance: float = LINEAR_TOLERANCE_MM,
    angular_tolerance: float = ANGULAR_TOLERANCE_RAD,
) -> Mesh:
    """Mesh `shape` with OCCT, then weld and drop degenerate triangles (see module doc)."""
    BRepMesh_IncrementalMesh(shape.wrapped, linear_tolerance, False, angular_tolerance, True)
    points: list[np.ndarray] = []
    triangles: list[np.ndarray] = []
    offset = 0
    for face in shape.Faces():
        location = TopLoc_Location()
        triangulation = BRep_Tool.Triangulation_s(face.wrapped, location)
        if triangulation is None:
            raise ExportError("OCCT produced no triangulation for a face")
        trsf = location.Transformation()
        count = triangulation.NbNodes()
        nodes = [triangulation.Node(i).Transformed(trsf).Coord() for i in range(1, count + 1)]
        tris = np.array(
            [triangulation.Triangle(i).Get() for i in range(1, triangulation.NbTriangles() + 1)],
            dtype=np.int64,
        ).reshape(-1, 3)
        if face.wrapped.Orientation() == TopAbs_REVERSED:
            tris = tris[:, ::-1]
        points.append(np.asarray(nodes, dtype=np.float64).reshape(-1, 3))
        triangles.append(tris - 1 + offset)
        offset += count
    if not triangles:
        raise ExportError("shape has no faces to tessellate")
    return clean_mesh(np.vstack(points), np.vstack(triangles))


def clean_mesh(points: np.ndarray, faces: np.ndarray) -> Mesh:
    """Weld at float32 precision, drop collapsed triangles, flip away zero-area slivers."""
    rounded = points.astype(np.float32)
    vertices, inverse = np.unique(rounded, axis=0, return_inverse=True)
    faces = inverse.reshape(-1)[faces]
    collapsed = (faces[:, 0] == faces[:, 1]) | (faces[:, 1] == faces[:, 2]) | (faces[:, 0] == faces[:, 2])
    faces = faces[~collapsed]
    vertices = vertices.astype(np.float64)
    faces = _flip_slivers(vertices, faces)
    used = np.unique(faces)
    remap = np.full(len(vertices), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return Mesh(vertices=vertices[used], faces=remap[faces])


def degenerate_threshold(vertices: np.ndarray) -> float:
    """Doubled-area threshold below which a triangle counts as degenerate."""
    diagonal = float(np.linalg.norm(vertices.max(axis=0) - vertices.min(axis=0)))
    return DEGENERATE_AREA_FACTOR * diagonal * diagonal


def doubled_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    a, b, c = (vertices[faces[:, i]] for i in range(3))
    return np.linalg.norm(np.cross(b - a, c - a), axis=1)


def _flip_slivers(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Remove zero-area triangles whose corners are distinct but collinear.

    Deleting such a sliver would open a crack (its middle vertex lies on the neighbour's
    edge), so instead the sliver and the neighbour across its longest edge are replaced
    by two triangles fanning from the middle vertex: the surface stays closed.
    """
    threshold = degenerate_threshold(vertices)
    faces = faces.copy()
    for _ in range(8):
        slivers = np.flatnonzero(doubled_areas(vertices, faces) <= threshold)
        if len(slivers) == 0:
            return faces
        edge_owner = {
            (int(f[i]), int(f[(i + 1) % 3])): index for index, f in enumerate(faces) for i in range(3)
        }
        dead: set[int] = set()
        extra: list[tuple[int, int, int]] = []
        for index in slivers:
            if index in dead:
                continue
            tri = faces[index]
            lengths = [np.linalg.norm(vertices[tri[(i + 1) % 3]] - vertices[tri[i]]) for i in range(3)]
            k = int(np.argmax(lengths))
            # sliver (a, b, c) with long edge c->a and b on it
            c, a, b = int(tri[k]), int(tri[(k + 1) % 3]), int(tri[(k + 2) % 3])
            neighbour = edge_owner.get((a, c))
            if neighbour is None or neighbour in dead:
                continue
            d = next(int(v) for v in faces[neighbour] if v not in (a, c))
            dead.update((int(index), neighbour))
            if d != b:  # d == b: the pair is a flat two-sided flap; dropping both closes it
                extra.extend([(a, b, d), (b, c, d)])
        if not dead:
            break
        keep = np.ones(len(faces), dtype=bool)
        keep[list(dead)] = False
        faces = np.vstack([faces[keep], np.array(extra, dtype=np.int64).reshape(-1, 3)])
    return faces


def stl_bytes(mesh: Mesh) -> bytes:
    """Binary STL (millimetres) with per-face normals."""
    return trimesh.Trimesh(mesh.vertices, mesh.faces, process=False).export(file_type="stl")


def glb_bytes(mesh: Mesh) -> bytes:
    """Binary glTF in metres, Y-up, as the glTF 2.0 spec requires."""
    vertices = (mesh.vertices / MM_PER_M) @ Z_UP_TO_Y_UP.T
    material = trimesh.visual.material.PBRMaterial(
        baseColorFactor=[0.85, 0.47, 0.2, 1.0], metallicFactor=0.0, roughnessFactor=0.6
    )
    part = trimesh.Trimesh(
        vertices, mesh.faces, process=False, visual=trimesh.visual.TextureVisuals(material=material)
    )
    scene = trimesh.Scene()
    scene.add_geometry(part, geom_name="part", node_name="part")
    return scene.export(file_type="glb")


def threemf_bytes(mesh: Mesh, name: str = "part") -> bytes:
    """Core-spec 3MF: millimetre unit, object id 1, one build item; byte-for-byte deterministic.

    Coordinates are written with 9 significant digits, enough to round-trip the float32
    values exactly, so the 3MF mesh is the same welded, degenerate-free mesh as the STL.
    """
    vertex_xml = "".join(
        f'<vertex x="{x:.9g}" y="{y:.9g}" z="{z:.9g}"/>' for x, y, z in mesh.vertices.tolist()
    )
    triangle_xml = "".join(f'<triangle v1="{a}" v2="{b}" v3="{c}"/>' for a, b, c in mesh.faces.tolist())
    safe_name = "".join(ch for ch in name if ch.isalnum() or ch in "-_ ") or "part"
    model = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<model unit="millimeter" xml:lang="en-US" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">'
        '<metadata name="Application">printforge</metadata>'
        f'<resources><object id="1" type="model" name="{safe_name}"><mesh>'
        f"<vertices>{vertex_xml}</vertices><triangles>{triangle_xml}</triangles>"
        '</mesh></object></resources><build><item objectid="1"/></build></model>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Target="/3D/3dmodel.model" Id="rel0" '
        'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, text in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("3D/3dmodel.model", model),
        ):
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def png_bytes(
    mesh: Mesh,
    size: int = DEFAULT_SIZE,
    color: tuple[int, int, int] = DEFAULT_COLOR,
    background: tuple[int, int, int, int] = TRANSPARENT,
) -> bytes:
    """Isometric-ish thumbnail: orthographic view, Lambert shading, z-buffered (mesh_preview)."""
    return render_png(mesh.vertices, mesh.faces, size=size, color=color, background=background)
