"""Where each line of gift text goes and how big it may be, decided without any CAD.

A part's outline is described by rows: for a height y, the span (x_lo, x_hi) of material
that the text may use on that row (None when the row holds no usable material). A line
of text is a rectangle (its ink box), so it fits when every row of its band, widened by
the margin, holds its width plus two margins. Sampling rows handles concave outlines
(the notch of a heart, the arms of a star) with the same code as circles and rectangles.

Running the layout in a template's `check` turns "name too long for this coaster" into
a 400 naming the field before any OCCT work, and `build` reuses the same placement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from printforge_services.generator.text import InkBox, check_text, fit_size, ink_box, min_font_size

Row = Callable[[float], tuple[float, float] | None]
ROW_SAMPLES = 24
# Vertical gap between stacked lines, as a fraction of the smaller nominal font size.
LINE_GAP_RATIO = 0.35


@dataclass(frozen=True)
class Line:
    """A line to place: its parameter name (for errors), text and nominal font size in mm."""

    field: str
    text: str
    size: float


@dataclass(frozen=True)
class PlacedLine:
    """A line's final font size and the centre of its ink box in the face's coordinates."""

    text: str
    size: float
    x: float
    y: float


def band_span(row: Row, y_lo: float, y_hi: float) -> tuple[float, float] | None:
    """The x span free on every row between y_lo and y_hi (None if some row has none)."""
    lo, hi = -float("inf"), float("inf")
    for i in range(ROW_SAMPLES + 1):
        span = row(y_lo + (y_hi - y_lo) * i / ROW_SAMPLES)
        if span is None:
            return None
        lo, hi = max(lo, span[0]), min(hi, span[1])
    return (lo, hi) if hi > lo else None


def layout(
    lines: Sequence[Line], row: Row, margin: float, centers: Sequence[float] = (0.0,)
) -> list[PlacedLine]:
    """Stack `lines` top to bottom around the best of `centers` and shrink each to fit its row.

    Nominal sizes below the minimum printable font size are raised to it first.
    The block centre chosen is the one letting the text keep the largest share of its
    nominal size (the first on ties). Raises ParamError naming the field of a line with
    an undrawable character or that cannot fit at the minimum printable font size.
    """
    lines = [replace(line, size=max(line.size, min_font_size())) for line in lines]
    units: list[InkBox] = []
    for line in lines:
        check_text(line.text, line.field)
        unit = ink_box(line.text, 1.0)
        assert unit is not None  # check_text rejects text without ink
        units.append(unit)
    heights = [unit.height * line.size for unit, line in zip(units, lines, strict=True)]
    gap = LINE_GAP_RATIO * min(line.size for line in lines)
    total = sum(heights) + gap * (len(lines) - 1)

    def bands(center: float) -> list[tuple[float, float]]:
        top = center + total / 2
        out = []
        for height in heights:
            out.append((top - height, top))
            top -= height + gap
        return out

    def spans(center: float) -> list[tuple[float, float] | None]:
        return [band_span(row, lo - margin, hi + margin) for lo, hi in bands(center)]

    def score(center: float) -> float:
        worst = 1.0
        for span, unit, line in zip(spans(center), units, lines, strict=True):
            room = 0.0 if span is None else span[1] - span[0] - 2 * margin
            worst = min(worst, room / (unit.width * line.size))
        return worst

    best = max(centers, key=score)
    placed = []
    for (lo, hi), span, line in zip(bands(best), spans(best), lines, strict=True):
        x_lo, x_hi = span if span is not None else (0.0, 0.0)
        size = fit_size(line.text, line.field, line.size, x_hi - x_lo - 2 * margin)
        placed.append(PlacedLine(text=line.text, size=size, x=(x_lo + x_hi) / 2, y=(lo + hi) / 2))
    return placed
