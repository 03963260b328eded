"""Role tagging: which number each role word qualifies, across clause and word-order variants."""

from __future__ import annotations

import pytest

from printforge_services.generator.planner.phrases import analyse


def roles(prompt: str) -> list[tuple[str, str | None, tuple[float, ...]]]:
    ctx = analyse(prompt)
    return [(ctx.text[m.q.start : m.q.end], m.role, m.q.values) for seg in ctx.segments for m in seg.measures]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("outer radius of 10 mm and inner radius of 8 mm", [("od", (20.0,)), ("id", (16.0,))]),
        ("outer Ø 32 mm, inner Ø 28 mm", [("od", (32.0,)), ("id", (28.0,))]),
        ("bore diameter 5 mm", [("bore", (5.0,))]),
        ("2mm thick walls", [("wall", (2.0,))]),
        ("5 mm edge offset", [("offset", (5.0,))]),
        ("leg lengths 40 mm", [("leg", (40.0,))]),
        ("20T, m=2", [("teeth", (20.0,)), ("module", (2.0,))]),
        ("height 3 units", [("units", (3.0,))]),
        ("6 holes Ø12 on PCD 120", [(None, (6.0,)), ("diameter", (12.0,)), ("pcd", (120.0,))]),
        ("20 mm bottom, 10 mm top", [("base_diameter", (20.0,)), ("top_diameter", (10.0,))]),
    ],
)
def test_role_words(prompt: str, expected: list[tuple[str | None, tuple[float, ...]]]) -> None:
    assert [(role, values) for _, role, values in roles(prompt)] == expected


def test_a_role_after_each_says_where_not_how_long() -> None:
    assert [r for _, r, _ in roles("2 holes 5mm each leg")] == [None, None]
    assert [r for _, r, _ in roles("both legs 30 mm")] == ["leg"]


def test_thread_takes_no_role_word() -> None:
    assert roles("hex bolt M8 length 40")[1][1] == "length"


def test_diameter_by_height_group_is_two_numbers() -> None:
    assert [(r, v) for _, r, v in roles("coaster Ø95mm x 4mm")] == [("diameter", (95.0,)), ("height", (4.0,))]


def test_lone_number_takes_the_role_ending_the_clause_before() -> None:
    assert [r for _, r, _ in roles("make it taller, 15 mm")] == ["height"]
    assert [r for _, r, _ in roles("a 40 mm disc, 15 mm")] == [None, None]


def test_standard_numbers_are_not_sizes() -> None:
    ctx = analyse("ISO 4017 hex screw M10 x 25")
    assert [m.q.raw for m in ctx.measures()] == [(10.0, 25.0)]
    assert "iso" not in ctx.unused_words()


def test_role_words_inside_other_words_are_not_roles() -> None:
    # 'clip' holds 'lip' and 'headband' holds 'band': neither names a rim or a thickness.
    assert [r for _, r, _ in roles("cable clip for an 8mm cable")] == [None]
    assert [r for _, r, _ in roles("headband 30 mm")] == [None]
