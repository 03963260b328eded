"""Clause re-cutting: terse prompts, placement-only clauses and counted size groups."""

from __future__ import annotations

import pytest

from printforge_services.generator.planner import features as feats
from printforge_services.generator.planner.phrases import analyse


def clauses(prompt: str, *, followup: bool = False) -> list[tuple[str, str | None]]:
    ctx = analyse(prompt)
    feats.classify(ctx, followup=followup)
    return [(seg.text, seg.feature) for seg in ctx.segments]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (
            "keychain 40x25x3 rounded corners 4mm hole",
            [("keychain 40x25x3", None), ("rounded corners", "fillet"), ("4mm hole", "hole")],
        ),
        (
            "disc 50mm 6mm thick 10mm centre hole 6x 5mm holes evenly spaced",
            [
                ("disc 50mm 6mm thick", None),
                ("10mm centre hole", "hole"),
                ("6x 5mm holes evenly spaced", "hole"),
            ],
        ),
        ("cube 20 mm 5 mm hole", [("cube 20 mm", None), ("5 mm hole", "hole")]),
        ("5mm diameter through hole in the centre", [("5mm diameter through hole in the centre", "hole")]),
        ("a 3x2 grid of 5 mm holes", [("a 3x2 grid of 5 mm holes", "hole")]),
        ("four M3 heat-set insert holes", [("four m3 heat-set insert holes", "insert")]),
    ],
)
def test_terse_clauses_are_cut_at_feature_phrases(prompt: str, expected: list) -> None:
    assert clauses(prompt) == expected


def test_placement_clause_joins_its_feature() -> None:
    assert clauses("a 60x40x5 mm plate with 4 M3 holes, 5 mm from the corners")[-1] == (
        "4 m3 holes, 5 mm from the corners",
        "hole",
    )


def test_a_size_clause_joins_a_feature_only_in_a_followup() -> None:
    message = "fillet the vertical edges with 3 mm radius"
    assert clauses(message, followup=True) == [("fillet the vertical edges with 3 mm radius", "fillet")]
    assert clauses(message) == [("fillet the vertical edges", "fillet"), ("3 mm radius", None)]


def test_counted_group_is_a_count_and_a_size() -> None:
    ctx = analyse("4 x 8 mm holes on 60 pcd")
    feats.classify(ctx)
    (seg,) = ctx.segments
    assert [(m.q.raw, m.q.unit) for m in seg.measures] == [((4.0,), None), ((8.0,), "mm"), ((60.0,), None)]


def test_a_sized_group_stays_a_body() -> None:
    assert clauses("a 40x20x10 mm box") == [("a 40x20x10 mm box", None)]
