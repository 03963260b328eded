"""Shelf bracket sized for a load: wall leg, shelf arm and a diagonal brace, with the
member sizes computed from the load and a stated safety factor.

Model (a pin-jointed triangle, load at the arm's tip as the worst case):
- F = load_kg * 9.81 N per bracket, at distance L (the arm length) from the wall.
- The brace meets the arm at a = 0.7 L; its compression C = F L / (a sin(theta)), with
  theta the brace angle from horizontal. Its in-plane width t_b meets both
  C * SF <= sigma * b * t_b (crushing) and C * SF <= pi^2 E (b t_b^3 / 12) / l_b^2 (Euler
  buckling, pinned ends).
- Beyond the brace the arm is a cantilever: M = F (L - a), sigma = 6 M / (b t^2), so
  t_arm = sqrt(6 F (L - a) SF / (b sigma)).
- The top wall screw carries F L / h_s (moment about the brace foot, h_s the height of
  the screw above it), reported by `sizing` so the user can pick wall plugs.
Material: PLA printed flat (layers parallel to the profile, which is why it prints on
its side): tensile stress at break 45.6 MPa and tensile modulus 2346 MPa, ISO 527 on
XY-printed bars, Ultimaker PLA technical data sheet v5. The figures hold for a solid
section: print with 100 % infill (or enough perimeters to fill the members).
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.finish import fillet
from printforge_services.generator.catalog.starters._params import fillet_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param
from printforge_services.generator.planner.standards import thread

PLA_STRENGTH_MPA = 45.6  # Ultimaker PLA TDS, tensile stress at break, ISO 527, XY print
PLA_MODULUS_MPA = 2346.0  # Ultimaker PLA TDS, tensile modulus, ISO 527
G = 9.81
BRACE_AT = 0.7  # the brace meets the arm at this fraction of its length
MIN_MEMBER = 4.0  # thinner members are not worth printing, whatever the load
FOOT = 22.0  # leg below the brace foot, room for the lower screw

PARAMS = (
    Param(
        "load_kg",
        "Load per bracket",
        "number",
        10.0,
        unit="kg",
        min=0.5,
        max=40,
        step=0.5,
        group="Load",
        description="Mass each bracket must carry; assumed at the front edge of the shelf (worst case).",
    ),
    Param(
        "safety_factor",
        "Safety factor",
        "number",
        3.0,
        min=1.5,
        max=6,
        step=0.5,
        group="Load",
        description="Printed PLA strength divided by this is the allowed stress.",
    ),
    Param("depth", "Shelf depth (arm)", "number", 150.0, unit="mm", min=60, max=300, step=5, group="Size"),
    Param("height", "Wall leg height", "number", 120.0, unit="mm", min=60, max=300, step=5, group="Size"),
    Param(
        "width",
        "Bracket width",
        "number",
        20.0,
        unit="mm",
        min=12,
        max=40,
        step=1,
        group="Size",
        description="Thickness across the print bed; the strength scales with it.",
    ),
    Param("mounting_holes", "Wall screw holes", "integer", 2, min=2, max=4, step=1, group="Mount"),
    Param("screw", "Wall screw", "enum", "M4", options=["M4", "M5"], group="Mount"),
    Param("shelf_holes", "Shelf screw holes", "boolean", True, group="Mount"),
    fillet_param(1.0, 3, "Body"),
)


def sizing(v: dict[str, Any]) -> dict[str, float]:
    """Member sizes (mm) and the forces (N) and stress (MPa) they were sized for."""
    force = v["load_kg"] * G
    sf, b, length = v["safety_factor"], v["width"], v["depth"]
    allowed = PLA_STRENGTH_MPA / sf
    arm = max(MIN_MEMBER, math.sqrt(6 * force * (1 - BRACE_AT) * length / (b * allowed)))
    a = BRACE_AT * length
    rise = v["height"] - FOOT - arm
    brace_len = math.hypot(a, rise)
    compression = force * length / (a * rise / brace_len)
    crush = compression * sf / (PLA_STRENGTH_MPA * b)
    buckle = (12 * compression * sf * brace_len**2 / (math.pi**2 * PLA_MODULUS_MPA * b)) ** (1 / 3)
    brace = max(MIN_MEMBER, crush, buckle)
    screw_height = rise - 10.0  # the top screw sits 10 mm under the arm
    return {
        "force_n": force,
        "allowed_stress_mpa": allowed,
        "arm_thickness": arm,
        "leg_thickness": arm,
        "brace_thickness": brace,
        "brace_compression_n": compression,
        "top_screw_pull_n": force * length / screw_height,
    }


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    s = sizing(v)
    require(
        s["arm_thickness"] <= v["height"] / 4,
        "load_kg",
        f"{v['load_kg']:g} kg at {v['depth']:g} mm needs a {s['arm_thickness']:.1f} mm arm; "
        "widen the bracket, lower the load or the safety factor",
        errors,
    )
    require(
        v["height"] >= 0.4 * v["depth"],
        "height",
        f"must be at least {0.4 * v['depth']:.0f} mm (40 % of the arm) so the brace is not too flat",
        errors,
    )
    raise_if(errors)


def _prism(points: list[tuple[float, float]], width: float) -> cq.Solid:
    wire = cq.Wire.makePolygon([cq.Vector(x, y, 0) for x, y in points], close=True)
    return cq.Solid.extrudeLinear(cq.Face.makeFromWires(wire), cq.Vector(0, 0, width))


def screw_heights(v: dict[str, Any]) -> list[float]:
    """Heights of the wall screws: one or two under the arm, the rest under the brace foot."""
    s = sizing(v)
    top = v["height"] - s["arm_thickness"] - 10.0
    upper = [top] if v["mounting_holes"] < 4 else [top, top - 12.0]
    lower_count = v["mounting_holes"] - len(upper)
    lower = [FOOT / 2] if lower_count == 1 else [FOOT / 2 - 5.0, FOOT / 2 + 5.0][:lower_count]
    return upper + lower


def build(v: dict[str, Any]) -> cq.Shape:
    s = sizing(v)
    length, height, b = v["depth"], v["height"], v["width"]
    arm, leg, brace = s["arm_thickness"], s["leg_thickness"], s["brace_thickness"]
    a = BRACE_AT * length
    top = height - arm
    # brace: a strip `brace` wide (perpendicular) from the leg at the foot to the arm at `a`
    angle = math.atan2(top - FOOT, a - leg)
    dx, dy = brace / math.sin(angle), brace / math.cos(angle)
    parts = [
        _prism([(0, 0), (leg, 0), (leg, height), (0, height)], b),
        _prism([(leg - 0.5, top), (length, top), (length, height), (leg - 0.5, height)], b),
        _prism([(leg - 0.5, FOOT), (leg - 0.5, FOOT + dy), (a - dx, top + 0.5), (a, top + 0.5)], b),
    ]
    bracket = parts[0].fuse(*parts[1:]).clean()
    # round the profile's outer corners (edges along the extrusion): comfort, never required
    outer = [
        e
        for e in bracket.Edges()
        if abs(e.tangentAt(0).z) > 0.999
        and (e.Center().x, e.Center().y) in ((length, height), (length, top), (0, 0), (0, height), (leg, 0))
    ]
    bracket = fillet(bracket, outer, v["fillet_radius"], "edge fillet")
    hole = thread(v["screw"]).clearance()
    head = 2 * thread(v["screw"]).size
    tools: list[cq.Shape] = []
    x_axis = cq.Vector(1, 0, 0)
    for y in screw_heights(v):
        tools.append(cq.Solid.makeCylinder(hole / 2, leg + 2, cq.Vector(-1, y, b / 2), x_axis))
        # countersunk from the room side (x = leg) so the head sits flush
        tools.append(
            cq.Solid.makeCone(0, head / 2 + 0.5, head / 2 + 0.5, cq.Vector(leg - head / 2, y, b / 2), x_axis)
        )
    if v["shelf_holes"]:
        for x in (a + (length - a) / 2,):
            tools.append(
                cq.Solid.makeCylinder(hole / 2, arm + 2, cq.Vector(x, top - 1, b / 2), cq.Vector(0, 1, 0))
            )
    return bracket.cut(*tools).clean()


TEMPLATE = Template(
    id="shelf_bracket",
    kind="starter",
    title="Shelf bracket",
    description="Braced shelf bracket whose arm, leg and brace are sized for the load and safety factor "
    "(printed PLA, worst-case load at the front edge).",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("shelf support", "shelf holder", "wall shelf bracket", "corbel", "shelf brace"),
)
