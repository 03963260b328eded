"""Enclosure for a Raspberry Pi 4/5 or Arduino Uno: standoffs on the board's own hole
pattern, port openings, vent slots and a friction-fit lid.

Every board number comes from `printforge_services.generator.objects.boards` (the published
mechanical drawings), never from this file, so the case and the fit test read the
same holes. Frame: the box is centred on the Z axis with its floor at z=0; the board
sits with its PCB's lower-left corner at `board_origin(v)` (x along the board's long
edge). Box and lid are one template with a `part` switch (one solid per generation,
as in box_with_lid); the lid prints outside face down and `_geometry.seat_lid` puts it on the box.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq

from printforge_services.generator.catalog.finish import warn
from printforge_services.generator.catalog.fit import clearance_param
from printforge_services.generator.catalog.starters._geometry import (
    cut_all,
    fuse_all,
    open_box,
    rounded_plate,
)
from printforge_services.generator.catalog.starters._params import PART, fillet_param
from printforge_services.generator.catalog.template import Template, raise_if, require
from printforge_services.generator.manifest import Param
from printforge_services.generator.planner.standards import thread

BOARDS = ("raspberry_pi_4", "raspberry_pi_5", "arduino_uno")  # ids in objects.boards
SIDE_GAP = 1.0  # board edge to inner wall, on top of the printer clearance
RIM_HEIGHT = 3.0
RIM_WALL = 1.6
VENT_WIDTH = 2.0
VENT_PITCH = 5.0
EAR_LENGTH = 10.0
MOUNT_SCREW = "M3"

PARAMS = (
    Param("board", "Board", "enum", "raspberry_pi_4", options=list(BOARDS), group="Board"),
    PART,
    Param(
        "height",
        "Outer height",
        "number",
        30.0,
        unit="mm",
        min=25,
        max=80,
        step=0.5,
        group="Size",
        description="Height of the box without its lid; must clear the board's tallest part.",
    ),
    Param("wall", "Wall thickness", "number", 2.0, unit="mm", min=1.2, max=4, step=0.1, group="Body"),
    Param("corner_radius", "Corner radius", "number", 3.0, unit="mm", min=1, max=8, step=0.5, group="Body"),
    fillet_param(0.0, 8, "Body", "Rounds the bottom edges of the box and the outer edges of the lid."),
    Param("lid_thickness", "Lid thickness", "number", 2.0, unit="mm", min=1.2, max=4, step=0.1, group="Body"),
    Param(
        "standoff_height",
        "Standoff height",
        "number",
        5.0,
        unit="mm",
        min=3,
        max=15,
        step=0.5,
        group="Board",
        description="Space between the floor and the PCB (pins and solder joints live here).",
    ),
    Param(
        "standoff_fastener",
        "Standoff holes for",
        "enum",
        "screw",
        options=["screw", "insert"],
        group="Board",
        description="screw: pilot hole the board's screw cuts its thread in; insert: heat-set insert hole.",
    ),
    Param(
        "vents", "Vent slots", "boolean", True, group="Body", description="Slots in the lid and free walls."
    ),
    Param(
        "mounting_holes",
        "Mounting holes",
        "integer",
        0,
        min=0,
        max=4,
        step=2,
        group="Mount",
        description="M3 holes in ears at both ends of the box (0, 2 or 4).",
    ),
    clearance_param(),
)


def _board(v: dict[str, Any]) -> Any:
    from printforge_services.generator.catalog.mates import maker_object

    return maker_object(v["board"])


def inner_size(v: dict[str, Any]) -> tuple[float, float]:
    length, width, _ = _board(v).size
    gap = SIDE_GAP + v["clearance"]
    return length + 2 * gap, width + 2 * gap


def outer_size(v: dict[str, Any]) -> tuple[float, float]:
    length, width = inner_size(v)
    return length + 2 * v["wall"], width + 2 * v["wall"]


def board_origin(v: dict[str, Any]) -> tuple[float, float, float]:
    """Lower-left corner of the PCB's bottom face in the box frame."""
    length, width, _ = _board(v).size
    return (-length / 2, -width / 2, v["wall"] + v["standoff_height"])


