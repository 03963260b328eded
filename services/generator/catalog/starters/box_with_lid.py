"""Electronics enclosure with screw bosses and a matching lid.

Box and lid are ONE template with a `part` switch rather than one generation holding
two bodies: every generation must be exactly one valid solid (so analysis, repair and
slicing see one part), and the two parts share all dimensions, so rendering `part=lid`
with the same values always gives a lid that fits. The lid has a locating rim that
drops inside the box walls with `clearance`, and countersunk holes over the bosses.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.starters._geometry import open_box, rounded_plate
from printforge_services.generator.catalog.starters._params import PART, fillet_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

SCREW_PILOT = {"M2": 1.6, "M2.5": 2.1, "M3": 2.5}  # self-tapping pilot hole in the boss
SCREW_CLEAR = {"M2": 2.4, "M2.5": 2.9, "M3": 3.4}
RIM_HEIGHT = 3.0
BOSS_OVERLAP = 1.0

PARAMS = (
    PART,
    Param("length", "Outer length", "number", 80.0, unit="mm", min=30, max=200, step=1, group="Size"),
    Param("width", "Outer width", "number", 60.0, unit="mm", min=30, max=200, step=1, group="Size"),
    Param(
        "height",
        "Outer height",
        "number",
        35.0,
        unit="mm",
        min=15,
        max=120,
        step=1,
        group="Size",
        description="Height of the box without the lid.",
    ),
    Param("wall", "Wall thickness", "number", 2.0, unit="mm", min=1.2, max=4, step=0.1, group="Body"),
    Param("corner_radius", "Corner radius", "number", 4.0, unit="mm", min=2, max=10, step=0.5, group="Body"),
    Param("lid_thickness", "Lid thickness", "number", 2.0, unit="mm", min=1.2, max=5, step=0.1, group="Body"),
    Param("screw", "Screw size", "enum", "M3", options=["M2", "M2.5", "M3"], group="Screws"),
    fillet_param(
        0.0, 10, "Body", "Rounds the box's bottom edges and the lid's outer edges; 0 for sharp edges."
    ),
    clearance_param(description="Gap per side between the lid's locating rim and the box walls."),
)


def _boss_diameter(v: dict[str, Any]) -> float:
    return SCREW_CLEAR[v["screw"]] * 2.2


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    require(v["corner_radius"] > v["wall"], "corner_radius", "must be larger than the wall thickness", errors)
    inner = min(v["length"], v["width"]) - 2 * v["wall"]
    require(
        inner >= 2 * _boss_diameter(v) + 4,
        "width",
        f"too small for {v['screw']} bosses: the inside must be at least "
        f"{2 * _boss_diameter(v) + 4 + 2 * v['wall']:.1f} mm",
        errors,
    )
    require(
        v["height"] >= v["wall"] + 2 * RIM_HEIGHT,
        "height",
        f"must be at least {v['wall'] + 2 * RIM_HEIGHT:.1f} mm for this wall",
        errors,
    )
    raise_if(errors)


def _boss_centres(v: dict[str, Any]) -> list[tuple[float, float]]:
    # bosses sink 1 mm into both walls: a boss merely touching a wall would leave a
    # tangent line contact (non-manifold edges in the mesh) instead of a solid joint
    inset = v["wall"] + _boss_diameter(v) / 2 - BOSS_OVERLAP
    hx, hy = v["length"] / 2 - inset, v["width"] / 2 - inset
    return [(sx * hx, sy * hy) for sx in (-1, 1) for sy in (-1, 1)]


def _box(v: dict[str, Any]) -> cq.Workplane:
    length, width, height, wall = v["length"], v["width"], v["height"], v["wall"]
    shell = cq.Workplane("XY").add(
        open_box(length, width, height, wall, v["corner_radius"], v["fillet_radius"])
    )
    bosses = (
        cq.Workplane("XY", origin=(0, 0, wall / 2))
        .pushPoints(_boss_centres(v))
        .circle(_boss_diameter(v) / 2)
        .extrude(height - wall / 2 - v["clearance"] - RIM_HEIGHT)
    )
    pilots = (
        cq.Workplane("XY", origin=(0, 0, wall))
        .pushPoints(_boss_centres(v))
        .circle(SCREW_PILOT[v["screw"]] / 2)
        .extrude(height)
    )
    return shell.union(bosses).cut(pilots)


def _lid(v: dict[str, Any]) -> cq.Workplane:
    length, width, wall, gap = v["length"], v["width"], v["wall"], v["clearance"]
    # the lid prints upside down: its z=0 face is the outside, so round the edges there
    outer = rounded_plate(
        length, width, v["lid_thickness"], v["corner_radius"], v["fillet_radius"], "lid edge fillet"
    )
    plate = cq.Workplane("XY").add(outer.mirror("XY").translate(cq.Vector(0, 0, v["lid_thickness"])))
    rim_l, rim_w = length - 2 * (wall + gap), width - 2 * (wall + gap)
    rim_r = max(v["corner_radius"] - wall - gap, 0.5)
    rim = (
        cq.Workplane("XY", origin=(0, 0, v["lid_thickness"]))
        .rect(rim_l, rim_w)
        .extrude(RIM_HEIGHT)
        .edges("|Z")
        .fillet(rim_r)
        .faces(">Z")
        .shell(-min(wall, 1.6))
    )
    lid = plate.union(rim)
    clear = SCREW_CLEAR[v["screw"]]
    # countersinks on the outside face (z = 0 is the top of the closed box once flipped)
    return (
        lid.faces("<Z")
        .workplane(centerOption="CenterOfBoundBox")
        .pushPoints([(x, -y) for x, y in _boss_centres(v)])
        .cskHole(clear, clear * 2, 90)
    )


def build(v: dict[str, Any]) -> cq.Workplane:
    return _lid(v) if v["part"] == "lid" else _box(v)


TEMPLATE = Template(
    id="box_with_lid",
    kind="starter",
    title="Box with lid",
    description="Enclosure with four screw bosses and a fitting, screw-down lid (choose the part to render).",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("screw-down lid", "box with a screw-down lid", "electronics box", "screw lid box"),
)
