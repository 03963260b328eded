"""Desk filament spool holder: two uprights with U-cradles for a rod, on a base plate.

Uses any rod (a printed tube, 8 mm steel rod, a pencil) through the spool; the
cradles are open at the top so the spool lifts straight out.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from services.generator.catalog.template import Template
from services.generator.manifest import Param

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
)

GROUND_CLEARANCE = 8.0
BASE_THICKNESS = 4.0


def build(v: dict[str, Any]) -> cq.Shape:
    t, rod = v["thickness"], v["rod_diameter"]
    axle_z = v["spool_diameter"] / 2 + GROUND_CLEARANCE
    span = v["spool_width"] + 2 * t
    depth = v["base_depth"]
    upright_w = max(rod * 2 + 8, 20.0)
    base = cq.Solid.makeBox(span, depth, BASE_THICKNESS, cq.Vector(-span / 2, -depth / 2, 0))
    # each upright is a trapezoid (wide foot, narrow top) in the YZ plane, t thick
    profile = [
        (-depth / 2, 0),
        (depth / 2, 0),
        (upright_w / 2, axle_z + rod),
        (-upright_w / 2, axle_z + rod),
    ]
    uprights: list[cq.Shape] = []
    for x in (-span / 2, span / 2 - t):
        plate = cq.Workplane("YZ", origin=(x, 0, 0)).polyline(profile).close().extrude(t).val()
        cradle_w = rod + 0.6
        slot = cq.Solid.makeBox(t + 2, cradle_w, rod + 2, cq.Vector(x - 1, -cradle_w / 2, axle_z))
        round_bottom = cq.Solid.makeCylinder(
            cradle_w / 2, t + 2, cq.Vector(x - 1, 0, axle_z), cq.Vector(1, 0, 0)
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
    aliases=("filament holder", "spool stand", "filament spool holder", "spool rack", "filament stand"),
)