def required_height(v: dict[str, Any]) -> float:
    f = _board(v).features
    return board_origin(v)[2] + f["pcb_thickness"] + f["above"] + RIM_HEIGHT + v["clearance"]


def check(v: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    f = _board(v).features
    need = required_height(v)
    require(
        v["height"] >= need,
        "height",
        f"must be at least {need:.1f} mm for the {_board(v).title} (tallest part {f['above']:g} mm)",
        errors,
    )
    require(
        v["standoff_height"] >= f["below"] + 1.0,
        "standoff_height",
        f"must be at least {f['below'] + 1.0:g} mm to clear the pins under the board",
        errors,
    )
    require(v["mounting_holes"] % 2 == 0, "mounting_holes", "must be 0, 2 or 4 (ears at both ends)", errors)
    require(v["corner_radius"] > 0.5 * v["wall"], "corner_radius", "must exceed half the wall", errors)
    raise_if(errors)


def _standoff_hole(v: dict[str, Any]) -> tuple[float, float]:
    """(diameter, depth) of the hole in each standoff."""
    screw = thread(_board(v).features["screw"])
    if v["standoff_fastener"] == "insert":
        return screw.insert
    # a pilot the screw cuts its own thread in; printers close holes by ~ one clearance
    return screw.tap_drill + v["clearance"], v["standoff_height"] + v["wall"] / 2


def _standoffs(v: dict[str, Any]) -> tuple[list[cq.Shape], list[cq.Shape]]:
    f = _board(v).features
    ox, oy, top = board_origin(v)
    hole_d, depth = _standoff_hole(v)
    diameter = max(f["hole_d"] * 2.2, hole_d + 2.4)
    posts, pilots = [], []
    for x, y in f["holes"]:
        posts.append(
            cq.Solid.makeCylinder(diameter / 2, top - v["wall"] / 2, cq.Vector(ox + x, oy + y, v["wall"] / 2))
        )
        pilots.append(cq.Solid.makeCylinder(hole_d / 2, depth + 1, cq.Vector(ox + x, oy + y, top - depth)))
    return posts, pilots


def _port_openings(v: dict[str, Any]) -> list[cq.Shape]:
    f = _board(v).features
    ox, oy, oz = board_origin(v)
    pcb_top = oz + f["pcb_thickness"]
    c = v["clearance"] + 0.3  # connectors are placed by hand: a little more than the fit gap
    length, width = outer_size(v)
    cuts: list[cq.Shape] = []
    for edge, start, end, top in f["ports"]:
        z0, z1 = pcb_top - c, pcb_top + top + c
        if edge in ("x0", "x1"):
            x = -length / 2 - 1 if edge == "x0" else length / 2 - v["wall"] - 1
            cuts.append(
                cq.Solid.makeBox(
                    v["wall"] + 2, end - start + 2 * c, z1 - z0, cq.Vector(x, oy + start - c, z0)
                )
            )
        else:
            y = -width / 2 - 1 if edge == "y0" else width / 2 - v["wall"] - 1
            cuts.append(
                cq.Solid.makeBox(
                    end - start + 2 * c, v["wall"] + 2, z1 - z0, cq.Vector(ox + start - c, y, z0)
                )
            )
    return cuts


def _wall_vents(v: dict[str, Any]) -> list[cq.Shape]:
    """Vertical slots in every wall that carries no port, between standoff top and rim."""
    used = {edge for edge, *_ in _board(v).features["ports"]}
    length, width = outer_size(v)
    z0 = board_origin(v)[2] + 2.0
    z1 = v["height"] - RIM_HEIGHT - v["clearance"] - 2.0
    if z1 - z0 < 4.0:
        warn("vent slots: the walls are too low for side vents; only the lid is vented")
        return []
    cuts: list[cq.Shape] = []
    for edge, span in (("x0", width), ("x1", width), ("y0", length), ("y1", length)):
        if edge in used:
            continue
        count = int((span - 2 * v["corner_radius"] - 8) // VENT_PITCH)
        for k in range(count):
            along = (k - (count - 1) / 2) * VENT_PITCH - VENT_WIDTH / 2
            if edge in ("x0", "x1"):
                x = -length / 2 - 1 if edge == "x0" else length / 2 - v["wall"] - 1
                cuts.append(cq.Solid.makeBox(v["wall"] + 2, VENT_WIDTH, z1 - z0, cq.Vector(x, along, z0)))
            else:
                y = -width / 2 - 1 if edge == "y0" else width / 2 - v["wall"] - 1
                cuts.append(cq.Solid.makeBox(VENT_WIDTH, v["wall"] + 2, z1 - z0, cq.Vector(along, y, z0)))
    return cuts


def _ears(v: dict[str, Any]) -> tuple[list[cq.Shape], list[cq.Shape]]:
    n = v["mounting_holes"]
    if n == 0:
        return [], []
    length, width = outer_size(v)
    thick = v["wall"] + 1.0
    hole = thread(MOUNT_SCREW).clearance()
    ys = [0.0] if n == 2 else [-width / 4, width / 4]
    ears, holes = [], []
    for side in (-1, 1):
        x0 = side * length / 2 - (EAR_LENGTH if side < 0 else 0) - side * 1.0
        ears.append(cq.Solid.makeBox(EAR_LENGTH + 1.0, width * 0.9, thick, cq.Vector(x0, -width * 0.45, 0)))
        for y in ys:
            x = side * (length / 2 + EAR_LENGTH / 2)
            holes.append(cq.Solid.makeCylinder(hole / 2, thick + 2, cq.Vector(x, y, -1)))
    return ears, holes


def _box(v: dict[str, Any]) -> cq.Shape:
    length, width = outer_size(v)
    box = open_box(length, width, v["height"], v["wall"], v["corner_radius"], v["fillet_radius"])
    posts, pilots = _standoffs(v)
    ears, ear_holes = _ears(v)
    box = fuse_all(box, [*posts, *ears])
    vents = _wall_vents(v) if v["vents"] else []
    return cut_all(box, [*pilots, *ear_holes, *_port_openings(v), *vents])


def _lid(v: dict[str, Any]) -> cq.Shape:
    length, width = outer_size(v)
    inner_l, inner_w = inner_size(v)
    t, c = v["lid_thickness"], v["clearance"]
    plate = rounded_plate(length, width, t, v["corner_radius"], v["fillet_radius"], "lid edge fillet")
    rim_l, rim_w = inner_l - 2 * c, inner_w - 2 * c
    rim_r = max(v["corner_radius"] - v["wall"] - c, 0.5)
    ring_h = RIM_HEIGHT + 1.0  # sinks 1 mm into the plate so the union is a real overlap
    outer = rounded_plate(rim_l, rim_w, ring_h, rim_r)
    inner = rounded_plate(rim_l - 2 * RIM_WALL, rim_w - 2 * RIM_WALL, ring_h + 2, max(rim_r - RIM_WALL, 0.0))
    rim = outer.cut(inner.translate(cq.Vector(0, 0, -1))).translate(cq.Vector(0, 0, t - 1.0))
    lid = fuse_all(plate, [rim])
    if not v["vents"]:
        return lid
    board_l, board_w, _ = _board(v).size
    slot_l = board_w * 0.6
    count = int((board_l * 0.7) // VENT_PITCH)
    slots = [
        cq.Solid.makeBox(
            VENT_WIDTH,
            slot_l,
            t + 2,
            cq.Vector((k - (count - 1) / 2) * VENT_PITCH - VENT_WIDTH / 2, -slot_l / 2, -1),
        )
        for k in range(count)
    ]
    return cut_all(lid, slots)


def build(v: dict[str, Any]) -> cq.Shape:
    return _lid(v) if v["part"] == "lid" else _box(v)


TEMPLATE = Template(
    id="board_enclosure",
    kind="starter",
    title="Board enclosure",
    description="Case for a Raspberry Pi 4/5 or Arduino Uno: standoffs on the board's hole pattern, port "
    "openings, vents and a friction-fit lid (choose the part to render).",
    params=PARAMS,
    build=build,
    check=check,
    aliases=(
        "raspberry pi case",
        "pi case",
        "raspberry pi enclosure",
        "arduino case",
        "arduino enclosure",
        "board case",
        "pcb enclosure",
        "sbc case",
    ),
)
