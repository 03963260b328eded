"""Phone/tablet stand: a side profile extruded to width, with a hollowed backrest and a
cable notch in the front lip.

The base depth is derived from the backrest (never a free parameter), so every
combination of angle, height and thickness inside the limits gives a stable, valid part.
"""

from __future__ import annotations

import math
from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param

PARAMS = (
    Param("width", "Width", "number", 70.0, unit="mm", min=40, max=160, step=1, group="Size"),
    Param(
        "angle",
        "Lean angle",
        "number",
        65.0,
        unit="°",
        min=50,
        max=80,
        step=1,
        group="Size",
        description="Angle of the backrest above horizontal.",
    ),
    Param("back_height", "Backrest height", "number", 70.0, unit="mm", min=40, max=140, step=1, group="Size"),
    Param(
        "device_thickness",
        "Device thickness",
        "number",
        12.0,
        unit="mm",
        min=6,
        max=24,
        step=0.5,
        group="Fit",
        description="Slot between lip and backrest; include the case.",
    ),
    Param("lip_height", "Lip height", "number", 12.0, unit="mm", min=5, max=25, step=0.5, group="Fit"),
    Param("thickness", "Wall thickness", "number", 5.0, unit="mm", min=3, max=8, step=0.5, group="Body"),
    Param("cable_notch", "Cable notch", "boolean", True, group="Body"),
    Param(
        "cable_notch_width",
        "Cable notch width",
        "number",
        14.0,
        unit="mm",
        min=8,
        max=30,
        step=1,
        group="Body",
    ),
)


def _prism(points: list[tuple[float, float]], y0: float, length: float) -> cq.Solid:
    """Extrude an XZ polygon along +Y (Shape API: this is the warm-path benchmark part and
    Workplane bookkeeping would cost more than the OCCT work itself)."""
    wire = cq.Wire.makePolygon([cq.Vector(x, y0, z) for x, z in points], close=True)
    return cq.Solid.extrudeLinear(cq.Face.makeFromWires(wire), cq.Vector(0, length, 0))


def build(v: dict[str, Any]) -> cq.Shape:
    t, height, a = v["thickness"], v["back_height"], math.radians(v["angle"])
    width = v["width"]
    x0 = t + v["device_thickness"]  # foot of the backrest's front face
    x_top = x0 + height / math.tan(a)  # top of the front face
    depth = x_top + t / math.sin(a) + t  # back edge of the base
    outline = [
        (0, 0),
        (depth, 0),
        (depth, t + height),
        (x_top, t + height),
        (x0, t),
        (t, t),
        (t, t + v["lip_height"]),
        (0, t + v["lip_height"]),
    ]
    stand = _prism(outline, 0.0, width)

    def behind_backrest(z: float) -> float:  # x of the backrest's rear face at height z
        return x0 + t / math.sin(a) + (z - t) / math.tan(a)

    # hollow the wedge behind the backrest right through, leaving an A-frame of `thickness`
    core = [(behind_backrest(t), t), (depth - t, t), (depth - t, height), (behind_backrest(height), height)]
    tools: list[cq.Shape] = [_prism(core, -1.0, width + 2)]
    if v["cable_notch"]:
        notch_w = min(v["cable_notch_width"], width - 2 * t)
        tools.append(
            cq.Solid.makeBox(t + 2, notch_w, v["lip_height"] + 1, cq.Vector(-1, (width - notch_w) / 2, t))
        )
    stand = stand.cut(*tools)
    # soften the two long bottom edges (elephant's foot, and nicer to the desk)
    bottom = [
        e
        for e in stand.Edges()
        if e.geomType() == "LINE" and abs(e.Center().z) < 1e-6 and abs(e.tangentAt(0).y) > 0.999
    ]
    return stand.chamfer(min(1.0, t / 4), None, bottom)


TEMPLATE = Template(
    id="phone_stand",
    kind="starter",
    title="Phone stand",
    description="Desk stand for a phone or small tablet: lean angle, slot width and cable notch.",
    params=PARAMS,
    build=build,
    aliases=("phone cradle", "mobile cradle"),
)
