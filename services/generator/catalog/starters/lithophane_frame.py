"""Standing frame for a flat lithophane: the panel slides into a U-channel from the top,
front and back lips hold it, a foot keeps it upright in front of a light.

Sized by the panel (width x height x thickness) with `clearance` per side in the channel
(catalog.fit), so a panel printed at its nominal size slides in. Frame: the panel's plane
is XZ, centred on x=0, facing -Y; the foot lies on z=0 and the panel's lower edge rests on
the channel floor at z = `panel_floor_z(v)`.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.finish import fillet
from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.starters._params import fillet_param
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param

LIP = 4.0  # how far the front and back lips overlap the panel's edges
LIP_WALL = 1.6

PARAMS = (
    Param("panel_width", "Panel width", "number", 100.0, unit="mm", min=40, max=250, step=1, group="Panel"),
    Param("panel_height", "Panel height", "number", 100.0, unit="mm", min=40, max=250, step=1, group="Panel"),
    Param(
        "panel_thickness", "Panel thickness", "number", 3.0, unit="mm", min=1, max=8, step=0.1, group="Panel"
    ),
    Param("border", "Border width", "number", 8.0, unit="mm", min=5, max=25, step=0.5, group="Frame"),
    Param("foot_depth", "Foot depth", "number", 50.0, unit="mm", min=20, max=120, step=1, group="Frame"),
    fillet_param(1.0, 4, "Frame"),
    clearance_param(description="Gap per side around the panel in the channel."),
)


def channel(v: dict[str, Any]) -> tuple[float, float]:
    """(width, thickness) of the slot the panel slides into."""
    c = v["clearance"]
    return v["panel_width"] + 2 * c, v["panel_thickness"] + 2 * c


def depth(v: dict[str, Any]) -> float:
    return channel(v)[1] + 2 * LIP_WALL


def panel_floor_z(v: dict[str, Any]) -> float:
    return v["border"]


def build(v: dict[str, Any]) -> cq.Shape:
    b, c = v["border"], v["clearance"]
    width, thick = channel(v)
    outer_w = width + 2 * b
    outer_h = v["panel_height"] + b  # open at the top: the panel slides in from there
    d = depth(v)
    body = cq.Solid.makeBox(outer_w, d, outer_h, cq.Vector(-outer_w / 2, -d / 2, 0))
    foot = cq.Solid.makeBox(outer_w, v["foot_depth"], b, cq.Vector(-outer_w / 2, -v["foot_depth"] / 2, 0))
    frame = body.fuse(foot).clean()
    vertical = [e for e in frame.Edges() if abs(e.tangentAt(0).z) > 0.999 and e.Center().z < b + 1e-6]
    frame = fillet(frame, vertical, v["fillet_radius"], "foot edge fillet")
    slot = cq.Solid.makeBox(width, thick, outer_h, cq.Vector(-width / 2, -thick / 2, panel_floor_z(v) - c))
    window_w = v["panel_width"] - 2 * LIP
    window = cq.Solid.makeBox(window_w, d + 2, outer_h, cq.Vector(-window_w / 2, -d / 2 - 1, b + LIP))
    return frame.cut(slot, window).clean()


TEMPLATE = Template(
    id="lithophane_frame",
    kind="starter",
    title="Lithophane frame",
    description="Standing frame for a flat lithophane panel: slide-in channel, front and back lips, a foot.",
    params=PARAMS,
    build=build,
    aliases=("lithophane stand", "lithophane holder", "photo frame", "picture frame", "lithophane display"),
)
