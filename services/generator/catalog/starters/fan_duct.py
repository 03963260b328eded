"""Fan duct: a flange that screws onto a 40/60/80/120 mm fan and a tapered tube that
funnels its air to a rectangular nozzle, optionally offset sideways.

The tube is a ruled loft from the fan's blade circle to the nozzle's rounded rectangle
(both 8-edge wires, so the rulings pair up without twisting), hollowed by the same loft
`wall` smaller. Printed flange down, so no wall may lean more than 45 degrees (`check`).
Frame as in `_fan`: the fan's outlet face is z=0, the nozzle opens at
z = height, centred at x = offset.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.starters._fan import FAN_SIZE, fan, flange_sketch
from printforge_services.generator.catalog.starters._geometry import rounded_rect_wire
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

NOZZLE_RADIUS = 2.0

PARAMS = (
    FAN_SIZE,
    Param("height", "Length", "number", 40.0, unit="mm", min=30, max=150, step=1, group="Duct"),
    Param("outlet_width", "Nozzle width", "number", 30.0, unit="mm", min=8, max=110, step=1, group="Duct"),
    Param("outlet_depth", "Nozzle depth", "number", 8.0, unit="mm", min=5, max=110, step=1, group="Duct"),
    Param(
        "offset",
        "Nozzle offset",
        "number",
        0.0,
        unit="mm",
        min=0,
        max=60,
        step=1,
        group="Duct",
        description="Shift of the nozzle towards +X, to aim the air past an obstacle.",
    ),
    Param("wall", "Wall thickness", "number", 1.6, unit="mm", min=1.2, max=3, step=0.1, group="Body"),
    Param("flange", "Flange thickness", "number", 3.0, unit="mm", min=2, max=6, step=0.5, group="Body"),
    clearance_param(description="Gap per side around the fan screws."),
)


def wall_shifts(v: dict[str, Any]) -> tuple[float, float, float]:
    """How far the -X, +X and Y walls move sideways from the inlet circle to the nozzle."""
    r = fan(v)["blade_d"] / 2
    x_low = v["offset"] - v["outlet_width"] / 2 + r
    x_high = r - (v["offset"] + v["outlet_width"] / 2)
    return x_low, x_high, r - v["outlet_depth"] / 2


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    f = fan(v)
    for name in ("outlet_width", "outlet_depth"):
        require(
            v[name] <= f["blade_d"], name, f"must not exceed the fan's {f['blade_d']:g} mm opening", errors
        )
    lean = max(abs(shift) for shift in wall_shifts(v))
    rise = v["height"] - v["flange"]
    require(
        lean <= rise,
        "height",
        f"a wall would lean more than 45 degrees and need supports; make it at least "
        f"{lean + v['flange']:.0f} mm long or the nozzle closer to the fan's size",
        errors,
    )
    raise_if(errors)


def _tube(v: dict[str, Any], grow: float, z0: float, z1: float) -> cq.Solid:
    """Ruled loft from the blade circle (as a near-circular rounded square) at the flange to
    the nozzle, `grow` wider all round, from z0 to z1.

    Each section is (width, depth, corner radius, centre x), and the ruled surface between
    two sections is linear in all four, so a cutter that must pass the nozzle (z1 above
    `height`) is the exact extension of the same surface, not a differently sloped one.
    """
    r = fan(v)["blade_d"] / 2 + grow
    inlet = (2 * r, 2 * r, r - 0.05, 0.0)
    nozzle = (v["outlet_width"] + 2 * grow, v["outlet_depth"] + 2 * grow, NOZZLE_RADIUS + grow, v["offset"])
    t = (z1 - v["flange"]) / (v["height"] - v["flange"])
    top = tuple(a + (b - a) * t for a, b in zip(inlet, nozzle, strict=True))
    wires = [
        rounded_rect_wire(w, d, rad, z).translate(cq.Vector(x, 0, 0))
        for (w, d, rad, x), z in ((inlet, z0), (inlet, v["flange"]), (top, z1))
    ]
    return cq.Solid.makeLoft(wires, ruled=True)


def build(v: dict[str, Any]) -> cq.Shape:
    plate = cq.Workplane("XY").placeSketch(flange_sketch(v)).extrude(v["flange"]).val()
    outer = _tube(v, v["wall"], 0.0, v["height"])
    inner = _tube(v, 0.0, -1.0, v["height"] + 1.0)
    return plate.fuse(outer).cut(inner).clean()


TEMPLATE = Template(
    id="fan_duct",
    kind="starter",
    title="Fan duct",
    description="Duct that screws onto a 40/60/80/120 mm fan and funnels the air to a rectangular nozzle.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("fan shroud", "air duct", "blower duct", "fan nozzle", "cooling duct", "fan adapter"),
)
