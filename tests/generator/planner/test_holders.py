"""Fit tests of the holders: a solid of each object, placed in its pocket, does not intersect the
part and is held (sunk deep enough, with no more than the printer clearance around it)."""

from __future__ import annotations

import math

import cadquery as cq
import pytest

from printforge_services.generator.objects.hex_keys import SET_SIZES
from printforge_services.generator.planner import interpret, realise
from printforge_services.generator.planner.families import get_family
from printforge_services.generator.planner.families.holders import COS30, PRINT_CLEARANCE, WALL

OVERLAP_MM3 = 1e-3


def overlap(part: cq.Shape, obj: cq.Shape) -> float:
    return part.intersect(obj).Volume()


def test_every_key_of_the_set_stands_in_its_socket() -> None:
    result = realise(interpret("hex key holder"))
    family = get_family("hex_key_holder")
    params = {**{p.name: p.default for p in family.params()}, **result.tree["params"]}
    xs, total, _ = family.layout(params)
    assert [s for s in SET_SIZES if params["smallest"] <= s <= params["largest"]] == list(SET_SIZES)
    for (x, _corner), size in zip(xs, SET_SIZES, strict=True):
        key = (
            cq.Workplane("XY").polygon(6, size / COS30).extrude(60).translate((x - total / 2, 0, WALL)).val()
        )
        assert overlap(result.shape, key) < OVERLAP_MM3, f"the {size} mm key collides"
        # One clearance-width bigger in every direction and the key would touch: it is held.
        loose = size + 2 * PRINT_CLEARANCE + 0.2
        fat = (
            cq.Workplane("XY").polygon(6, loose / COS30).extrude(10).translate((x - total / 2, 0, WALL)).val()
        )
        assert overlap(result.shape, fat) > OVERLAP_MM3, f"the {size} mm key would rattle"


@pytest.mark.parametrize(
    ("prompt", "cell_d", "cell_h"),
    [("holder for 4 AA batteries", 14.5, 50.5), ("18650 holder 2x3", 18.5, 65.2)],
)
def test_cells_sit_in_their_pockets(prompt: str, cell_d: float, cell_h: float) -> None:
    result = realise(interpret(prompt))
    family = get_family("cell_holder")
    params = {**{p.name: p.default for p in family.params()}, **result.tree["params"]}
    pocket, _ = family.pocket(params)
    pitch = pocket + WALL / 2
    _, _, top = family.extents(params)
    for i in range(params["columns"]):
        for j in range(params["rows"]):
            x = (i - (params["columns"] - 1) / 2) * pitch
            y = (j - (params["rows"] - 1) / 2) * pitch
            cell = cq.Solid.makeCylinder(cell_d / 2, cell_h, cq.Vector(x, y, WALL))
            assert overlap(result.shape, cell) < OVERLAP_MM3
            fat = cq.Solid.makeCylinder(cell_d / 2 + PRINT_CLEARANCE + 0.1, 5, cq.Vector(x, y, WALL))
            assert overlap(result.shape, fat) > OVERLAP_MM3
    assert top - WALL >= cell_h / 2 - 1e-6, "half of every cell is sunk in the holder"
    assert math.isclose(pocket, cell_d + 2 * PRINT_CLEARANCE)
