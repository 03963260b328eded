"""Put placed text onto a face of a body, raised or engraved, and insist on one solid.

Why not a 3D boolean: fusing or cutting extruded glyphs costs OCCT about half a second
PER LETTER (every curved letter wall is intersected with the part), so a two-line
coaster took ten seconds. Instead the only booleans are 2D (the face minus the letter
outlines, and the union of overlapping letters), and the solid is sewn from faces that
meet exactly: the body's other faces, the holed face, and the letters' walls and caps
(or floors, when engraved). That is an order of magnitude faster and exact.

Every gift shares the same two text knobs (style and depth) and the same guarantee:
exactly one valid solid, because a slicer treats loose letters as separate parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cadquery as cq
from OCP.BRepBuilderAPI import BRepBuilderAPI_MakeSolid, BRepBuilderAPI_Sewing
from OCP.ShapeFix import ShapeFix_Solid
from OCP.TopAbs import TopAbs_SHELL
from OCP.TopoDS import TopoDS

from printforge_services.generator.catalog.gifts._layout import PlacedLine
from printforge_services.generator.catalog.template import require
from printforge_services.generator.manifest import Param
from printforge_services.generator.solids import GeometryError, single_solid
from printforge_services.generator.text import text_faces

TEXT_STYLES = ("raised", "engraved")
SEW_TOLERANCE_MM = 1e-5
# Thinnest floor left under engraved text.
MIN_FLOOR_MM = 0.8


def text_params(default_style: str, default_depth: float, max_depth: float) -> tuple[Param, Param]:
    return (
        Param(
            name="textStyle",
            label="Text style",
            type="enum",
            default=default_style,
            options=TEXT_STYLES,
            group="Text",
            description="Raised letters stand on the surface; engraved letters are cut into it.",
        ),
        Param(
            name="textDepth",
            label="Text depth",
            type="number",
            default=default_depth,
            unit="mm",
            min=0.4,
            max=max_depth,
            step=0.1,
            group="Text",
            description="Height of raised letters or depth of engraved ones (0.4 mm is two layers).",
        ),
    )


def check_floor(values: dict[str, Any], thickness: float, errors: dict[str, str]) -> None:
    """Engraving must leave MIN_FLOOR_MM of material under the letters."""
    if values["textStyle"] == "engraved":
        require(
            thickness - values["textDepth"] >= MIN_FLOOR_MM,
            "textDepth",
            f"engraving {values['textDepth']} mm into {thickness:.1f} mm of material leaves less than "
            f"{MIN_FLOOR_MM} mm of floor",
            errors,
        )


def emboss(body: cq.Shape, lines: Sequence[PlacedLine], depth: float, style: str, face: cq.Plane) -> cq.Solid:
    """Raise or engrave `lines` (laid out in `face`'s local x/y) on `body`; one valid solid.

    `face` must lie on a planar face of `body` with its normal pointing out of the body,
    and the layout must keep every letter inside that face.
    """
    if style not in TEXT_STYLES:
        raise ValueError(f"unknown text style {style!r}")
    location = cq.Location(face)
    local = body.moved(location.inverse)
    surface = _face_at_origin_plane(local)
    glyphs = [
        glyph
        for line in lines
        for glyph in text_faces(line.text, line.size).translate(cq.Vector(line.x, line.y, 0.0)).Faces()
    ]
    # glyphs may overlap (kerned pairs such as "ff"): merge them so no wall ends up inside
    letters = glyphs[0].fuse(*glyphs[1:]).clean() if len(glyphs) > 1 else glyphs[0]
    rise = cq.Vector(0.0, 0.0, depth if style == "raised" else -depth)
    faces = [f for f in local.Faces() if not f.isSame(surface)]
    faces += surface.cut(letters).Faces()
    for letter in letters.Faces():
        prism = cq.Solid.extrudeLinear(letter, rise)
        faces += [f for f in prism.Faces() if not _on_origin_plane(f)]
    return single_solid(_sew(faces).moved(location))


def _on_origin_plane(face: cq.Face) -> bool:
    box = face.BoundingBox()
    flat_at_zero = abs(box.zmin) < SEW_TOLERANCE_MM and abs(box.zmax) < SEW_TOLERANCE_MM
    return face.geomType() == "PLANE" and flat_at_zero


def _face_at_origin_plane(body: cq.Shape) -> cq.Face:
    found = [f for f in body.Faces() if _on_origin_plane(f) and f.normalAt().z > 0]
    if len(found) != 1:
        raise GeometryError(f"expected one flat face under the text, found {len(found)}")
    return found[0]


def _sew(faces: Sequence[cq.Face]) -> cq.Shape:
    """Sew faces that close up exactly into one outward-oriented solid."""
    sewing = BRepBuilderAPI_Sewing(SEW_TOLERANCE_MM)
    for f in faces:
        sewing.Add(f.wrapped)
    sewing.Perform()
    sewn = sewing.SewedShape()
    if sewn.ShapeType() != TopAbs_SHELL:
        raise GeometryError(f"sewing the text into the part gave a {sewn.ShapeType().name}, not one shell")
    fixer = ShapeFix_Solid(BRepBuilderAPI_MakeSolid(TopoDS.Shell_s(sewn)).Solid())
    fixer.Perform()
    return cq.Shape.cast(fixer.Solid())


def top_face(z: float) -> cq.Plane:
    """The plane of a flat part's top face, text reading along +x."""
    return cq.Plane(origin=(0.0, 0.0, z), xDir=(1.0, 0.0, 0.0), normal=(0.0, 0.0, 1.0))
