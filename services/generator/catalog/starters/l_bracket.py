"""L bracket (angle bracket) with countersunk screw holes and an optional gusset.

Printed lying on one leg's side (both legs are extruded from one L profile along the
width), so the layer lines run around the bend and the corner is not a layer seam.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

PARAMS = (
    Param("leg_a", "Leg A length", "number", 40.0, unit="mm", min=20, max=150, step=1, group="Size"),
    Param("leg_b", "Leg B length", "number", 40.0, unit="mm", min=20, max=150, step=1, group="Size"),
    Param("width", "Width", "number", 20.0, unit="mm", min=10, max=80, step=1, group="Size"),
    Param("thickness", "Thickness", "number", 4.0, unit="mm", min=2.5, max=10, step=0.5, group="Size"),
    Param("hole_diameter", "Hole diameter", "number", 4.5, unit="mm", min=2, max=8, step=0.1, group="Holes"),
    Param("holes_per_leg", "Holes per leg", "integer", 1, min=0, max=3, step=1, group="Holes"),
    Param("gusset", "Gusset", "boolean", True, group="Body"),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(
        v["hole_diameter"] * 2 <= v["width"] - 2,
        "hole_diameter",
        "countersink would break through the sides; use a wider bracket",
        errors,
    )
    raise_if(errors)


def _holes(v: dict[str, Any], leg: float) -> list[float]:
    """Positions along a leg, spread over the flat part beyond the gusset."""
    n = v["holes_per_leg"]
    start = v["thickness"] + (leg - v["thickness"]) * (0.45 if v["gusset"] else 0.2)
    stop = leg - v["hole_diameter"] * 1.2
    if n == 1:
        return [(start + stop) / 2]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


def build(v: dict[str, Any]) -> cq.Workplane:
    a, b, w, t = v["leg_a"], v["leg_b"], v["width"], v["thickness"]
    profile = [(0, 0), (a, 0), (a, t), (t, t), (t, b), (0, b)]
    bracket = cq.Workplane("XZ").polyline(profile).close().extrude(-w)
    if v["gusset"]:
        g = min(a, b) * 0.4
        gusset_t = max(t, w * 0.2)
        plate = (
            cq.Workplane("XZ", origin=(0, (w - gusset_t) / 2, 0))
            .polyline([(t - 0.1, t - 0.1), (t + g, t - 0.1), (t - 0.1, t + g)])
            .close()
            .extrude(-gusset_t)
        )
        bracket = bracket.union(plate)
    if v["holes_per_leg"]:
        d = v["hole_diameter"]
        bracket = (
            bracket.faces(">Z[-2]")
            .workplane(centerOption="ProjectedOrigin", origin=(0, 0, 0))
            .pushPoints([(x, w / 2) for x in _holes(v, a)])
            .cskHole(d, d * 2, 90)
        )
        bracket = (
            bracket.faces("<X")
            .workplane(centerOption="ProjectedOrigin", origin=(0, 0, 0))
            .pushPoints([(-w / 2, z) for z in _holes(v, b)])
            .cskHole(d, d * 2, 90)
        )
    return bracket


TEMPLATE = Template(
    id="l_bracket",
    kind="starter",
    title="L bracket",
    description="Angle bracket with countersunk screw holes on both legs and an optional stiffening gusset.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("right angle bracket", "90 degree bracket"),
)
