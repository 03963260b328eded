"""Parts with known thickness, overhang and support, built in code (trimesh boxes, manifold3d unions)."""

from __future__ import annotations

import numpy as np
import trimesh

from printforge_services.printability.printprep.mesh import PrepMesh


def box(size: tuple[float, float, float], center: tuple[float, float, float] = (0, 0, 0)) -> trimesh.Trimesh:
    part = trimesh.creation.box(size)
    part.apply_translation(center)
    return part


def union(*parts: trimesh.Trimesh) -> trimesh.Trimesh:
    return trimesh.boolean.union(list(parts), engine="manifold")


def prep(part: trimesh.Trimesh) -> PrepMesh:
    return PrepMesh(np.asarray(part.vertices), np.asarray(part.faces))


def t_shape() -> trimesh.Trimesh:
    """A 10 x 10 x 20 stem under a 30 x 10 x 5 bar: 200 mm^2 of bar overhangs 20 mm above the plate."""
    return union(box((10, 10, 20), (0, 0, 10)), box((30, 10, 5), (0, 0, 22.5)))


def bridge() -> trimesh.Trimesh:
    """Two 5 x 10 x 10 pillars under a 30 x 10 x 3 span: 200 mm^2 of span 10 mm above the plate."""
    return union(
        box((5, 10, 10), (-12.5, 0, 5)), box((5, 10, 10), (12.5, 0, 5)), box((30, 10, 3), (0, 0, 11.5))
    )


def c_shape() -> trimesh.Trimesh:
    """A 30 x 10 x 2 base, a 5 mm post at one end, a 30 x 10 x 2 roof: 250 mm^2 of roof 10 mm above the
    base."""
    return union(box((30, 10, 2), (0, 0, 1)), box((5, 10, 10), (-12.5, 0, 7)), box((30, 10, 2), (0, 0, 13)))


def l_shape() -> trimesh.Trimesh:
    """An L profile (legs 40 and 30 long, 8 thick) extruded 6 mm along Y: its profile face is 496 mm^2."""
    return union(box((40, 6, 8), (20, 3, 4)), box((8, 6, 30), (4, 3, 15)))


def tilted(
    part: trimesh.Trimesh, angle: float = 0.7, axis: tuple[float, float, float] = (1, 2, 3)
) -> trimesh.Trimesh:
    turned = part.copy()
    turned.apply_transform(trimesh.transformations.rotation_matrix(angle, axis))
    return turned
