"""Involute spur gear: module, tooth count, pressure angle, bore (optionally D-shaped) and hub.

The tooth flanks are true involutes of the base circle (sampled and passed through as
splines, one per flank) so two gears of the same module and pressure angle mesh at the
centre distance m * (z1 + z2) / 2 with constant velocity ratio. Standard full-depth
proportions: addendum 1 m, dedendum 1.25 m. Below the base circle the flank continues
radially to the root (no generated undercut), which is why tooth counts below
2 / sin^2(pressure angle) get a warning. Every tooth is thinned by `clearance` at the
pitch circle (half per flank), so two meshing gears have `clearance` of play per side,
and the bore gets `clearance` per side (catalog.fit). Frame: gear axis on Z, face from
z=0 to `height`, hub above; tooth 0 is centred on +X.
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.finish import warn
from printforge_services.generator.catalog.fit import clearance_param, hole_for
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param
from printforge_services.generator.planner.standards import thread

ADDENDUM = 1.0  # x module
DEDENDUM = 1.25  # x module
FLANK_SAMPLES = 9
SET_SCREW = "M3"

PARAMS = (
    Param("module", "Module", "number", 1.5, unit="mm", min=0.8, max=3, step=0.1, group="Teeth"),
    Param("teeth", "Teeth", "integer", 20, min=12, max=80, step=1, group="Teeth"),
    Param(
        "pressure_angle",
        "Pressure angle",
        "enum",
        20.0,
        unit="°",
        options=[14.5, 20.0, 25.0],
        group="Teeth",
        description="20° is the modern standard; mating gears must share it and the module.",
    ),
    Param(
        "height",
        "Face width",
        "number",
        6.0,
        unit="mm",
        min=2,
        max=30,
        step=0.5,
        group="Size",
        description="Thickness of the toothed part (the gear's height on the bed).",
    ),
    Param(
        "bore",
        "Bore (shaft diameter)",
        "number",
        5.0,
        unit="mm",
        min=0,
        max=20,
        step=0.05,
        group="Shaft",
        description="Nominal shaft diameter; clearance is added. 0 for no bore.",
    ),
    Param(
        "d_flat",
        "Bore D-flat depth",
        "number",
        0.0,
        unit="mm",
        min=0,
        max=2,
        step=0.1,
        group="Shaft",
        description="Flat of a D-shaft (0.5 mm on NEMA steppers); 0 for a round bore.",
    ),
    Param("hub", "Hub", "boolean", True, group="Hub"),
    Param("hub_diameter", "Hub diameter", "number", 12.0, unit="mm", min=6, max=40, step=0.5, group="Hub"),
    Param("hub_height", "Hub height", "number", 6.0, unit="mm", min=2, max=20, step=0.5, group="Hub"),
    Param(
        "set_screw", "Set screw (M3)", "boolean", False, group="Hub", description="Radial M3 hole in the hub."
    ),
    clearance_param(description="Play per flank against a mating gear, and gap per side in the bore."),
)


def involute(angle: float) -> float:
    return math.tan(angle) - angle


def radii(v: dict[str, Any]) -> dict[str, float]:
    m, z = v["module"], v["teeth"]
    r = m * z / 2
    return {
        "pitch": r,
        "base": r * math.cos(math.radians(v["pressure_angle"])),
        "tip": r + ADDENDUM * m,
        "root": r - DEDENDUM * m,
    }


def centre_distance(module: float, teeth_a: int, teeth_b: int) -> float:
    """Axis distance at which two standard gears mesh."""
    return module * (teeth_a + teeth_b) / 2


def half_angle(v: dict[str, Any], radius: float) -> float:
    """Half the angular tooth thickness at `radius` (>= base radius)."""
    r = radii(v)
    alpha = math.radians(v["pressure_angle"])
    thickness = math.pi * v["module"] / 2 - v["clearance"]
    at = math.acos(min(1.0, r["base"] / radius))
    return thickness / (2 * r["pitch"]) + involute(alpha) - involute(at)


def _bore_d(v: dict[str, Any]) -> float:
    return hole_for(v["bore"], v["clearance"]) if v["bore"] > 0 else 0.0


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    r = radii(v)
    tip_width = 2 * half_angle(v, r["tip"]) * r["tip"]
    require(
        tip_width >= 0.2 * v["module"],
        "teeth",
        "teeth come to a point at this pressure angle; use more teeth or a lower pressure angle",
        errors,
    )
    wall_to = 2 * r["root"] - 3.0
    if v["hub"]:
        require(
            v["hub_diameter"] <= 2 * r["root"], "hub_diameter", "must not exceed the root diameter", errors
        )
        wall_to = min(wall_to, v["hub_diameter"] - 3.0)
    require(
        _bore_d(v) <= wall_to,
        "bore",
        f"leaves less than 1.5 mm of material; at most {wall_to - 2 * v['clearance']:.1f} mm",
        errors,
    )
    require(
        v["d_flat"] < v["bore"] / 2 or v["d_flat"] == 0, "d_flat", "must be less than the bore radius", errors
    )
    if v["set_screw"]:
        require(v["hub"], "set_screw", "needs the hub", errors)
        require(v["hub_height"] >= 5.0, "hub_height", "must be at least 5 mm for the M3 set screw", errors)
    raise_if(errors)


def _polar(radius: float, angle: float) -> cq.Vector:
    return cq.Vector(radius * math.cos(angle), radius * math.sin(angle), 0)


def _arc(radius: float, a0: float, a1: float) -> cq.Edge:
    return cq.Edge.makeThreePointArc(_polar(radius, a0), _polar(radius, (a0 + a1) / 2), _polar(radius, a1))


def profile(v: dict[str, Any]) -> cq.Wire:
    """The closed gear outline in the XY plane, counter-clockwise, tooth 0 on +X."""
    r = radii(v)
    z = v["teeth"]
    start = max(r["base"], r["root"])
    samples = [start + (r["tip"] - start) * i / (FLANK_SAMPLES - 1) for i in range(FLANK_SAMPLES)]
    psi = [half_angle(v, s) for s in samples]
    edges: list[cq.Edge] = []
    for k in range(z):
        centre = 2 * math.pi * k / z
        rising = [_polar(s, centre - p) for s, p in zip(samples, psi, strict=True)]
        falling = [_polar(s, centre + p) for s, p in zip(reversed(samples), reversed(psi), strict=True)]
        if r["root"] < r["base"]:
            edges.append(cq.Edge.makeLine(_polar(r["root"], centre - psi[0]), rising[0]))
        edges.append(cq.Edge.makeSpline(rising))
        edges.append(_arc(r["tip"], centre - psi[-1], centre + psi[-1]))
        edges.append(cq.Edge.makeSpline(falling))
        if r["root"] < r["base"]:
            edges.append(cq.Edge.makeLine(falling[-1], _polar(r["root"], centre + psi[0])))
        next_centre = 2 * math.pi * (k + 1) / z
        edges.append(_arc(r["root"], centre + psi[0], next_centre - psi[0]))
    return cq.Wire.assembleEdges(edges)


def build(v: dict[str, Any]) -> cq.Shape:
    alpha = math.radians(v["pressure_angle"])
    undercut = 2 / math.sin(alpha) ** 2
    if v["teeth"] < undercut:
        warn(
            f"teeth: {v['teeth']} is below {math.ceil(undercut)} for {v['pressure_angle']:g}°; "
            "flanks are not undercut, so large mating gears may bind"
        )
    gear: cq.Shape = cq.Solid.extrudeLinear(cq.Face.makeFromWires(profile(v)), cq.Vector(0, 0, v["height"]))
    top = v["height"]
    if v["hub"]:
        hub = cq.Solid.makeCylinder(v["hub_diameter"] / 2, v["hub_height"] + 0.5, cq.Vector(0, 0, top - 0.5))
        gear = gear.fuse(hub).clean()
        top += v["hub_height"]
    tools: list[cq.Shape] = []
    if v["bore"] > 0:
        bore_r = _bore_d(v) / 2
        bore: cq.Shape = cq.Solid.makeCylinder(bore_r, top + 2, cq.Vector(0, 0, -1))
        if v["d_flat"] > 0:
            flat_x = v["bore"] / 2 - v["d_flat"] + v["clearance"]
            bore = bore.cut(
                cq.Solid.makeBox(bore_r * 2, bore_r * 2 + 2, top + 4, cq.Vector(flat_x, -bore_r - 1, -2))
            )
        tools.append(bore)
    if v["set_screw"]:
        pilot = thread(SET_SCREW).tap_drill
        z = v["height"] + v["hub_height"] / 2
        tools.append(
            cq.Solid.makeCylinder(pilot / 2, v["hub_diameter"], cq.Vector(0, 0, z), cq.Vector(1, 0, 0))
        )
    return gear.cut(*tools).clean() if tools else gear


TEMPLATE = Template(
    id="spur_gear",
    kind="starter",
    title="Spur gear",
    description="Involute spur gear by module, tooth count and pressure angle, with a bore (round or D) "
    "and an optional hub with set screw.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("involute spur gear", "gear with a hub"),
)
