"""Quantity parsing: units, fractions, size groups, diameter marks and thread specs."""

from __future__ import annotations

import pytest

from printforge_services.generator.planner.units import (
    UnitError,
    default_unit,
    normalize,
    parse_length,
    scan,
    word_count,
)

IN = 25.4


@pytest.mark.parametrize(
    ("text", "mm"),
    [
        ("12", 12.0),
        ("12 mm", 12.0),
        ("12mm", 12.0),
        ("2.5 cm", 25.0),
        ("0.5m", 500.0),
        ("1 inch", IN),
        ("2 inches", 2 * IN),
        ("3 in", 3 * IN),
        ('2"', 2 * IN),
        ("1/4 inch", IN / 4),
        ('1 1/2"', 1.5 * IN),
        ("3/8 in", 3 * IN / 8),
        (".5 in", IN / 2),
        ("1 ft", 304.8),
        ("Ø5", 5.0),
        ("⌀ 6.5 mm", 6.5),
        ("4,5 mm", 4.5),
        ("10 millimetres", 10.0),
        ("3 centimeters", 30.0),
    ],
)
def test_single_lengths(text: str, mm: float) -> None:
    assert parse_length(text) == pytest.approx(mm)


@pytest.mark.parametrize(
    ("text", "values", "unit"),
    [
        ("40x20x10mm", (40, 20, 10), "mm"),
        ("60 x 40 x 5 mm", (60, 40, 5), "mm"),
        ("4 by 2 in", (4 * IN, 2 * IN), "in"),
        ("2 cm × 3 cm", (20, 30), "cm"),
        ("30*20", (30, 20), None),
        ("2x3", (2, 3), None),
    ],
)
def test_groups(text: str, values: tuple[float, ...], unit: str | None) -> None:
    (q,) = scan(normalize(text))
    assert q.is_group and q.unit == unit
    assert q.values == pytest.approx(values)


@pytest.mark.parametrize(
    ("text", "size", "length"),
    [("M8x40", 8, 40), ("m3", 3, None), ("M2.5 x 10", 2.5, 10), ("M10×50mm", 10, 50)],
)
def test_threads(text: str, size: float, length: float | None) -> None:
    (q,) = scan(normalize(text))
    assert q.thread and q.raw[0] == size
    assert (q.raw[1] if len(q.raw) > 1 else None) == length


def test_mm_is_not_a_thread_and_in_as_preposition_is_not_inch() -> None:
    qs = scan(normalize("two 5 mm holes 5 in each leg"))
    assert [q.thread for q in qs] == [False, False]
    assert [q.unit for q in qs] == ["mm", None]


def test_digits_glued_to_words_are_names() -> None:
    assert scan(normalize("nema17 plate")) == []


def test_diameter_mark_is_kept() -> None:
    (q,) = scan(normalize("Ø12 hole"))
    assert q.diameter_mark and q.value == 12


def test_global_unit_changes_bare_numbers() -> None:
    text = normalize("a box 2 x 1 x 1, all dimensions in inches")
    assert default_unit(text) == "in"
    (q, *_) = scan(text, default_unit(text))
    assert q.values == pytest.approx((2 * IN, IN, IN))


def test_bad_fraction_is_a_clean_error() -> None:
    with pytest.raises(UnitError, match="cannot read"):
        parse_length("1/0 inch")


@pytest.mark.parametrize(
    ("text", "n"), [("four", 4), ("6", 6), ("a pair of", 2), ("dozen", 12), ("many", None)]
)
def test_word_counts(text: str, n: int | None) -> None:
    assert word_count(text) == n


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a one inch cube", "a 1 inch cube"),
        ("a one-inch cube", "a 1-inch cube"),
        ("twenty tooth gear", "20 tooth gear"),
        ("two by three bin, three units tall", "2 by 3 bin, 3 units tall"),
        ("half an inch long", "0.5 inch long"),
        ("four holes, one in each corner", "four holes, one in each corner"),
    ],
)
def test_spelled_out_sizes_become_digits_but_counts_stay_words(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "mm"),
    [
        ("a cone 2 in diameter and 3 in tall", (2 * IN, 3 * IN)),  # inches named elsewhere
        ("a rod 2 in diameter", (2 * IN,)),  # no unit anywhere, small enough to be inches
        ("30 mm tall, 40 in diameter", (30, 40)),  # millimetres named elsewhere: a preposition
    ],
)
def test_bare_number_before_in_diameter(text: str, mm: tuple[float, ...]) -> None:
    assert [q.value for q in scan(normalize(text))] == pytest.approx(mm)


def test_thread_by_length_and_hyphenated_units() -> None:
    (bolt,) = scan(normalize("M8 by 40"))
    assert bolt.thread and bolt.raw == (8, 40)
    assert parse_length("5-mm") == 5
    (group,) = scan(normalize("Ø95mm x 4mm"))
    assert group.is_group and group.diameter_mark
