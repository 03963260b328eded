"""GoPro-style mount: 2 or 3 fingers with an M5 bolt hole on a screw-down base plate.

Finger thickness, width and bolt come from `objects.gopro` (the buckle makers'
measured standard): a 3-finger part takes a 2-finger part between its fingers and the
other way round, both clamped by one M5 thumb screw. Gaps are the finger thickness plus
`clearance` per side (catalog.fit), so any standard mount slides in on any printer.
Frame: fingers stacked along X and centred on x=0, each in a YZ plane; the bolt axis
runs along X at (y=0, z=base_thickness + pivot_height); the base plate lies on z=0.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param, hole_for
from printforge_services.generator.catalog.starters._geometry import (
    countersunk_holes,
    cut_all,
    fuse_all,
    rounded_plate,
)
from printforge_services.generator.catalog.starters._params import fillet_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

PARAMS = (
    Param(
        "fingers", "Fingers", "enum", 3, options=[2, 3], group="Mount", description="3 on the camera side."
    ),
    Param(
        "pivot_height",
        "Bolt height",
        "number",
        10.0,
        unit="mm",
        min=8.5,
        max=30,
        step=0.5,
        group="Mount",
        description="From the base plate's top to the bolt axis; the mating fingers swing clear above 8 mm.",
    ),
    Param("base_length", "Base length", "number", 36.0, unit="mm", min=18, max=80, step=1, group="Base"),
    Param("base_width", "Base width", "number", 24.0, unit="mm", min=18, max=80, step=1, group="Base"),
    Param(
        "base_thickness", "Base thickness", "number", 4.0, unit="mm", min=2, max=10, step=0.5, group="Base"
    ),
    Param(
        "mounting_holes",
        "Mounting holes",
        "integer",
        2,
        min=0,
        max=4,
        step=2,
        group="Base",
        description="Countersunk M3 holes in the base plate (0, 2 or 4).",
    ),
    fillet_param(1.0, 5, "Base"),
    clearance_param(description="Gap per side between fingers, and around the M5 bolt."),
)

MOUNT_SCREW_D = 3.4  # M3 clearance (ISO 273 medium)


def _spec() -> dict[str, Any]:
    from printforge_services.generator.catalog.mates import maker_object

    return maker_object("gopro_mount").features


def pitch(v: dict[str, Any]) -> float:
    """Centre-to-centre distance of neighbouring fingers (same on 2- and 3-finger parts)."""
    f = _spec()
    return 2 * f["finger_thickness"] + 2 * v["clearance"]


def finger_centres(v: dict[str, Any]) -> list[float]:
    n = v["fingers"]
    return [(k - (n - 1) / 2) * pitch(v) for k in range(n)]


def pivot_z(v: dict[str, Any]) -> float:
    return v["base_thickness"] + v["pivot_height"]


def _hole_points(v: dict[str, Any]) -> list[tuple[float, float]]:
    n = v["mounting_holes"]
    if n == 0:
        return []
    y = v["base_length"] / 2 - 5.0
    xs = [0.0] if n == 2 else [-(v["base_width"] / 2 - 5.0), v["base_width"] / 2 - 5.0]
    return [(x, sy * y) for x in xs for sy in (-1, 1)]


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    f = _spec()
    span = v["fingers"] * f["finger_thickness"] + (v["fingers"] - 1) * (pitch(v) - f["finger_thickness"])
    require(v["base_width"] >= span, "base_width", f"must be at least {span:.1f} mm for the fingers", errors)
    require(v["mounting_holes"] % 2 == 0, "mounting_holes", "must be 0, 2 or 4", errors)
    if v["mounting_holes"]:
        clear = f["finger_width"] / 2 + MOUNT_SCREW_D + 1.5
        require(
            v["base_length"] / 2 - 5.0 >= clear,
            "base_length",
            f"must be at least {2 * (clear + 5.0):.0f} mm to fit screws beside the fingers",
            errors,
        )
    raise_if(errors)


def build(v: dict[str, Any]) -> cq.Shape:
    f = _spec()
    t, w = f["finger_thickness"], f["finger_width"]
    base_t, pz = v["base_thickness"], pivot_z(v)
    base = rounded_plate(
        v["base_width"], v["base_length"], base_t, min(4.0, v["base_width"] / 4), v["fillet_radius"]
    )
    fingers: list[cq.Shape] = []
    for x in finger_centres(v):
        x0 = x - t / 2
        # a slab from inside the base up to the pivot, then a round end about the bolt axis
        slab = cq.Solid.makeBox(t, w, pz - base_t + 0.5, cq.Vector(x0, -w / 2, base_t - 0.5))
        end = cq.Solid.makeCylinder(w / 2, t, cq.Vector(x0, 0, pz), cq.Vector(1, 0, 0))
        fingers.append(slab.fuse(end))
    mount = fuse_all(base, fingers)
    bolt_d = hole_for(f["bolt_hole_d"] - 0.2, v["clearance"])  # 5.0 mm M5 bolt + clearance per side
    reach = v["base_width"] + 2
    tools: list[cq.Shape] = [
        cq.Solid.makeCylinder(bolt_d / 2, reach, cq.Vector(-reach / 2, 0, pz), cq.Vector(1, 0, 0))
    ]
    tools += countersunk_holes(_hole_points(v), MOUNT_SCREW_D, base_t)
    return cut_all(mount, tools)


TEMPLATE = Template(
    id="gopro_mount",
    kind="starter",
    title="GoPro mount",
    description="GoPro-style 2- or 3-finger mount (3 mm fingers, M5 bolt) on a base plate with screw holes.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=("gopro", "go pro mount", "gopro adapter", "action camera mount", "camera mount", "gopro buckle"),
)
