"""Printable 3D text: one bundled font, glyph checks before CAD, and size fitting.

Text is drawn by CadQuery's text builder (OCCT's Font_BRepTextBuilder) as flat glyph
faces; gifts extrude them themselves. Why this module wraps it:

- OCCT silently substitutes a system font when `fontPath` is wrong or a glyph is
  missing, so the same request would print differently on another machine. We ship one
  OFL font (fonts/LiberationSans-Regular.ttf), pass its absolute path, verify the file
  exists, and reject characters the font lacks with a ParamError naming each one.
- Layout must be decided before any CAD runs (so a too-long name is a 400, not a
  half-built solid). The ink box is computed from the font's own glyph boxes, advances
  and kerning pairs with fontTools; it matches what OCCT draws (same glyphs, same
  legacy `kern` table), so a size fitted here is the size that prints.
- A font size below `min_font_size()` would give strokes thinner than a nozzle can
  lay down; fitting refuses it instead of emitting unprintable hairlines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cadquery as cq
from fontTools.ttLib import TTFont

from printforge_services.generator.manifest import ParamError

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "LiberationSans-Regular.ttf"
# Thinnest wall a 0.4 mm nozzle prints reliably; the smallest font size follows from it.
MIN_FEATURE_MM = 0.5
# Horizontal strokes and bowls of a sans font are thinner than its vertical stem.
_THIN_STROKE_RATIO = 0.8
_STEM_GLYPH = "l"


@dataclass(frozen=True)
class InkBox:
    """Extent of the drawn outlines of a string at a font size, in mm."""

    width: float
    height: float


@dataclass(frozen=True)
class _Metrics:
    name: str
    units_per_em: int
    cmap: dict[int, str]
    bounds: dict[str, tuple[int, int, int, int] | None]
    advance: dict[str, int]
    kerning: dict[tuple[str, str], int]
    stem_units: int


def font_path() -> str:
    """Absolute path of the bundled font; raises if missing (OCCT would fall back silently)."""
    if not FONT_FILE.is_file():
        raise FileNotFoundError(f"bundled font {FONT_FILE} is missing; reinstall printforge")
    return str(FONT_FILE)


@cache
def _metrics() -> _Metrics:
    font = TTFont(font_path())
    glyf = font["glyf"]
    bounds: dict[str, tuple[int, int, int, int] | None] = {}
    for glyph_name in font.getGlyphOrder():
        glyph = glyf[glyph_name]
        if glyph.numberOfContours == 0:
            bounds[glyph_name] = None
        else:
            bounds[glyph_name] = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)
    kerning: dict[tuple[str, str], int] = {}
    if "kern" in font:
        for table in font["kern"].kernTables:
            kerning.update(getattr(table, "kernTable", {}))
    cmap = dict(font.getBestCmap())
    stem = bounds[cmap[ord(_STEM_GLYPH)]]
    assert stem is not None
    return _Metrics(
        name=str(font["name"].getDebugName(4)),
        units_per_em=int(font["head"].unitsPerEm),
        cmap=cmap,
        bounds=bounds,
        advance={name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()},
        kerning=kerning,
        stem_units=stem[2] - stem[0],
    )


def font_name() -> str:
    return _metrics().name


def min_font_size() -> float:
    """Smallest font size (mm per em) whose thinnest strokes are still MIN_FEATURE_MM wide."""
    m = _metrics()
    thinnest_em = m.stem_units / m.units_per_em * _THIN_STROKE_RATIO
    return math.ceil(MIN_FEATURE_MM / thinnest_em * 10) / 10


def missing_characters(text: str) -> list[str]:
    """Distinct characters of `text` the bundled font cannot draw, in order of appearance."""
    cmap = _metrics().cmap
    return list(dict.fromkeys(ch for ch in text if ord(ch) not in cmap))


def check_text(text: str, field: str) -> None:
    """Raise ParamError({field: ...}) if `text` has an undrawable character or no ink at all."""
    missing = missing_characters(text)
    if missing:
        listed = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
        noun = "character" if len(missing) == 1 else "characters"
        verb = "is" if len(missing) == 1 else "are"
        raise ParamError({field: f"{noun} {listed} {verb} not in font {font_name()}"})
    if ink_box(text, 1.0) is None:
        raise ParamError({field: "text has no visible characters"})


def ink_box(text: str, size: float) -> InkBox | None:
    """Ink extent of one line at `size` mm per em (None if nothing is drawn). Glyphs must exist."""
    m = _metrics()
    pen = 0
    previous: str | None = None
    x_min = y_min = math.inf
    x_max = y_max = -math.inf
    for ch in text:
        glyph = m.cmap[ord(ch)]
        if previous is not None:
            pen += m.kerning.get((previous, glyph), 0)
        box = m.bounds[glyph]
        if box is not None:
            x_min, y_min = min(x_min, pen + box[0]), min(y_min, box[1])
            x_max, y_max = max(x_max, pen + box[2]), max(y_max, box[3])
        pen += m.advance[glyph]
        previous = glyph
    if x_min == math.inf:
        return None
    scale = size / m.units_per_em
    return InkBox(width=(x_max - x_min) * scale, height=(y_max - y_min) * scale)


def fit_size(text: str, field: str, size: float, max_width: float) -> float:
    """Largest font size <= `size` whose ink is at most `max_width` wide.

    Checks the characters first. Raises ParamError({field: ...}) when fitting would need
    a size below `min_font_size()`, saying how much room the text needs.
    """
    check_text(text, field)
    unit = ink_box(text, 1.0)
    assert unit is not None
    fitted = min(size, max_width / unit.width)
    smallest = min_font_size()
    if fitted < smallest:
        need = unit.width * smallest
        raise ParamError(
            {
                field: f"text is too long to print legibly: it needs {need:.1f} mm at the minimum "
                f"font size {smallest} mm but only {max(max_width, 0.0):.1f} mm is available; "
                "shorten it or make the part larger"
            }
        )
    return fitted


def text_faces(text: str, size: float) -> cq.Compound:
    """Flat outline faces of one line in the XY plane, ink box centred on the origin.

    Call `fit_size` (or `check_text`) first: this assumes every character exists.
    """
    flat = cq.Compound.makeText(text, size, 0.0, fontPath=font_path(), kind="regular")
    center = flat.BoundingBox().center
    return cq.Compound.makeCompound(flat.Faces()).translate(cq.Vector(-center.x, -center.y, 0.0))
