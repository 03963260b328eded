"""Solids of the real objects parts mate with, built from `printforge_services.generator.objects`.

A part is only right if the thing it is for fits: a Raspberry Pi drops onto the
standoffs, a shaft enters the knob but cannot turn, a bearing sits in its seat. These
builders turn an object's table entry into a simple solid (its envelope, nominal size,
no clearance) placed in the frame the catalog's starters document, so fit checks (the
catalog's tests, the planner's verification) measure `interference` between the part and
the object instead of trusting the part's own arithmetic.
"""

from __future__ import annotations

from typing import Any

import cadquery as cq
import manifold3d
import numpy as np

from printforge_services.generator.export import tessellate
from printforge_services.generator.objects import OBJECTS, MakerObject


def maker_object(object_id: str) -> MakerObject:
    """The table entry for `object_id`; KeyError names the known ids."""
    try:
        return OBJECTS[object_id]
    except KeyError:
        raise KeyError(f"unknown object {object_id!r}; known: {', '.join(sorted(OBJECTS))}") from None


# Chord error of the meshes the cross-check uses: far below any clearance we test for.
CHECK_TOLERANCE_MM = 0.01


def interference(a: cq.Shape, b: cq.Shape) -> float:
    """Volume (mm^3) that two solids share; ~0 when one fits the other.

    OCCT's boolean common is exact but can come back silently empty on shapes with many
    touching faces (a lid seated in a groove), which would pass every fit test; so the
    result is the larger of OCCT's and manifold3d's intersection of fine meshes, a robust
    mesh boolean that never misses an overlap bigger than the chord error.
    """
    exact = sum(s.Volume() for s in a.intersect(b).Solids())
    return max(exact, _mesh_common_volume(a, b))


def _manifold(shape: cq.Shape) -> manifold3d.Manifold:
    mesh = tessellate(shape, linear_tolerance=CHECK_TOLERANCE_MM, angular_tolerance=0.1)
    return manifold3d.Manifold(
        manifold3d.Mesh(
            vert_properties=np.asarray(mesh.vertices, dtype=np.float32),
            tri_verts=np.asarray(mesh.faces, dtype=np.uint32),
        )
    )


def _mesh_common_volume(a: cq.Shape, b: cq.Shape) -> float:
    return float((_manifold(a) ^ _manifold(b)).volume())


def d_shaft(diameter: float, flat: float, length: float, flat_towards_x: bool = True) -> cq.Solid:
    """A D-shaft along +Z from z=0, its flat facing +X (the knob's convention)."""
    shaft = cq.Solid.makeCylinder(diameter / 2, length)
    if flat > 0:
        x = diameter / 2 - flat
        cut = cq.Solid.makeBox(diameter, diameter + 2, length + 2, cq.Vector(x, -diameter / 2 - 1, -1))
        shaft = shaft.cut(cut)
        if not flat_towards_x:
            shaft = shaft.rotate(cq.Vector(0, 0, 0), cq.Vector(0, 0, 1), 180)
    return shaft


def bearing(bore: float, outer: float, width: float, z: float = 0.0) -> cq.Solid:
    """A ball bearing as a ring along +Z from `z`."""
    ring = cq.Solid.makeCylinder(outer / 2, width, cq.Vector(0, 0, z))
    return ring.cut(cq.Solid.makeCylinder(bore / 2, width + 2, cq.Vector(0, 0, z - 1)))


def board(obj: MakerObject, origin: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> cq.Shape:
    """A PCB with its mounting holes, the component envelope above it and the connectors
    that stick out through the enclosure walls. `origin` is the PCB's lower-left corner on
    its bottom face."""
    f: dict[str, Any] = obj.features
    length, width = obj.size[0], obj.size[1]
    t, above, over = f["pcb_thickness"], f["above"], f["overhang"]
    ox, oy, oz = origin
    pcb: cq.Shape = cq.Solid.makeBox(length, width, t, cq.Vector(ox, oy, oz))
    holes = [
        cq.Solid.makeCylinder(f["hole_d"] / 2, t + 2, cq.Vector(ox + x, oy + y, oz - 1))
        for x, y in f["holes"]
    ]
    pcb = pcb.cut(*holes)
    # components keep 1 mm off the edges (the PCB itself reaches them); ports reach past them
    parts: list[cq.Shape] = [
        cq.Solid.makeBox(length - 2, width - 2, above, cq.Vector(ox + 1, oy + 1, oz + t))
    ]
    for edge, start, end, top in f["ports"]:
        parts.append(_port_block(edge, start, end, top, length, width, over, (ox, oy, oz + t)))
    return pcb.fuse(*parts).clean()


def _port_block(
    edge: str,
    start: float,
    end: float,
    top: float,
    length: float,
    width: float,
    overhang: float,
    base: tuple[float, float, float],
) -> cq.Solid:
    """The connector envelope on one edge: 10 mm inboard to `overhang` past the PCB edge."""
    bx, by, bz = base
    reach = 10.0 + overhang
    if edge in ("x0", "x1"):
        x = bx - overhang if edge == "x0" else bx + length - 10.0
        return cq.Solid.makeBox(reach, end - start, top, cq.Vector(x, by + start, bz))
    y = by - overhang if edge == "y0" else by + width - 10.0
    return cq.Solid.makeBox(end - start, reach, top, cq.Vector(bx + start, y, bz))


def fan(obj: MakerObject) -> cq.Shape:
    """A square fan: frame with its blade opening and screw holes, the hub, and the blade
    sweep as a disc; its outlet face is z=0 and it extends down to -thickness."""
    f: dict[str, Any] = obj.features
    size, _, thick = obj.size
    frame: cq.Shape = cq.Solid.makeBox(size, size, thick, cq.Vector(-size / 2, -size / 2, -thick))
    half = f["hole_spacing"] / 2
    holes = [
        cq.Solid.makeCylinder(f["hole_d"] / 2, thick + 2, cq.Vector(sx * half, sy * half, -thick - 1))
        for sx in (-1, 1)
        for sy in (-1, 1)
    ]
    opening = cq.Solid.makeCylinder(f["blade_d"] / 2, thick + 2, cq.Vector(0, 0, -thick - 1))
    frame = frame.cut(opening, *holes)
    # blades sit ~1 mm below the face; the hub is flush with it
    rotor = cq.Solid.makeCylinder(f["blade_d"] / 2 - 0.5, thick - 2, cq.Vector(0, 0, -thick + 1))
    hub = cq.Solid.makeCylinder(f["hub_d"] / 2, thick - 1, cq.Vector(0, 0, -thick + 1))
    return frame.fuse(rotor, hub).clean()
