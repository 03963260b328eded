"""Traced outlines → one printable solid: keychain, stencil, cookie cutter, lithophane.

Each kind declares a parameter manifest like every other generated part. Every kind
ends in exactly one solid: disconnected artwork sits on a backing plate (keychain),
is cut from one sheet (stencil), or only the largest outline is kept (cookie cutter);
the lithophane is one plate whose thickness follows brightness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import cadquery as cq
import numpy as np
from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeFace
from OCP.GeomAPI import GeomAPI_PointsToBSplineSurface
from OCP.gp import gp_Dir, gp_Pln, gp_Pnt
from OCP.TColgp import TColgp_Array2OfPnt
from scipy import ndimage

from printforge_services.generator.image2cad import trace
from printforge_services.generator.manifest import Param, resolve

KINDS = ("keychain", "stencil", "cookie_cutter", "lithophane")


def _mm(name: str, label: str, default: float, lo: float, hi: float) -> Param:
    return Param(name, label, "number", default, unit="mm", min=lo, max=hi, step=0.1)


PARAMS: dict[str, tuple[Param, ...]] = {
    "keychain": (
        _mm("width", "Artwork width", 40, 10, 200),
        _mm("base_thickness", "Base thickness", 2, 0.8, 10),
        _mm("relief", "Artwork height above base", 1.2, 0.2, 10),
        _mm("margin", "Base margin", 3, 1, 20),
        _mm("ring_hole", "Key-ring hole diameter", 5, 2, 15),
    ),
    "stencil": (
        _mm("width", "Artwork width", 80, 10, 400),
        _mm("thickness", "Sheet thickness", 1.2, 0.4, 10),
        _mm("margin", "Border", 10, 2, 50),
    ),
    "cookie_cutter": (
        _mm("width", "Cutter width", 70, 20, 250),
        _mm("height", "Cutting wall height", 15, 5, 40),
        _mm("wall", "Wall thickness", 1.0, 0.4, 4),
        _mm("brim", "Brim width", 4, 0, 15),
        _mm("brim_thickness", "Brim thickness", 1.5, 0.6, 5),
    ),
    "lithophane": (
        _mm("width", "Panel width", 80, 20, 250),
        _mm("min_thickness", "Thickness at white", 0.8, 0.4, 5),
        _mm("max_thickness", "Thickness at black", 3.0, 1, 10),
        Param("resolution", "Columns sampled", "integer", 80, min=10, max=250, step=1),
    ),
}


class Image2CadError(ValueError):
    """Unknown kind or invalid parameters for image-to-CAD."""


@dataclass
class ImageResult:
    shape: cq.Shape
    manifest: list[Param]
    values: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def image_to_cad(data: bytes, kind: str, values: Mapping[str, Any] | None = None) -> ImageResult:
    """Build `kind` from image bytes; `values` override the manifest defaults."""
    if kind not in PARAMS:
        raise Image2CadError(f"unknown kind {kind!r}; expected one of {list(KINDS)}")
    params = PARAMS[kind]
    p = resolve(params, dict(values or {}))
    notes: list[str] = []
    if kind == "lithophane":
        if p["max_thickness"] <= p["min_thickness"]:
            raise Image2CadError("max_thickness must exceed min_thickness")
        shape = lithophane(trace.brightness(data, p["resolution"]), p)
    else:
        shapes = trace.trace(data, p["width"])
        shape = {"keychain": keychain, "stencil": stencil, "cookie_cutter": cookie_cutter}[kind](
            shapes, p, notes
        )
    solids = shape.Solids()
    if len(solids) != 1:
        notes.append(f"{len(solids) - 1} loose piece(s) dropped")
        shape = max(solids, key=lambda s: s.Volume())
    return ImageResult(shape, list(params), p, notes)


def _face(shape: trace.Shape, *, with_holes: bool = True) -> cq.Workplane:
    """Extrudable workplane for one traced region (holes optional)."""
    wp = cq.Workplane("XY").polyline([tuple(pt) for pt in shape.outer]).close()
    if with_holes:
        for hole in shape.holes:
            wp = wp.polyline([tuple(pt) for pt in hole]).close()
    return wp


def _extrude(
    shapes: list[trace.Shape], height: float, notes: list[str], *, with_holes: bool
) -> cq.Workplane | None:
    body: cq.Workplane | None = None
    for shape in shapes:
        try:
            solid = _face(shape, with_holes=with_holes).extrude(height)
        except (ValueError, RuntimeError) as exc:
            notes.append(f"skipped an outline OCCT could not use: {exc}")
            continue
        body = solid if body is None else body.union(solid)
    return body


def _extent(shapes: list[trace.Shape]) -> tuple[float, float, float, float]:
    pts = np.vstack([s.outer for s in shapes])
    return float(pts[:, 0].min()), float(pts[:, 0].max()), float(pts[:, 1].min()), float(pts[:, 1].max())


def keychain(shapes: list[trace.Shape], p: Mapping[str, Any], notes: list[str]) -> cq.Shape:
    x0, x1, y0, y1 = _extent(shapes)
    m, t, ring = p["margin"], p["base_thickness"], p["ring_hole"]
    tab = ring + 2 * m
    length, height = (x1 - x0) + 2 * m + tab, (y1 - y0) + 2 * m
    cx = (x0 + x1) / 2 - tab / 2
    radius = min(m + ring / 2, height / 2 - 0.01, length / 2 - 0.01)
    base = (
        cq.Workplane("XY")
        .sketch()
        .rect(length, height)
        .vertices()
        .fillet(radius)
        .finalize()
        .extrude(t)
        .translate((cx, (y0 + y1) / 2, 0))
    )
    base = base.cut(
        cq.Workplane("XY").circle(ring / 2).extrude(t + 2).translate((x0 - m - ring / 2, (y0 + y1) / 2, -1))
    )
    art = _extrude(shapes, p["relief"] + 0.01, notes, with_holes=True)
    if art is not None:
        base = base.union(art.translate((0, 0, t - 0.01)))
    return base.val()


def stencil(shapes: list[trace.Shape], p: Mapping[str, Any], notes: list[str]) -> cq.Shape:
    x0, x1, y0, y1 = _extent(shapes)
    m, t = p["margin"], p["thickness"]
    sheet = (
        cq.Workplane("XY")
        .rect(x1 - x0 + 2 * m, y1 - y0 + 2 * m)
        .extrude(t)
        .translate(((x0 + x1) / 2, (y0 + y1) / 2, 0))
    )
    if any(s.holes for s in shapes):
        notes.append(
            "islands inside letters/shapes would fall out of a stencil; their openings are cut whole"
        )
    cut = _extrude(shapes, t + 2, notes, with_holes=False)
    if cut is not None:
        sheet = sheet.cut(cut.translate((0, 0, -1)))
    return sheet.val()


def cookie_cutter(shapes: list[trace.Shape], p: Mapping[str, Any], notes: list[str]) -> cq.Shape:
    if len(shapes) > 1:
        notes.append(f"a cookie cutter follows one outline; {len(shapes) - 1} smaller shape(s) ignored")
    outline = _face(shapes[0], with_holes=False)
    inner = outline.extrude(p["height"] + 2).translate((0, 0, -1))
    wall = _face(shapes[0], with_holes=False).offset2D(p["wall"], "intersection").extrude(p["height"])
    body = wall
    if p["brim"] > 0:
        brim = _face(shapes[0], with_holes=False).offset2D(p["wall"] + p["brim"], "intersection")
        body = body.union(brim.extrude(p["brim_thickness"]))
    return body.cut(inner).val()


def lithophane(gray: np.ndarray, p: Mapping[str, Any]) -> cq.Shape:
    """Thickness follows darkness. The height field is interpolated as one B-spline face;
    four planar walls and a flat bottom close it into a solid, so no boolean over
    thousands of facets is needed and the STEP export stays exact."""
    rows, cols = gray.shape
    pitch = p["width"] / (cols - 1)
    height = (rows - 1) * pitch
    smooth = ndimage.gaussian_filter(gray, 0.6, mode="nearest")
    thick = p["min_thickness"] + (1.0 - smooth) * (p["max_thickness"] - p["min_thickness"])
    grid = TColgp_Array2OfPnt(1, cols, 1, rows)
    for i in range(cols):
        for j in range(rows):
            grid.SetValue(i + 1, j + 1, gp_Pnt(i * pitch, height - j * pitch, float(thick[j, i])))
    api = GeomAPI_PointsToBSplineSurface()
    api.Interpolate(grid)
    top = cq.Face(BRepBuilderAPI_MakeFace(api.Surface(), 1e-6).Face())
    faces = [top]
    corners = []
    for edge in top.Edges():
        a, b = edge.startPoint(), edge.endPoint()
        a0, b0 = cq.Vector(a.x, a.y, 0), cq.Vector(b.x, b.y, 0)
        corners.append(a0)
        wall = cq.Wire.assembleEdges(
            [edge, cq.Edge.makeLine(b, b0), cq.Edge.makeLine(b0, a0), cq.Edge.makeLine(a0, a)]
        )
        normal = (b0 - a0).cross(cq.Vector(0, 0, 1)).normalized()
        plane = gp_Pln(gp_Pnt(a0.x, a0.y, 0.0), gp_Dir(normal.x, normal.y, normal.z))
        faces.append(cq.Face(BRepBuilderAPI_MakeFace(plane, wall.wrapped, True).Face()))
    faces.append(cq.Face.makeFromWires(cq.Wire.makePolygon(corners, close=True)))
    panel = cq.Solid.makeSolid(cq.Shell.makeShell(faces)).fix()
    if panel.Volume() < 0:
        panel = cq.Solid(panel.wrapped.Reversed())
    return panel.translate(cq.Vector(-p["width"] / 2, -height / 2, 0))
