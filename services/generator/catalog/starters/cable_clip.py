"""Screw-down snap-in cable clip or organizer: C-shaped rings on a flat tab with a
countersunk hole.

One ring is a clip; several side by side (neighbours share a wall) make an organizer.
The profile is extruded along the clip width so it prints flat on its side with no
supports; each ring's opening (the snap) faces up and away from the tab. Rings are the
cable plus the shared printer clearance per side (catalog.fit); the snap opening is
narrower than the cable, which is what holds it.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.fit import clearance_param, hole_for
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param

HEAD_RATIO = 1.8  # countersunk head diameter / screw diameter

PARAMS = (
    Param("cable_diameter", "Cable diameter", "number", 6.0, unit="mm", min=2, max=25, step=0.1, group="Fit"),
    Param("width", "Clip width", "number", 8.0, unit="mm", min=6, max=25, step=0.5, group="Size"),
    Param("thickness", "Wall thickness", "number", 1.8, unit="mm", min=1.2, max=4, step=0.1, group="Size"),
    Param(
        "opening",
        "Snap opening",
        "number",
        0.75,
        unit="× cable",
        min=0.5,
        max=0.95,
        step=0.05,
        group="Fit",
        description="Width of the snap gap as a fraction of the cable diameter.",
    ),
    Param(
        "screw_diameter", "Screw diameter", "number", 3.5, unit="mm", min=2, max=5, step=0.1, group="Mount"
    ),
    Param(
        "cables", "Cables", "integer", 1, min=1, max=8, step=1, group="Fit", description="Rings side by side."
    ),
    clearance_param(description="Gap per side between the cable and its ring."),
)


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    head = v["screw_diameter"] * HEAD_RATIO
    require(v["width"] >= head + 1.0, "width", f"must be at least {head + 1.0:.1f} mm for this screw", errors)
    raise_if(errors)


def ring_centres(v: dict[str, Any]) -> list[tuple[float, float]]:
    """(x, y) of each ring's centre in the profile plane (the clip is extruded along Z)."""
    r_out = hole_for(v["cable_diameter"], v["clearance"]) / 2 + v["thickness"]
    pitch = 2 * r_out - v["thickness"]  # neighbours share one wall
    return [(-k * pitch, r_out) for k in range(v["cables"])]


def build(v: dict[str, Any]) -> cq.Shape:
    r_in = hole_for(v["cable_diameter"], v["clearance"]) / 2
    t, w = v["thickness"], v["width"]
    r_out = r_in + t
    screw = v["screw_diameter"]
    head = screw * HEAD_RATIO
    tab_len = head + 2 * t + 2
    gap = min(v["opening"] * v["cable_diameter"], 2 * r_in * 0.95)
    rings: list[cq.Shape] = []
    for x, y in ring_centres(v):
        ring = cq.Workplane("XY").center(x, y).circle(r_out).circle(r_in).extrude(w).val()
        snap = cq.Solid.makeBox(gap, 2 * t + 2, w + 2, cq.Vector(x - gap / 2, y + r_in - t - 1 + t, -1))
        rings.append(ring.cut(snap))
    last = ring_centres(v)[-1][0]
    base = cq.Solid.makeBox(-last + r_out + tab_len + t / 2, t, w, cq.Vector(last - r_out * 0.5, 0, 0))
    tab = cq.Workplane("XY").center(r_out + tab_len / 2 - t, t / 2).rect(tab_len + t, t).extrude(w).val()
    clip = tab.fuse(*rings, base).clean()
    hole_x = r_out + tab_len / 2
    down = cq.Vector(0, -1, 0)
    shaft = cq.Solid.makeCylinder(screw / 2, t + 2, cq.Vector(hole_x, t + 1, w / 2), down)
    # 90° countersink: radius shrinks by 1 mm per mm of depth; start 0.5 mm above the tab
    sink = cq.Solid.makeCone(head / 2 + 0.5, 0, head / 2 + 0.5, cq.Vector(hole_x, t + 0.5, w / 2), down)
    return clip.cut(shaft, sink).clean()


TEMPLATE = Template(
    id="cable_clip",
    kind="starter",
    title="Cable clip",
    description="Snap-in cable clip with a screw tab; sized by cable diameter.",
    params=PARAMS,
    build=build,
    check=check,
    aliases=(
        "cable holder",
        "cable organizer",
        "cable organiser",
        "wire clip",
        "cord clip",
        "cable management",
    ),
)
