"""The one-valid-solid rule every template's build must pass, the error when it does not, and
which exceptions mean "CAD refused this" rather than a bug.

Templates (the gift modules among them) check their own intermediate solids with it, and
render.py checks every finished part; it lives apart from render.py, which looks templates up in
the catalog, so that templates never import the module that imports them.
"""

from __future__ import annotations

import cadquery as cq


def is_cad_failure(exc: Exception) -> bool:
    """OCCT raises unrelated classes (StdFail_NotDone, Standard_Failure, ...) from module
    OCP.*; CadQuery raises ValueError. Anything else is a bug and must surface as such."""
    return isinstance(exc, ValueError) or type(exc).__module__.startswith("OCP.")


class GeometryError(RuntimeError):
    """The template built something that is not exactly one valid solid."""


def single_solid(built: cq.Workplane | cq.Shape) -> cq.Solid:
    """Extract the one solid a build produced; raise GeometryError otherwise."""
    shapes = built.vals() if isinstance(built, cq.Workplane) else [built]
    solids = [solid for shape in shapes if isinstance(shape, cq.Shape) for solid in shape.Solids()]
    if len(solids) != 1:
        raise GeometryError(f"expected exactly one solid, the template built {len(solids)}")
    solid = solids[0]
    if not solid.isValid():
        raise GeometryError("the built solid is not valid (OCCT BRepCheck failed)")
    if solid.Volume() <= 0:
        raise GeometryError("the built solid has no positive volume")
    return solid
