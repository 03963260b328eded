"""Chat follow-ups edit the feature tree and produce the expected new geometry."""

from __future__ import annotations

import math

import pytest

from printforge_services.generator.planner import NotUnderstoodError, interpret, realise, refine
from tests.generator.planner.geometry import check


def run(*turns: str):
    plan = interpret(turns[0])
    for message in turns[1:]:
        plan = refine(plan.tree, message)
    return plan, realise(plan)


@pytest.mark.parametrize(
    ("turns", "expect"),
    [
        (("a 40x20x10 mm box", "make it 15 mm tall"), {"dims": [40, 20, 15], "volume": 12000, "genus": 0}),
        (("a 40x20x10 mm box", "twice as tall"), {"dims": [40, 20, 20], "volume": 16000}),
        (("a 40x20x10 mm box", "50% wider"), {"dims": [40, 30, 10], "volume": 12000}),
        (("a 40x20x10 mm box", "scale it by 2"), {"dims": [80, 40, 20], "volume": 64000}),
        (("a 40x20x10 mm box", "half as long"), {"dims": [20, 20, 10], "volume": 4000}),
        (
            ("a 60x40x5 mm plate", "add four 4 mm holes in the corners"),
            {"dims": [60, 40, 5], "genus": 4, "volume": 12000 - 4 * math.pi * 4 * 5},
        ),
        (("M6 hex nut", "make it M10"), {"dims": [16, 16 / math.sqrt(3) * 2, 8.4], "genus": 1}),
        (("a hex bolt M8x40", "make it M10"), {"dims": [16, 16 / math.sqrt(3) * 2, 46.4], "genus": 0}),
        (
            ("a 40x20x10 mm box", "make it 15 mm tall", "add a 5 mm hole in the center"),
            {"dims": [40, 20, 15], "genus": 1},
        ),
        (
            ("a 60 x 40 x 5 mm plate with four M3 holes in the corners", "remove the holes"),
            {"volume": 12000, "genus": 0},
        ),
        (
            ("a 60 x 40 x 5 mm plate with four 3 mm holes in the corners", "make the holes 5 mm"),
            {"volume": 12000 - 4 * math.pi * 6.25 * 5, "genus": 4},
        ),
        (("a 40x20x10 mm box", "make it a cylinder instead"), {"genus": 0, "smallest": 10}),
        (("a cylinder 30 mm diameter and 50 mm tall", "make it 40 mm in diameter"), {"dims": [40, 40, 50]}),
        (("a 40x20x10 mm box", "5 mm taller"), {"dims": [40, 20, 15], "volume": 12000}),
        (("a 40x20x10 mm box", "increase the height by 0.5 cm"), {"dims": [40, 20, 15], "volume": 12000}),
        (("a 40x20x10 mm box", "add 5 mm to the height"), {"dims": [40, 20, 15], "volume": 12000}),
        (("a 40x20x10 mm box", "make it 10 mm shorter in length"), {"dims": [30, 20, 10], "volume": 6000}),
        (("a 40x20x10 mm box", "make it taller, 15 mm"), {"dims": [40, 20, 15], "volume": 12000}),
        (("a 40x20x10 mm box", "make the height 5 mm more"), {"dims": [40, 20, 15], "volume": 12000}),
        (
            ("a 50x30x20 box", "round the vertical edges 5 mm"),
            {"dims": [50, 30, 20], "volume": 30000 - (4 - math.pi) * 25 * 20},
        ),
        (
            ("a 40x20x10 mm box", "fillet the vertical edges with 3 mm radius"),
            {"dims": [40, 20, 10], "volume": 8000 - (4 - math.pi) * 9 * 10},
        ),
    ],
)
def test_followups(turns: tuple[str, ...], expect: dict) -> None:
    _, result = run(*turns)
    check(result.shape, expect)


def test_round_corners_adds_then_edits_a_fillet() -> None:
    plan, first = run("a 40x20x10 mm box", "round the corners 3 mm")
    assert [(f["type"], f["radius"]) for f in plan.tree["features"]] == [("fillet", 3.0)]
    removed = 40 * 20 * 10 - first.shape.Volume()
    assert removed == pytest.approx((4 - math.pi) * 9 * 10, rel=1e-3)
    plan = refine(plan.tree, "make the fillet 5 mm")
    assert [f["radius"] for f in plan.tree["features"]] == [5.0]


def test_followup_report_lists_changes() -> None:
    plan, _ = run("a 40x20x10 mm box", "make it 15 mm tall")
    assert plan.report.understood and "height" in plan.report.understood[0]


def test_original_tree_is_not_mutated() -> None:
    plan = interpret("a 40x20x10 mm box")
    before = repr(plan.tree)
    refine(plan.tree, "twice as wide")
    assert repr(plan.tree) == before


def test_meaningless_followup_is_a_clear_error() -> None:
    plan = interpret("a 40x20x10 mm box")
    with pytest.raises(NotUnderstoodError, match="make it 20 mm tall"):
        refine(plan.tree, "lorem ipsum")
