"""Box with a snap-fit lid: the lid's locating rim carries a chamfered bead that clicks
into a groove inside the box walls.

The rim wall (1.6 mm) flexes inwards as the 45-degree bead slides down the wall, then
springs out into the groove; the groove is `clearance` larger than the bead on every
side (catalog.fit), so the lid sits without rattling yet needs a pull to come off.
Frame as box_with_lid: box centred on Z, floor on z=0; the lid prints outside face
down and `_geometry.seat_lid` seats it. One solid per generation: pick the part to render.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.starters._geometry import (
    cut_all,
    fuse_all,
    open_box,
    profile_loft,
    rounded_plate,
)
from printforge_services.generator.catalog.starters._params import PART, fillet_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

RIM_HEIGHT = 5.0
RIM_WALL = 1.6
BEAD = 0.6  # how far the bead reaches into the wall (it stands BEAD + clearance proud of the rim)
BEAD_FLAT = 0.6  # vertical land between the bead's two chamfers
BEAD_FROM_TOP = 2.0  # depth of the bead's upper chamfer start below the box rim

PARAMS = (
    PART,
    Param("length", "Outer length", "number", 80.0, unit="mm", min=30, max=200, step=1, group="Size"),
    Param("width", "Outer width", "number", 60.0, unit="mm", min=30, max=200, step=1, group="Size"),
    Param("height", "Outer height", "number", 40.0, unit="mm", min=15, max=150, step=1, group="Size"),
    Param("wall", "Wall thickness", "number", 2.0, unit="mm", min=1.6, max=4, step=0.1, group="Body"),
    Param("corner_radius", "Corner radius", "number", 5.0, unit="mm", min=3, max=12, step=0.5, group="Body"),
    Param("lid_thickness", "Lid thickness", "number", 2.0, unit="mm", min=1.2, max=4, step=0.1, group="Body"),
    fillet_param(0.0, 8, "Body"),
    clearance_param(description="Gap per side between rim and walls, and between bead and groove."),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(v["corner_radius"] > v["wall"] + 1, "corner_radius", "must exceed the wall by 1 mm", errors)
    require(
        v["height"] >= v["wall"] + RIM_HEIGHT + 5,
        "height",
        f"must be at least {v['wall'] + RIM_HEIGHT + 5:g} mm",
        errors,
    )
    raise_if(errors)


def _inner(v: dict[str, Any]) -> tuple[float, float, float]:
    """Inside length, width and corner radius of the box."""
    return v["length"] - 2 * v["wall"], v["width"] - 2 * v["wall"], v["corner_radius"] - v["wall"]


def _bead_profile(z: float, out: float) -> list[tuple[float, float]]:
    """(inset, z) sections of a chamfered bead standing `out` proud, its flat from z to z + BEAD_FLAT."""
    return [(0.0, z - out), (-out, z), (-out, z + BEAD_FLAT), (0.0, z + BEAD_FLAT + out)]


def bead_z(v: dict[str, Any]) -> float:
    """Height (box frame) where the bead's vertical land starts."""
    return v["height"] - BEAD_FROM_TOP - BEAD - BEAD_FLAT


def _box(v: dict[str, Any]) -> cq.Shape:
    box = open_box(v["length"], v["width"], v["height"], v["wall"], v["corner_radius"], v["fillet_radius"])
    il, iw, ir = _inner(v)
    c = v["clearance"]
    # the groove: the bead (whose tip reaches BEAD into the wall) with c more room on every
    # side; it starts 0.5 mm inside the cavity so no face of the cutter lies on the wall
    z, f, b = bead_z(v), BEAD_FLAT, BEAD + c
    sections = [(0.5, z - b - c - 0.5), (-b, z - c), (-b, z + f + c), (0.5, z + f + b + c + 0.5)]
    return cut_all(box, [profile_loft(il, iw, ir, sections)])


def _lid(v: dict[str, Any]) -> cq.Shape:
    t, c = v["lid_thickness"], v["clearance"]
    il, iw, ir = _inner(v)
    plate = rounded_plate(
        v["length"], v["width"], t, v["corner_radius"], v["fillet_radius"], "lid edge fillet"
    )
    rim_l, rim_w, rim_r = il - 2 * c, iw - 2 * c, ir - c
    # lid frame as printed: outside face at z=0, rim rising to t + RIM_HEIGHT; box z maps to
    # lid z' = height + t - z
    ring = rounded_plate(rim_l, rim_w, RIM_HEIGHT + 1, rim_r).translate(cq.Vector(0, 0, t - 1))
    bead_top = v["height"] + t - bead_z(v)  # the land's upper end in the lid frame
    bead = profile_loft(rim_l, rim_w, rim_r, _bead_profile(bead_top - BEAD_FLAT, BEAD + c))
    hollow = rounded_plate(rim_l - 2 * RIM_WALL, rim_w - 2 * RIM_WALL, RIM_HEIGHT + 2, rim_r - RIM_WALL)
    rim = fuse_all(ring, [bead]).cut(hollow.translate(cq.Vector(0, 0, t)))
    return fuse_all(plate, [rim])


def build(v: dict[str, Any]) -> cq.Shape:
    return _lid(v) if v["part"] == "lid" else _box(v)


TEMPLATE = Template(
    id="snap_box",
    kind="starter",
    title="Snap-fit box",
    description="Box whose lid clicks on: a chamfered bead on the lid's rim snaps into a groove in the walls",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("snap box", "snap fit box", "snap-fit box", "snap lid box", "click box", "box with snap lid"),
)
