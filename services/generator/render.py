"""One generation: (kind, id, values) -> validated solid -> every downloadable file.

This is the unit of work a generator worker process runs. It is deliberately a pure
function of its inputs (same values, same bytes for STL/3MF/GLB), so results can be
cached by the resolved values, and it refuses to emit files for anything but exactly
one valid solid: a part that OCCT considers invalid or that falls apart into several
bodies would slice badly, and the user should get an error instead.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import cadquery as cq
from OCP.Bnd import Bnd_Box
from OCP.BRepBndLib import BRepBndLib

from printforge_services.generator import export
from printforge_services.generator.catalog import get_template
from printforge_services.generator.catalog.finish import collect_warnings
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.solids import GeometryError, is_cad_failure, single_solid

FORMATS: tuple[str, ...] = ("step", "stl", "glb", "3mf", "png")
_MESH_WRITERS: dict[str, Callable[[export.Mesh], bytes]] = {
    "stl": export.stl_bytes,
    "glb": export.glb_bytes,
    "3mf": export.threemf_bytes,
    "png": export.png_bytes,
}


@dataclass(frozen=True)
class RenderResult:
    kind: str
    template_id: str
    values: dict[str, Any]
    manifest: list[dict[str, Any]]
    files: dict[str, bytes]
    bbox_mm: tuple[float, float, float, float, float, float]  # xmin, ymin, zmin, xmax, ymax, zmax
    volume_mm3: float
    triangles: int  # of the exported mesh; 0 when no mesh format was requested
    # what the template adjusted or skipped (a fillet that did not fit, ...), for the user
    warnings: tuple[str, ...] = ()

    @property
    def size_mm(self) -> tuple[float, float, float]:
        x0, y0, z0, x1, y1, z1 = self.bbox_mm
        return (x1 - x0, y1 - y0, z1 - z0)


def tight_bbox(shape: cq.Shape) -> tuple[float, float, float, float, float, float]:
    """Exact B-rep bounds; CadQuery's BoundingBox() is padded by the shape tolerance."""
    box = Bnd_Box()
    BRepBndLib.AddOptimal_s(shape.wrapped, box, False, False)
    xmin, ymin, zmin, xmax, ymax, zmax = box.Get()
    return (xmin, ymin, zmin, xmax, ymax, zmax)


def render(
    kind: str, template_id: str, values: Mapping[str, object], formats: Collection[str] = FORMATS
) -> RenderResult:
    """Resolve params (ParamError on bad input), build, validate, export `formats`."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats {sorted(unknown)}; expected a subset of {list(FORMATS)}")
    template = get_template(kind, template_id)
    resolved = template.resolve(values)
    try:
        with collect_warnings() as warnings:
            built = template.build(resolved)
    except ParamError:
        raise
    except Exception as exc:
        if not is_cad_failure(exc):
            raise
        raise GeometryError(f"{kind} {template_id!r} failed to build: {exc or type(exc).__name__}") from exc
    solid = single_solid(built)
    files: dict[str, bytes] = {}
    if "step" in formats:
        files["step"] = export.step_bytes(solid)
    triangles = 0
    if set(formats) & set(_MESH_WRITERS):
        mesh = export.tessellate(solid)
        triangles = len(mesh.faces)
        for name, writer in _MESH_WRITERS.items():
            if name in formats:
                files[name] = writer(mesh)
    box = tight_bbox(solid)
    return RenderResult(
        kind=kind,
        template_id=template_id,
        values=resolved,
        manifest=template.manifest(),
        files=files,
        bbox_mm=box,
        volume_mm3=solid.Volume(),
        triangles=triangles,
        warnings=tuple(warnings),
    )
