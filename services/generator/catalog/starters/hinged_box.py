"""Box with a pin-hinged lid: interleaved knuckles along the back edge, a pin of 1.75 mm
filament or an M3 screw through them.

Box and lid are two prints (one solid per generation; pick the part). Frame: the
assembled box, centred on Z with its floor on z=0 and the hinge axis along X at
`hinge_axis(v)`, behind the back wall (+Y). The axis sits one knuckle radius under the
lid's top face, so the printed lid (outside face down) has its knuckles flat on the bed;
the box's knuckles stand on 45-degree webs, so neither part needs supports. Knuckles and
the pin hole keep `clearance` (catalog.fit) to everything that moves against them.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param, hole_for
from printforge_services.generator.catalog.starters._geometry import (
    cut_all,
    fuse_all,
    open_box,
    rounded_plate,
)
from printforge_services.generator.catalog.starters._params import PART, fillet_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

PINS = {"filament": 1.75, "m3": 3.0}  # pin diameter: 1.75 mm filament, M3 screw
KNUCKLE_WALL = 1.6

PARAMS = (
    PART,
    Param("length", "Outer length", "number", 80.0, unit="mm", min=40, max=200, step=1, group="Size"),
    Param("width", "Outer width", "number", 60.0, unit="mm", min=30, max=200, step=1, group="Size"),
    Param("height", "Outer height", "number", 35.0, unit="mm", min=15, max=150, step=1, group="Size"),
    Param("wall", "Wall thickness", "number", 2.0, unit="mm", min=1.2, max=4, step=0.1, group="Body"),
    Param("corner_radius", "Corner radius", "number", 4.0, unit="mm", min=1, max=10, step=0.5, group="Body"),
    Param("lid_thickness", "Lid thickness", "number", 2.4, unit="mm", min=1.6, max=5, step=0.1, group="Body"),
    fillet_param(0.0, 8, "Body"),
    Param(
        "pin",
        "Hinge pin",
        "enum",
        "filament",
        options=list(PINS),
        group="Hinge",
        description="A length of 1.75 mm filament or an M3 screw.",
    ),
    Param("knuckles", "Knuckles", "integer", 5, min=3, max=9, step=2, group="Hinge"),
    clearance_param(description="Gap per side at the pin and between knuckles."),
)


def knuckle_radius(v: dict[str, Any]) -> float:
    return max(3.0, hole_for(PINS[v["pin"]], v["clearance"]) / 2 + KNUCKLE_WALL)


def hinge_axis(v: dict[str, Any]) -> tuple[float, float]:
    """(y, z) of the hinge axis in the assembled frame."""
    r = knuckle_radius(v)
    return v["width"] / 2 + v["clearance"] + r, v["height"] + v["lid_thickness"] - r


def segments(v: dict[str, Any]) -> list[tuple[float, float, str]]:
    """(x0, x1, owner) of each knuckle, alternating box, lid, box, ..."""
    gap = max(v["clearance"], 0.2)
    span = v["length"] - 2 * v["corner_radius"]
    n = v["knuckles"]
    size = (span - (n - 1) * gap) / n
    x = -span / 2
    out = []
    for k in range(n):
        out.append((x, x + size, "box" if k % 2 == 0 else "lid"))
        x += size + gap
    return out


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    size = segments(v)[0][1] - segments(v)[0][0]
    require(size >= 4.0, "knuckles", "too many for this length: each knuckle must be at least 4 mm", errors)
    require(
        v["height"] >= 2 * knuckle_radius(v) + v["wall"] + 2,
        "height",
        f"must be at least {2 * knuckle_radius(v) + v['wall'] + 2:.1f} mm for the hinge",
        errors,
    )
    raise_if(errors)


def _prism_yz(points: list[tuple[float, float]], x0: float, x1: float) -> cq.Solid:
    wire = cq.Wire.makePolygon([cq.Vector(x0, y, z) for y, z in points], close=True)
    return cq.Solid.extrudeLinear(cq.Face.makeFromWires(wire), cq.Vector(x1 - x0, 0, 0))


def _knuckle(v: dict[str, Any], x0: float, x1: float) -> cq.Solid:
    ya, za = hinge_axis(v)
    return cq.Solid.makeCylinder(knuckle_radius(v), x1 - x0, cq.Vector(x0, ya, za), cq.Vector(1, 0, 0))


def _pin_hole(v: dict[str, Any]) -> cq.Solid:
    ya, za = hinge_axis(v)
    d = hole_for(PINS[v["pin"]], v["clearance"])
    return cq.Solid.makeCylinder(
        d / 2, v["length"] + 2, cq.Vector(-v["length"] / 2 - 1, ya, za), cq.Vector(1, 0, 0)
    )


def _box(v: dict[str, Any]) -> cq.Shape:
    box = open_box(v["length"], v["width"], v["height"], v["wall"], v["corner_radius"], v["fillet_radius"])
    ya, za = hinge_axis(v)
    r, back = knuckle_radius(v), v["width"] / 2 - 0.5
    parts: list[cq.Shape] = []
    for x0, x1, owner in segments(v):
        if owner != "box":
            continue
        # web from the back wall to the knuckle, its underside at 45 degrees (no supports)
        web = [(back, za - r - (ya - back)), (back, za), (ya, za), (ya, za - r)]
        parts += [_knuckle(v, x0, x1), _prism_yz(web, x0, x1)]
    return cut_all(fuse_all(box, parts), [_pin_hole(v)])


def _lid_assembled(v: dict[str, Any]) -> cq.Shape:
    h, t, c = v["height"], v["lid_thickness"], v["clearance"]
    plate = rounded_plate(v["length"], v["width"], t, v["corner_radius"]).translate(cq.Vector(0, 0, h))
    ya, za = hinge_axis(v)
    back = v["width"] / 2
    parts: list[cq.Shape] = []
    for x0, x1, owner in segments(v):
        if owner != "lid":
            continue
        # web from the plate to the knuckle, kept `c` off the box's back wall below z = h
        web = [(back + c, za), (ya, za), (ya, h + t), (back - 0.5, h + t), (back - 0.5, h), (back + c, h)]
        parts += [_knuckle(v, x0, x1), _prism_yz(web, x0, x1)]
    return cut_all(fuse_all(plate, parts), [_pin_hole(v)])


def build(v: dict[str, Any]) -> cq.Shape:
    if v["part"] == "box":
        return _box(v)
    from printforge_services.generator.catalog.finish import fillet

    lid = _lid_assembled(v).translate(cq.Vector(0, 0, -v["height"] - v["lid_thickness"])).mirror("XY")
    # round the outside face's edges (now on z=0), away from the hinge
    edges = [e for e in lid.Edges() if abs(e.Center().z) < 1e-6 and e.Center().y < v["width"] / 2 - 0.6]
    return fillet(lid, edges, v["fillet_radius"], "lid edge fillet", limit=round(v["lid_thickness"] - 0.4, 2))


TEMPLATE = Template(
    id="hinged_box",
    kind="starter",
    title="Hinged box",
    description="Box with a pin-hinged lid (1.75 mm filament or M3 pin); box and lid print flat, "
    "without supports.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("box with hinge", "hinged lid box", "hinge box", "jewelry box", "trinket box", "hinged case"),
)
