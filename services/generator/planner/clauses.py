"""Clause boundaries the comma split misses, so feature parsing sees whole feature phrases.

`phrases.analyse` splits a prompt at punctuation and joining words. Terse prompts
("keychain 40x25x3 rounded corners 4mm hole") put the body and several features in one
clause, and careful ones put a feature's placement in a clause of its own ("four M3
holes, 5 mm from the corners"). These rules fix both before clauses are classified,
and read "4 x 8 mm holes" / "6x 5mm holes" as a count times a size rather than a 4×8
rectangle.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence

from printforge_services.generator.planner import units
from printforge_services.generator.planner.phrases import Context, Measure, Segment

# Roles that only say where a feature goes; a clause made of them belongs to the feature before it.
POSITION_ROLES = frozenset({"offset", "spacing", "pcd"})
PLACED_FEATURES = frozenset({"hole", "slot", "nut_pocket", "insert"})
FEATURE_SIZE_ROLES = POSITION_ROLES | {None, "radius", "diameter", "depth", "size", "width", "length"}
# Words that may stand in a feature phrase before its feature word ('a grid of six evenly
# spaced M3 clearance holes'); a phrase may also hold one count, one thread and one size.
_LEAD_TEXT = (
    "a an the of x pair set grid array row line ring circle pattern matrix series through thru blind "
    "clearance counterbored counter-bored counterbore countersunk counter-sunk mounting bolt screw center "
    "centre centered centred central middle tapped threaded hanging corner small large round evenly "
    "equally spaced shaft key ring keyring diameter dia diam radius wide deep"
)
LEAD_WORDS = frozenset(_LEAD_TEXT.split()) | frozenset(units.WORD_NUMBERS_SIMPLE)
_TOKEN = re.compile(r"[a-z][a-z'-]*|\S")
_COUNTED = re.compile(r"^(\d+)\s*[x*]\s*")
MAX_COUNT = 100


def split_terse(ctx: Context, anchors: Sequence[tuple[str, re.Pattern[str]]]) -> None:
    """Split clauses at each feature phrase that follows body numbers or another phrase."""
    out: list[Segment] = []
    for seg in ctx.segments:
        cuts = _cuts(seg, anchors)
        bounds = [seg.start, *cuts, seg.end]
        for start, end in itertools.pairwise(bounds):
            text = ctx.text[start:end]
            stripped = len(text) - len(text.rstrip())
            inside = [m for m in seg.measures if start <= m.q.start < end]
            out.append(Segment(start, end - stripped, text.rstrip(), inside, seg.feature))
    ctx.segments = [s for s in out if s.text.strip()]


def _cuts(seg: Segment, anchors: Sequence[tuple[str, re.Pattern[str]]]) -> list[int]:
    found = sorted((m.start(), m.end()) for _, pattern in anchors for m in pattern.finditer(seg.text))
    cuts: list[int] = []
    last_end = 0
    for a_start, a_end in found:
        if a_start < last_end:
            continue
        cut = _outside_quantities(seg, _lead_start(seg, last_end, a_start))
        if cut > last_end and re.search(r"[a-z0-9]", seg.text[last_end:a_start]):
            has_body = any(seg.start + last_end <= m.q.start < seg.start + cut for m in seg.measures)
            if cuts or has_body:
                cuts.append(seg.start + cut)
        last_end = max(last_end, a_end)
    return cuts


def _lead_start(seg: Segment, lo: int, anchor: int) -> int:
    """Walk back from a feature word over what can belong to its phrase; return where it starts."""
    items: list[tuple[int, int, Measure | None]] = []
    quantities = [m for m in seg.measures if lo <= m.q.start - seg.start < anchor]
    taken = [(m.q.start - seg.start, m.q.end - seg.start) for m in quantities]
    for m, (start, end) in zip(quantities, taken, strict=True):
        items.append((start, end, m))
    for match in _TOKEN.finditer(seg.text, lo, anchor):
        if not any(s <= match.start() < e for s, e in taken):
            items.append((match.start(), match.end(), None))
    items.sort(key=lambda item: item[0])
    cut = anchor
    seen: set[str] = set()
    for start, _end, m in reversed(items):
        if m is None:
            if seg.text[start:_end] not in LEAD_WORDS:
                break
        else:
            kinds = _lead_kinds(seg, m)
            if not kinds or kinds & seen:
                break
            seen |= kinds
        cut = start
    return cut


def _lead_kinds(seg: Segment, m: Measure) -> frozenset[str]:
    """What a number can be inside a feature phrase: thread, grid, count, size (empty: body)."""
    q = m.q
    if q.thread:
        return frozenset({"thread"})
    if counted(seg, m):
        return frozenset({"count", "size"})
    if q.is_group:
        return frozenset({"grid"}) if q.unit is None and len(q.values) == 2 else frozenset()
    if q.is_integer and not q.diameter_mark:
        return frozenset({"count"})
    return frozenset({"size"})


def _outside_quantities(seg: Segment, cut: int) -> int:
    """Never cut through a quantity ('40x25x3'), and never lead a phrase with a size group."""
    for m in seg.measures:
        start, end = m.q.start - seg.start, m.q.end - seg.start
        if start < cut < end or (cut == start and m.q.is_group and m.q.unit and not counted(seg, m)):
            cut = end + len(seg.text[end:]) - len(seg.text[end:].lstrip())
    return cut


def counted(seg: Segment, m: Measure) -> bool:
    """'4 x 8 mm' / '6x 5mm' in front of holes: a unitless whole count times a size."""
    if not m.q.is_group or len(m.q.values) != 2 or m.q.unit is None:
        return False
    offset = m.q.start - seg.start
    match = _COUNTED.match(seg.text[offset:])
    return bool(match) and m.q.raw[0].is_integer() and 1 <= m.q.raw[0] <= MAX_COUNT


def split_counted(seg: Segment) -> None:
    """Replace a counted group in a hole clause by a count and a size measure."""
    for i, m in enumerate(seg.measures):
        if not counted(seg, m):
            continue
        match = _COUNTED.match(seg.text[m.q.start - seg.start :])
        assert match is not None
        n = m.q.raw[0]
        count = units.Quantity((n,), None, m.q.start, m.q.start + len(match.group(1)), (n,))
        size = dataclasses.replace(m.q, values=m.q.values[1:], raw=m.q.raw[1:], start=m.q.start + match.end())
        seg.measures[i : i + 1] = [Measure(count, None), Measure(size, m.role, m.role_span)]
        return


def merge_placements(ctx: Context, *, sizes: bool = False) -> None:
    """Join a clause holding only placement numbers ('5 mm from the corners') to the
    feature clause before it; with `sizes` (a chat follow-up, which has no body to
    measure) also a size for a feature that has none ('fillet the edges, 3 mm radius')."""
    out: list[Segment] = []
    for seg in ctx.segments:
        prev = out[-1] if out else None
        if prev is None or seg.feature is not None or not seg.measures:
            out.append(seg)
            continue
        placed = prev.feature in PLACED_FEATURES and all(m.role in POSITION_ROLES for m in seg.measures)
        sized = (
            sizes
            and prev.feature is not None
            and not any(m.q.unit or m.role for m in prev.measures)
            and all(m.role in FEATURE_SIZE_ROLES for m in seg.measures)
        )
        if placed or sized:
            out[-1] = Segment(
                prev.start,
                seg.end,
                ctx.text[prev.start : seg.end],
                prev.measures + seg.measures,
                prev.feature,
            )
            continue
        out.append(seg)
    ctx.segments = out
