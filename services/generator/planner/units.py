"""Quantity parsing: find every number-with-unit in a prompt and convert it to millimetres.

Prompts mix metric and imperial units, fractions (`1/4 inch`, `1 1/2"`), size triples
(`40x20x10mm`, `4 by 2 in`), diameter marks (`Ø5`) and metric thread specs (`M8x40`).
This module only finds and converts quantities, keeping their character spans so the
interpreter can later decide what each one measures from the words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

UNIT_MM: dict[str, float] = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "ft": 304.8}

_UNIT_WORDS: tuple[tuple[str, str], ...] = (
    (r"millimet(?:er|re)s?|mm", "mm"),
    (r"centimet(?:er|re)s?|cm", "cm"),
    (
        r"inch(?:es)?|in\b(?!\s+(?:each|the|a|an|diameter|length|width|height|every|both|total|size|one|all|its|it|line|row|center|centre|middle)\b)|\"|''",
        "in",
    ),
    (r"f(?:ee|oo)t|ft", "ft"),
    (r"met(?:er|re)s?|m(?![a-z0-9])", "m"),
)
UNIT_RE = "|".join(f"(?:{pattern})" for pattern, _ in _UNIT_WORDS)
NUMBER_RE = r"(?:\d+\s+\d+/\d+|\d+/\d+|\d*\.\d+|\d+)"
WORD_NUMBERS_SIMPLE: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "sixteen": 16,
    "twenty": 20,
}
WORD_NUMBERS: dict[str, int] = {"a pair of": 2, "single": 1, **WORD_NUMBERS_SIMPLE, "dozen": 12}

_THREAD = re.compile(
    r"(?<![a-z0-9.])m(\d+(?:\.\d+)?)(?:\s*(?:[x×*]|by)\s*(\d+(?:\.\d+)?)(?:\s*mm)?)?(?![a-z0-9])"
)
_U = r"\s*(?:-\s*(?=[a-z]))?"  # '1-inch', '5-mm': a hyphen may join a number to its unit word
_DIMS = re.compile(
    rf"(?P<dia>ø\s*)?(?P<a>{NUMBER_RE})(?:{_U}(?P<ua>{UNIT_RE}))?\s*(?:x|by|\*)\s*(?P<b>{NUMBER_RE})(?:{_U}(?P<ub>{UNIT_RE}))?"
    rf"(?:\s*(?:x|by|\*)\s*(?P<c>{NUMBER_RE})(?:{_U}(?P<uc>{UNIT_RE}))?)?"
)
_SINGLE = re.compile(rf"(?P<dia>ø\s*)?(?P<a>{NUMBER_RE})(?:{_U}(?P<ua>{UNIT_RE}))?(?![\d/.])")
# 'a cone 2 in diameter': 'in' is the unit or the preposition; `_resolve_bare_in` decides.
_BARE_IN = re.compile(r"\s+in(?=\s+(?:diameter|dia|diam|radius|length|width|height|thickness|depth|size)\b)")
_METRIC_UNITS = frozenset({"mm", "cm", "m"})
BARE_IN_MAX_INCHES = 12.0
_NUMBER_WORD_RE = "|".join(w for w in sorted(WORD_NUMBERS_SIMPLE, key=len, reverse=True))
# A number word is a quantity (not a count of features) when a unit, a count noun
# ('twenty teeth', 'three units') or a size separator ('two by three') touches it.
_WORD_BEFORE_UNIT = re.compile(
    rf"\b(?P<w>{_NUMBER_WORD_RE})(?:\s*-\s*|\s+)(?=(?:inch(?:es)?|mm\b|millimet|cm\b|centimet|"
    r"teeth\b|tooth\b|units?\b|cells?\b|by\b|x\b))"
)
_WORD_AFTER_BY = re.compile(rf"(?:(?<=\bby )|(?<=\bx ))(?P<w>{_NUMBER_WORD_RE})\b")
_FRACTION_WORDS: tuple[tuple[str, str], ...] = (
    (r"\b(?:a |one )?half(?: of)?(?: an| a)?[- ]inch(?:es)?\b", "0.5 inch"),
    (r"\b(?:a |one )?quarter(?: of)?(?: an| a)?[- ]inch(?:es)?\b", "0.25 inch"),
    (r"\ban inch\b", "1 inch"),
)
_GLOBAL_INCH = re.compile(r"\b(?:in inches|all (?:dimensions|sizes|measurements) in inch(?:es)?|imperial)\b")
_GLOBAL_CM = re.compile(r"\b(?:in centimet(?:er|re)s|all (?:dimensions|sizes) in cm)\b")


class UnitError(ValueError):
    """A quantity could not be read (e.g. a zero denominator)."""


@dataclass(frozen=True)
class Quantity:
    """One number (or `AxB[xC]` group) found in the text, in millimetres when it is a length.

    `unit` is None for a bare number; `values` holds the raw numbers converted with the
    unit that applied (bare numbers use the prompt's default unit). `thread` marks an
    `M8` / `M8x40` metric thread spec, whose first value is the nominal diameter.
    """

    values: tuple[float, ...]
    unit: str | None
    start: int
    end: int
    raw: tuple[float, ...]
    thread: bool = False
    diameter_mark: bool = False

    @property
    def value(self) -> float:
        return self.values[0]

    @property
    def is_group(self) -> bool:
        return len(self.values) > 1 and not self.thread

    @property
    def is_integer(self) -> bool:
        return self.unit is None and len(self.raw) == 1 and float(self.raw[0]).is_integer()


def normalize(text: str) -> str:
    """Lower-case and unify the typographic variants users paste (×, Ø, curly quotes);
    spelled-out sizes ('one inch', 'half an inch', 'twenty teeth') become digits."""
    out = normalize_keep_case(text.lower())
    for pattern, replacement in _FRACTION_WORDS:
        out = re.sub(pattern, replacement, out)
    for regex in (_WORD_BEFORE_UNIT, _WORD_AFTER_BY):
        out = regex.sub(
            lambda m: m.group(0).replace(m.group("w"), str(WORD_NUMBERS_SIMPLE[m.group("w")])), out
        )
    return out


def normalize_keep_case(text: str) -> str:
    """`normalize` without lower-casing, for quoted text that is engraved as typed."""
    out = text
    for src, dst in (
        ("×", "x"),
        ("⌀", "ø"),
        ("∅", "ø"),
        ("”", '"'),
        ("″", '"'),
        ("“", '"'),
        ("’", "'"),
        ("‘", "'"),
        ("–", "-"),
        ("—", "-"),
        ("dia.", "dia "),
    ):
        out = out.replace(src, dst)
    out = re.sub(r"(\d),(\d)", r"\1.\2", out)
    return re.sub(r"[ \t\r\n]+", " ", out).strip()


def parse_number(token: str) -> float:
    """'12', '2.5', '.5', '1/4', '1 1/2' → float."""
    token = token.strip()
    try:
        if " " in token:
            whole, frac = token.split(None, 1)
            return float(int(whole) + Fraction(frac))
        if "/" in token:
            return float(Fraction(token))
        return float(token)
    except (ValueError, ZeroDivisionError) as exc:
        raise UnitError(f"cannot read the number {token!r}: {exc}") from None


def unit_of(word: str | None) -> str | None:
    """Canonical unit ('mm', 'cm', 'm', 'in', 'ft') for a matched unit word."""
    if not word:
        return None
    for pattern, unit in _UNIT_WORDS:
        if re.fullmatch(pattern, word):
            return unit
    return None


def default_unit(text: str) -> str:
    """The unit bare numbers are in: mm unless the prompt says otherwise."""
    if _GLOBAL_INCH.search(text):
        return "in"
    if _GLOBAL_CM.search(text):
        return "cm"
    return "mm"


def to_mm(value: float, unit: str | None, fallback: str = "mm") -> float:
    return value * UNIT_MM[unit or fallback]


def parse_length(text: str, fallback: str = "mm") -> float:
    """A single length such as '1/4 inch', '2.5cm', 'Ø5' or '3' → millimetres."""
    quantities = scan(normalize(text), fallback)
    if len(quantities) != 1 or quantities[0].is_group:
        raise UnitError(f"expected exactly one length in {text!r}")
    return quantities[0].value


def scan(text: str, fallback: str = "mm") -> list[Quantity]:
    """All quantities in normalised `text`, left to right, non-overlapping.

    Thread specs first (so `M8x40` is not read as 8 × 40), then `AxBxC` groups (a unit
    written once at the end applies to every member), then single numbers.
    """
    taken: list[tuple[int, int]] = []
    found: list[Quantity] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _THREAD.finditer(text):
        size = float(match.group(1))
        length = match.group(2)
        raw = (size, float(length)) if length else (size,)
        found.append(Quantity(raw, "mm", match.start(), match.end(), raw, thread=True))
        taken.append(match.span())
    for match in _DIMS.finditer(text):
        if not free(*match.span()):
            continue
        keys = [k for k in "abc" if match.group(k)]
        raw = tuple(parse_number(match.group(k)) for k in keys)
        units = [unit_of(match.group(f"u{k}")) for k in keys]
        last = next((u for u in reversed(units) if u), None)
        values = tuple(to_mm(v, u or last, fallback) for v, u in zip(raw, units, strict=True))
        found.append(
            Quantity(values, last, match.start(), match.end(), raw, diameter_mark=bool(match.group("dia")))
        )
        taken.append(match.span())
    for match in _SINGLE.finditer(text):
        if not free(*match.span()) or _inside_word(text, match.start("a")):
            continue
        raw_value = parse_number(match.group("a"))
        unit = unit_of(match.group("ua"))
        found.append(
            Quantity(
                (to_mm(raw_value, unit, fallback),),
                unit,
                match.start(),
                match.end(),
                (raw_value,),
                diameter_mark=bool(match.group("dia")),
            )
        )
        taken.append(match.span())
    found.sort(key=lambda q: q.start)
    return _resolve_bare_in(text, found, fallback)


def _resolve_bare_in(text: str, found: list[Quantity], fallback: str) -> list[Quantity]:
    """'2 in diameter': inches when the prompt measures in inches elsewhere, or when it
    names no unit at all and the number is small enough to be inches; else a preposition."""
    units_named = {q.unit for q in found if q.unit and not q.thread}
    out = []
    for q in found:
        match = _BARE_IN.match(text, q.end)
        if q.unit is None and not q.is_group and not q.thread and match:
            inches = "in" in units_named or (
                not units_named & _METRIC_UNITS and q.raw[0] <= BARE_IN_MAX_INCHES
            )
            if inches:
                q = Quantity((to_mm(q.raw[0], "in"),), "in", q.start, match.end(), q.raw)
        out.append(q)
    return out


def _inside_word(text: str, start: int) -> bool:
    """Digits glued to letters before them ('nema17', 'v2') are names, not quantities."""
    return start > 0 and text[start - 1].isalpha() and text[start - 1] not in "xø"


def word_count(text: str) -> int | None:
    """'four' → 4, '6' → 6, 'a pair of' → 2; None when `text` is not a count."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    return WORD_NUMBERS.get(text)
