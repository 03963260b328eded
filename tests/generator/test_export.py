"""Exporters: each file is read back by an independent reader and must describe the same part.

Readers: CadQuery (STEP), our printability analyzer and trimesh (STL), trimesh and the
printability GLB loader (GLB, metres/Y-up), lib3mf and trimesh (3MF), Pillow (PNG).
The read-back checks run over every starter and gift at its defaults: each part is rendered
once for the module (all of them take ~4 s), and its STEP re-imported once.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cadquery as cq
import lib3mf
import numpy as np
import pytest
import trimesh
from PIL import Image

from printforge_services.generator import export
from printforge_services.generator.catalog import KINDS, list_templates
from printforge_services.generator.render import RenderResult, render, tight_bbox
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import load_mesh

#: (kind, id) of every starter and gift: the read-back checks below run on each at its defaults.
TEMPLATES = [(kind, t.id) for kind in KINDS for t in list_templates(kind)]
every_template = pytest.mark.parametrize(
    ("kind", "template_id"), TEMPLATES, ids=[f"{kind}/{tid}" for kind, tid in TEMPLATES]
)
READ_BACK_FORMATS = ("step", "stl", "glb", "3mf")
#: Relative gap allowed between a mesh's volume and the solid's. A tessellation's vertices lie on the
#: surface, so curved faces lose a little volume to their chords: 0.17 % at most over the catalog at
#: defaults (cable_clip; plant_pot 0.10 %, the others under 0.09 %), so 0.5 % keeps a 3x margin.
MESH_VOLUME_REL = 5e-3


@dataclass
class Rendered:
    """One part at its defaults and its STEP file re-imported by CadQuery (each done once)."""

    part: RenderResult
    step: cq.Shape


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Rendered]:
    """Module-scoped cache: render a template and re-import its STEP on first use only."""
    cache: dict[tuple[str, str], Rendered] = {}
    folder = tmp_path_factory.mktemp("step")

    def get(kind: str, template_id: str) -> Rendered:
        if (kind, template_id) not in cache:
            part = render(kind, template_id, {}, formats=READ_BACK_FORMATS)
            path = folder / f"{kind}-{template_id}.step"
            path.write_bytes(part.files["step"])
            cache[kind, template_id] = Rendered(part, cq.importers.importStep(str(path)).val())
        return cache[kind, template_id]

    return get


@pytest.fixture(scope="module")
def stand():
    """phone_stand at its defaults, all formats (PNG included)."""
    return render("starter", "phone_stand", {})


@pytest.fixture(scope="module")
def sphere() -> cq.Solid:
    return cq.Workplane().sphere(10).val()


def _health(stl: bytes) -> dict:
    return analyze(load_mesh(stl, "part.stl"))


def test_cadquery_sphere_stl_is_degenerate_but_ours_is_healthy(sphere: cq.Solid, tmp_path: Path) -> None:
    path = tmp_path / "cq.stl"
    cq.exporters.export(cq.Workplane().add(sphere), str(path))
    theirs = _health(path.read_bytes())
    assert theirs["metrics"]["degenerate_faces"] > 0  # the pitfall this module exists for
    ours = _health(export.stl_bytes(export.tessellate(sphere)))
    assert ours["status"] == "healthy", ours["metrics"]
    assert ours["metrics"]["volume"] * 1e9 == pytest.approx(4 / 3 * math.pi * 1000, rel=0.01)


def test_clean_mesh_flips_collinear_slivers_without_opening_the_surface() -> None:
    # tetrahedron whose edge p0-p1 is split by m on one side only, closed by a zero-area sliver
    p = np.array([[0, 0, 0], [2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 0, 0]], dtype=float)
    m = 4
    faces = np.array([[0, 2, 1], [0, 3, 2], [1, 2, 3], [0, m, 3], [m, 1, 3], [1, m, 0]])
    mesh = export.clean_mesh(p, faces)
    areas = export.doubled_areas(mesh.vertices, mesh.faces)
    assert (areas > export.degenerate_threshold(mesh.vertices)).all()
    tm = trimesh.Trimesh(mesh.vertices, mesh.faces, process=False)
    assert tm.is_watertight and tm.is_winding_consistent
    assert tm.volume == pytest.approx(8 / 6)


def test_clean_mesh_welds_at_float32_precision() -> None:
    points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1 + 1e-12, 0, 0]], dtype=float)
    mesh = export.clean_mesh(points, np.array([[0, 1, 2], [3, 2, 0]]))
    assert len(mesh.vertices) == 3


@every_template
def test_step_reimports_with_same_volume_and_bbox(rendered, kind: str, template_id: str) -> None:
    item = rendered(kind, template_id)
    part, shape = item.part, item.step
    assert shape.isValid()
    assert len(shape.Solids()) == 1
    # the knob's volume moves by 1.6e-6 through the STEP round trip (written at finite precision)
    assert shape.Volume() == pytest.approx(part.volume_mm3, rel=1e-5)
    assert tight_bbox(shape) == pytest.approx(part.bbox_mm, abs=1e-3)


@every_template
def test_stl_is_healthy_and_matches_the_solid(rendered, kind: str, template_id: str) -> None:
    part = rendered(kind, template_id).part
    report = _health(part.files["stl"])
    assert report["status"] == "healthy", report["metrics"]
    assert report["extra"]["bodies"] == 1
    volume = report["metrics"]["volume"] * 1e9
    assert volume == pytest.approx(part.volume_mm3, rel=MESH_VOLUME_REL)
    box = report["extra"]["bounding_box_mm"]
    assert box["min"] + box["max"] == pytest.approx(list(part.bbox_mm), abs=0.06)


@every_template
def test_glb_is_metres_and_y_up(rendered, kind: str, template_id: str) -> None:
    """The GLB's bounds are the re-imported STEP's, in metres, with CAD +Z as glTF +Y."""
    item = rendered(kind, template_id)
    scene = trimesh.load(io.BytesIO(item.part.files["glb"]), file_type="glb")
    lo, hi = scene.bounds
    x0, y0, z0, x1, y1, z1 = tight_bbox(item.step)
    # glTF (x, y, z) = CAD (x, z, -y) / 1000
    assert lo == pytest.approx(np.array([x0, z0, -y1]) / 1000, abs=1e-4)
    assert hi == pytest.approx(np.array([x1, z1, -y0]) / 1000, abs=1e-4)
    # an independent GLB reader (ours, which converts metres to mm) sees the same healthy part
    report = analyze(load_mesh(item.part.files["glb"], "part.glb"))
    assert report["status"] == "healthy", report["metrics"]
    volume = report["metrics"]["volume"] * 1e9
    assert volume == pytest.approx(item.step.Volume(), rel=MESH_VOLUME_REL)


@every_template
def test_3mf_reads_back_with_lib3mf(rendered, kind: str, template_id: str) -> None:
    part = rendered(kind, template_id).part
    wrapper = lib3mf.get_wrapper()
    model = wrapper.CreateModel()
    reader = model.QueryReader("3mf")
    reader.ReadFromBuffer(bytearray(part.files["3mf"]))
    assert reader.GetWarningCount() == 0
    assert model.GetUnit() == lib3mf.ModelUnit.MilliMeter
    objects = model.GetMeshObjects()
    assert objects.Count() == 1 and objects.MoveNext()
    obj = objects.GetCurrentMeshObject()
    assert obj.GetResourceID() > 0
    assert obj.IsManifoldAndOriented()
    assert obj.GetTriangleCount() == part.triangles
    assert model.GetBuildItems().Count() == 1


@every_template
def test_3mf_reads_back_with_trimesh_in_millimetres(rendered, kind: str, template_id: str) -> None:
    part = rendered(kind, template_id).part
    mesh = trimesh.load(io.BytesIO(part.files["3mf"]), file_type="3mf", force="mesh")
    assert mesh.is_watertight
    assert mesh.volume == pytest.approx(part.volume_mm3, rel=MESH_VOLUME_REL)
    assert mesh.extents == pytest.approx(np.array(part.size_mm), abs=0.06)
    assert analyze(load_mesh(part.files["3mf"], "part.3mf"))["status"] == "healthy"


def test_3mf_is_deterministic(stand) -> None:
    again = render("starter", "phone_stand", {}, formats=("3mf",))
    assert again.files["3mf"] == stand.files["3mf"]
    with zipfile.ZipFile(io.BytesIO(stand.files["3mf"])) as archive:
        model = archive.read("3D/3dmodel.model").decode()
    assert 'unit="millimeter"' in model and 'id="1"' in model


def test_png_thumbnail_shows_the_part(stand) -> None:
    image = Image.open(io.BytesIO(stand.files["png"]))
    assert image.format == "PNG" and image.size == (256, 256)
    alpha = np.asarray(image.convert("RGBA"))[..., 3]
    covered = (alpha > 0).mean()
    assert 0.15 < covered < 0.95  # part fills the frame without being clipped away
    rgb = np.asarray(image.convert("RGB"))[alpha == 255]
    assert rgb.std(axis=0).max() > 5  # shaded, not a flat silhouette


def test_png_differs_between_parts(stand) -> None:
    other = render("starter", "standoff", {}, formats=("png",))
    assert other.files["png"] != stand.files["png"]


def test_clean_mesh_drops_a_flat_two_sided_flap() -> None:
    # tetrahedron plus a zero-area flap (a, b, c) / (c, b, a) glued along its edges
    p = np.array([[0, 0, 0], [2, 0, 0], [0, 2, 0], [0, 0, 2], [1, 0, 0], [3, 0, 0]], dtype=float)
    tetra = [[0, 2, 1], [0, 3, 2], [1, 2, 3], [0, 1, 3]]
    flap = [[1, 4, 5], [5, 4, 1]]
    mesh = export.clean_mesh(p, np.array(tetra + flap))
    assert len(mesh.faces) == 4
    assert trimesh.Trimesh(mesh.vertices, mesh.faces, process=False).is_watertight
