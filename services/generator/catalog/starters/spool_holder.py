"""Desk filament spool holder: two uprights with U-cradles for a rod, on a base plate.

Uses any rod (a printed tube, 8 mm steel rod, a pencil) through the spool; the
cradles are open at the top so the spool lifts straight out. With `bearing="608"` each
upright instead holds a 608 bearing (objects.bearings) in a pocket open at the top and
towards the spool, behind an outer lip that keeps it from walking out; an 8 mm rod runs
through both bearings. Defaults fit a 1 kg spool (200 mm across, ~70 mm wide). All fits
use the shared printer clearance (catalog.fit). Frame: base on z=0 centred on the Z axis,
the rod axis along X at `axle_z(v)`.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param, hole_for
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

PARAMS = (
    Param(
        "spool_width",
        "Spool width",
        "number",
        70.0,
        unit="mm",
        min=40,
        max=110,
        step=1,
        group="Spool",
        description="Width of the spool plus clearance between the uprights.",
    ),
    Param(
        "spool_diameter",
        "Spool diameter",
        "number",
        200.0,
        unit="mm",
        min=100,
        max=300,
        step=5,
        group="Spool",
    ),
    Param("rod_diameter", "Rod diameter", "number", 8.5, unit="mm", min=5, max=30, step=0.5, group="Rod"),
    Param("thickness", "Upright thickness", "number", 6.0, unit="mm", min=4, max=12, step=0.5, group="Body"),
    Param("base_depth", "Base depth", "number", 80.0, unit="mm", min=50, max=160, step=1, group="Body"),
    Param(
        "bearing",
        "Bearings",
        "enum",
        "none",
        options=["none", "608"],
        group="Rod",
        description="608: a 608 bearing seat in each upright, for an 8 mm rod (the spool spins freely).",
    ),
    clearance_param(description="Gap per side around the rod and the bearings."),
)

LIP = 2.0  # outer wall left beside a bearing pocket

GROUND_CLEARANCE = 8.0
BASE_THICKNESS = 4.0


def bearing_size() -> tuple[float, float, float]:
    """(bore, outer diameter, width) of the 608 bearing, from the objects table."""
    from printforge_services.generator.catalog.mates import maker_object

    f = maker_object("bearing_608").features
    return f["bore"], f["outer_d"], f["width"]


def axle_z(v: dict[str, Any]) -> float:
    return v["spool_diameter"] / 2 + GROUND_CLEARANCE


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if v["bearing"] == "608":
        need = bearing_size()[2] + v["clearance"] + LIP
        require(
            v["thickness"] >= need,
            "thickness",
            f"must be at least {need:.1f} mm to hold a 608 bearing",
            errors,
        )
    raise_if(errors)


def _bearing_seat(v: dict[str, Any], x: float, towards_spool: float) -> list[cq.Shape]:
    """Cutters for the upright at x..x+thickness: a 608 pocket open at the top and on the
    spool side (`towards_spool` = +1 or -1 along X), and the rod slot through the lip."""
    _, outer, width = bearing_size()
    c, z, t = v["clearance"], axle_z(v), v["thickness"]
    seat_d, depth = hole_for(outer, c), width + c
    x0 = x + t - depth if towards_spool > 0 else x
    x_axis = cq.Vector(1, 0, 0)
    slot_w = hole_for(bearing_size()[0], c)
    return [
        cq.Solid.makeBox(
            depth + 1, seat_d, seat_d, cq.Vector(x0 - (0 if towards_spool > 0 else 1), -seat_d / 2, z)
        ),
        cq.Solid.makeCylinder(
            seat_d / 2, depth + 1, cq.Vector(x0 - (0 if towards_spool > 0 else 1), 0, z), x_axis
        ),
        cq.Solid.makeBox(t + 2, slot_w, seat_d, cq.Vector(x - 1, -slot_w / 2, z)),
        cq.Solid.makeCylinder(slot_w / 2, t + 2, cq.Vector(x - 1, 0, z), x_axis),
    ]


def bearing_seat_x(v: dict[str, Any]) -> list[tuple[float, float]]:
    """(x0, x1) of each bearing pocket, for fit checks."""
    t, span = v["thickness"], v["spool_width"] + 2 * v["thickness"]
    depth = bearing_size()[2] + v["clearance"]
    return [(-span / 2 + t - depth, -span / 2 + t), (span / 2 - t, span / 2 - t + depth)]


def build(v: dict[str, Any]) -> cq.Shape:
    t, rod = v["thickness"], v["rod_diameter"]
    axle = axle_z(v)
    span = v["spool_width"] + 2 * t
    depth = v["base_depth"]
    if v["bearing"] == "608":
        rod = bearing_size()[0]
        upright_w = hole_for(bearing_size()[1], v["clearance"]) + 8.0
        top = upright_w / 2
    else:
        upright_w = max(rod * 2 + 8, 20.0)
        top = rod
    base = cq.Solid.makeBox(span, depth, BASE_THICKNESS, cq.Vector(-span / 2, -depth / 2, 0))
    # each upright is a trapezoid (wide foot, narrow top) in the YZ plane, t thick
    profile = [
        (-depth / 2, 0),
        (depth / 2, 0),
        (upright_w / 2, axle + top),
        (-upright_w / 2, axle + top),
    ]
    uprights: list[cq.Shape] = []
    for x in (-span / 2, span / 2 - t):
        plate = cq.Workplane("YZ", origin=(x, 0, 0)).polyline(profile).close().extrude(t).val()
        if v["bearing"] == "608":
            uprights.append(plate.cut(*_bearing_seat(v, x, 1.0 if x < 0 else -1.0)))
            continue
        cradle_w = hole_for(rod, v["clearance"])
        slot = cq.Solid.makeBox(t + 2, cradle_w, top + 2, cq.Vector(x - 1, -cradle_w / 2, axle))
        round_bottom = cq.Solid.makeCylinder(
            cradle_w / 2, t + 2, cq.Vector(x - 1, 0, axle), cq.Vector(1, 0, 0)
        )
        uprights.append(plate.cut(slot, round_bottom))
    return base.fuse(*uprights).clean()


TEMPLATE = Template(
    id="spool_holder",
    kind="starter",
    title="Spool holder",
    description="Desk stand holding a filament spool on a rod between two cradled uprights.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("filament holder", "spool stand", "filament spool holder", "spool rack", "filament stand"),
)
