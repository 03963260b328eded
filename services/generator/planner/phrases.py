"""Prompt analysis: split a prompt into clauses and decide what each number measures.

A prompt such as "pipe flange with 80 mm outer diameter, 10 mm thick, 30 mm bore and 4
bolt holes of 8 mm on a 60 mm bolt circle" is split into clauses; clauses naming a
feature (holes, fillets, ...) are handed to the feature parser with their own numbers,
the rest describe the body. Each number gets a *role* (diameter, height, bore, ...) from
the role word next to it, so families read `ctx.take("height")` instead of regexes, and
every word the planner used is recorded for the interpretation report.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass, field

from printforge_services.generator.planner import units
from printforge_services.generator.planner.units import Quantity

# 'top'/'bottom' name a cone's end diameters, but not in 'top edge', 'top face', ...
_NOT_AN_EDGE = r"(?!\s+(?:edges?|faces?|surfaces?|sides?|fillets?|chamfers?|corners?|of|lip|rim))"
ROLE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?:outer|outside|external) radius", "od_radius"),
    (r"(?:inner|inside|internal) radius", "id_radius"),
    (
        r"outer diameter|outside diameter|external diameter|outer dia|o\.d\.?|\bod\b"
        r"|\b(?:outer|outside)(?=\s*(?:ø|\d))",
        "od",
    ),
    (
        r"inner diameter|inside diameter|internal diameter|inner dia|i\.d\.?|\bid\b|hole size"
        r"|\b(?:inner|inside)(?=\s*(?:ø|\d))",
        "id",
    ),
    (r"floor|bottom thickness|base thickness", "floor"),
    (r"base diameter|bottom diameter|base|\bbottom\b" + _NOT_AN_EDGE, "base_diameter"),
    (r"top diameter|tip diameter|\btop\b" + _NOT_AN_EDGE, "top_diameter"),
    (r"bolt[- ]circle(?: diameter)?|pitch circle(?: diameter)?|p\.?c\.?d\.?|\bbcd\b|circle", "pcd"),
    (r"across (?:the )?flats?|\ba/f\b|\baf\b|flat[- ]to[- ]flat", "across_flats"),
    (r"across (?:the )?corners|corner[- ]to[- ]corner|across points", "across_corners"),
    (
        r"from (?:the |each |all |every |both )?(?:outer )?(?:corners?|edges?|sides?|ends?|borders?)"
        r"|inset|in from (?:the )?(?:edges?|corners?)",
        "offset",
    ),
    (r"(?:edge |corner )?offset|\bmargin\b|edge distance", "offset"),
    (r"apart|spacing|pitch|on cent(?:er|re)s|cent(?:er|re)s|spaced", "spacing"),
    (r"diameters?|\bdiam\b|\bdia\b|ø|\bd(?=\s*[=:])", "diameter"),
    (r"radius|\brad\b|\br(?=\s*[=:])", "radius"),
    (r"thick walls?|walls? thick(?:ness)?", "wall"),
    (r"tall|high|height|\bh(?=\s*[=:])", "height"),
    (r"long|length|shank|\bl(?=\s*[=:])", "length"),
    (r"wide|(?:face )?width|breadth|\bw(?=\s*[=:])", "width"),
    (r"thick(?:ness)?|gauge|\bt(?=\s*[=:])", "thickness"),
    (r"deep|depth", "depth"),
    (r"wall thickness|walls?", "wall"),
    (r"bore(?:\s+(?:diameter|diam|dia)\b)?", "bore"),
    (r"module|\bmod\b|\bm(?=\s*[=:])", "module"),
    (r"teeth|tooth|(?<=\d)t\b|\bz(?=\s*[=:])", "teeth"),
    (r"units?|cells?|(?<=\d)u\b", "units"),
    (r"sides?|edge length|on a side|per side|edges?", "side"),
    (r"size|big|across", "size"),
    (r"(?:legs?|arms?)(?:\s+lengths?)?", "leg"),
    (r"\bbands?\b", "thickness"),
    (r"\blips?\b|\brims?\b", "rim"),
    (r"degrees?|°|\bdeg\b|angle", "angle"),
)
# Roles that only qualify a number written right next to them ('20 mm apart', not '4 mm holes evenly spaced').
ADJACENT_ONLY = frozenset({"spacing", "base_diameter", "top_diameter"})
# Placement words usually lead their number ('on PCD 120', 'spacing 20', 'offset 5').
LEADING_ROLES = frozenset({"pcd", "spacing", "offset"})
# Count nouns win over a role word before the number ('height 3 units' is 3 units, not 3 mm).
COUNT_ROLES = frozenset({"units", "teeth"})
# 'outer radius 10' is read as an outer diameter of 20 (and likewise inner).
RADIUS_ROLES = {"od_radius": "od", "id_radius": "id"}
# 'two holes in each leg': the leg word says where, not how long.
_DISTRIBUTIVE = re.compile(r"\b(?:each|per|every)\s+$")
# Standard references ('ISO 4017', 'DIN 933') name a part; their numbers are not sizes.
STANDARD_REF = re.compile(r"\b(?:iso|din|ansi|en)\s*\d+(?:[-/:]\d+)*\b")
_ROLE_RE = re.compile("|".join(f"(?P<r{i}>{p})" for i, (p, _) in enumerate(ROLE_PATTERNS)))
_FILLER_BEFORE = re.compile(
    r"^[\s,:=(]*(?:(?:of|is|=|:|about|approx\.?|approximately|around|roughly|at|a|an|the|to|by|set to)"
    r"[\s,:=]*)*$"
)
_FILLER_AFTER = re.compile(r"^[\s\-)]*(?:in\s+|of\s+|on\s+)?$")
_SPLIT = re.compile(
    r"\s*(?:[,;]|\.\s|\bwith\b|\bhaving\b|\bplus\b|\bfeaturing\b|\bthat has\b|\bwhich has\b)\s*"
    r"|\s+\band\b\s+(?!\d[\d./]*\s*(?:mm|cm|in|\"|inch|inches)?\s*(?:long|wide|tall|high|thick))"
)
_QUOTED = re.compile(r"(?<![\w\d])(['\"])(?P<body>[^'\"]{1,64})\1(?!\w)")
_STOP_TEXT = (
    "a an the of with and to in on at for by is it its be as that this which from each every "
    "all both one please me i need want make made create give design model print printable 3d "
    "part piece some x mm cm m inch inches in into so can you would like having has have about "
    "approximately around roughly shaped shape simple basic small big large nice new add put "
    "also now then instead just my our your for plus"
)
STOPWORDS = frozenset(_STOP_TEXT.split())


@dataclass
class Measure:
    """A quantity and the role word that qualifies it (None when nothing does)."""

    q: Quantity
    role: str | None
    role_span: tuple[int, int] | None = None
    used: bool = False


@dataclass
class Segment:
    start: int
    end: int
    text: str
    measures: list[Measure]
    feature: str | None = None
    # Role words no number claimed ('make it taller, 15 mm': 'tall' waits for the next clause).
    loose_roles: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class Context:
    """A prompt under interpretation: clauses, role-tagged numbers and bookkeeping."""

    raw: str
    text: str
    unit: str
    segments: list[Segment]
    quotes: list[str]
    used_spans: list[tuple[int, int]] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Words honoured only approximately ('vibration-damping: approximated by 4 slots for rubber grommets').
    approximated: list[str] = field(default_factory=list)

    @property
    def body(self) -> list[Segment]:
        return [s for s in self.segments if s.feature is None]

    def measures(self) -> list[Measure]:
        return [m for s in self.body for m in s.measures]

    def take(self, *roles: str, label: str | None = None) -> float | None:
        """First unused body number whose role is one of `roles` (in order of preference)."""
        for role in roles:
            for m in self.measures():
                if not m.used and m.role == role and not m.q.thread and not m.q.is_group:
                    return self._use(m, label or role)
        return None

    def take_bare(self, label: str, *, integer: bool = False) -> float | None:
        """First unused unqualified body number (a 'bare' length such as 'a 50 mm disc')."""
        for m in self.measures():
            if m.used or m.role is not None or m.q.thread or m.q.is_group:
                continue
            if integer and not m.q.is_integer:
                continue
            if m.q.unit is None and not integer and not m.q.diameter_mark:
                self.assumed.append(f"{_fmt(m.q.raw[0])} read as {self.unit}")
            return self._use(m, label)
        return None

    def take_count(self, role: str, label: str) -> int | None:
        """An integer count tagged with `role` ('20 teeth')."""
        for m in self.measures():
            if not m.used and m.role == role and m.q.is_integer:
                self._use(m, label)
                return int(m.q.raw[0])
        return None

    def take_raw(self, role: str, label: str) -> float | None:
        """A unitless number tagged with `role` ('module 2', '60 degrees')."""
        for m in self.measures():
            if not m.used and m.role == role and not m.q.is_group:
                self._use(m, label)
                return m.q.raw[0]
        return None

    def take_group(self, label: str, *, unitless: bool = False) -> tuple[float, ...] | None:
        for m in self.measures():
            if not m.used and m.q.is_group:
                self._use(m, label)
                return m.q.raw if unitless else m.q.values
        return None

    def take_thread(self) -> Quantity | None:
        for seg in self.segments:
            for m in seg.measures:
                if m.q.thread and not m.used:
                    m.used = True
                    self.used_spans.append((m.q.start, m.q.end))
                    self.understood.append(f"thread M{m.q.raw[0]:g} from '{self.text[m.q.start : m.q.end]}'")
                    return m.q
        return None

    def has(self, pattern: str, *, body_only: bool = False) -> bool:
        """Does the prompt contain `pattern`? Marks the words as used when it does."""
        haystack = self.body if body_only else self.segments
        found = False
        for seg in haystack:
            for match in re.finditer(pattern, seg.text):
                self.used_spans.append((seg.start + match.start(), seg.start + match.end()))
                found = True
        return found

    def take_span(self, start: int, end: int) -> None:
        """Mark numbers inside [start, end) as used (a family read them with its own regex)."""
        for m in self.measures():
            if start <= m.q.start < end:
                m.used = True
        self.used_spans.append((start, end))

    def mark(self, start: int, end: int) -> None:
        self.used_spans.append((start, end))

    def unused_words(self) -> list[str]:
        words = []
        for match in re.finditer(r"[a-z][a-z'\-]*", self.text):
            if any(s <= match.start() < e for s, e in self.used_spans):
                continue
            word = match.group().strip("'-")
            if word and word not in STOPWORDS and not _in_quote(self.text, match.start()):
                words.append(word)
        return words

    def unused_numbers(self) -> list[str]:
        return [
            self.text[m.q.start : m.q.end]
            for seg in self.segments
            for m in seg.measures
            if not m.used and seg.feature is None
        ]

    def _use(self, m: Measure, label: str) -> float:
        m.used = True
        self.used_spans.append((m.q.start, m.q.end))
        if m.role_span:
            self.used_spans.append(m.role_span)
        self.understood.append(f"{label} = {_fmt(m.q.value)} mm from '{self.text[m.q.start : m.q.end]}'")
        return m.q.value


def analyse(prompt: str) -> Context:
    """Normalise `prompt`, split it into clauses and tag every number with its role."""
    text = units.normalize(prompt)
    quotes = [m.group("body") for m in _QUOTED.finditer(units.normalize_keep_case(prompt))]
    masked = _QUOTED.sub(lambda m: m.group(1) + "_" * len(m.group("body")) + m.group(1), text)
    unit = units.default_unit(text)
    standards = [m.span() for m in STANDARD_REF.finditer(masked)]
    quantities = [q for q in units.scan(masked, unit) if not any(s <= q.start < e for s, e in standards)]
    segments: list[Segment] = []
    cursor = 0
    for match in [*_SPLIT.finditer(masked), None]:
        end = match.start() if match else len(masked)
        if end > cursor:
            segments.append(_segment(masked, cursor, end, quantities))
        if match:
            cursor = match.end()
    segments = [s for s in segments if s.text.strip()]
    _lend_roles(masked, segments)
    ctx = Context(prompt, masked, unit, segments, quotes)
    for match in _QUOTED.finditer(masked):
        ctx.mark(*match.span())
    for span in standards:
        ctx.mark(*span)
    return ctx


def _segment(text: str, start: int, end: int, quantities: list[Quantity]) -> Segment:
    inside = [q for q in quantities if q.start >= start and q.end <= end]
    roles = [
        (start + m.start(), start + m.end(), ROLE_PATTERNS[int(m.lastgroup[1:])][1])
        for m in _ROLE_RE.finditer(text[start:end])
        if m.lastgroup
    ]
    roles = [
        r
        for r in roles
        if not any(q.start <= r[0] < q.end for q in inside)
        and not (r[2] == "leg" and _DISTRIBUTIVE.search(text[start : r[0]]))
    ]
    claimed: set[int] = set()
    measures = []
    for i, q in enumerate(inside):
        prev_end = inside[i - 1].end if i else start
        nxt = inside[i + 1] if i + 1 < len(inside) else None
        after_next = inside[i + 2].start if i + 2 < len(inside) else end
        choice = None if q.thread else _pick_role(text, q, roles, claimed, prev_end, (nxt, after_next, end))
        if q.is_group and q.diameter_mark and len(q.values) == 2:
            measures.extend(_diameter_by_height(text, q, roles[choice] if choice is not None else None))
            if choice is not None:
                claimed.add(choice)
            continue
        if choice is None and q.diameter_mark:
            measures.append(Measure(q, "diameter"))
            continue
        if choice is None:
            measures.append(Measure(q, None))
            continue
        claimed.add(choice)
        r_start, r_end, role = roles[choice]
        if role in RADIUS_ROLES:
            q = dataclasses.replace(q, values=tuple(2 * v for v in q.values), raw=tuple(2 * v for v in q.raw))
            role = RADIUS_ROLES[role]
        measures.append(Measure(q, role, (r_start, r_end)))
    loose = [r for i, r in enumerate(roles) if i not in claimed]
    return Segment(start, end, text[start:end], measures, loose_roles=loose)


def _diameter_by_height(text: str, q: Quantity, role: tuple[int, int, str] | None) -> list[Measure]:
    """'Ø95 x 4 mm' is a diameter and a height (or thickness), not a 95 × 4 rectangle."""
    sep = re.search(r"\s*(?:x|by|\*)\s*(?=[\d.])", text[q.start : q.end])
    cut, resume = (q.start + sep.start(), q.start + sep.end()) if sep else (q.end, q.end)
    diameter = dataclasses.replace(q, values=q.values[:1], raw=q.raw[:1], end=cut)
    height = dataclasses.replace(q, values=q.values[1:], raw=q.raw[1:], start=resume, diameter_mark=False)
    span = role[:2] if role else None
    return [Measure(diameter, "diameter"), Measure(height, role[2] if role else "height", span)]


def _lend_roles(text: str, segments: list[Segment]) -> None:
    """A clause that is only a number takes the role word ending the clause before it."""
    for prev, seg in itertools.pairwise(segments):
        if len(seg.measures) != 1 or not prev.loose_roles:
            continue
        m = seg.measures[0]
        r_start, r_end, role = prev.loose_roles[-1]
        alone = not text[seg.start : m.q.start].strip() and _FILLER_AFTER.match(text[m.q.end : seg.end])
        tail = text[r_end : prev.end]
        if m.role is None and not m.q.thread and not m.q.is_group and alone and not re.search(r"\d", tail):
            m.role, m.role_span = role, (r_start, r_end)


def _pick_role(
    text: str,
    q: Quantity,
    roles: list[tuple[int, int, str]],
    claimed: set[int],
    prev_end: int,
    following: tuple[Quantity | None, int, int],
) -> int | None:
    nxt, after_next, end = following
    next_start = nxt.start if nxt is not None else end
    before = [i for i, r in enumerate(roles) if i not in claimed and prev_end <= r[0] and r[1] <= q.start]
    after = [
        i
        for i, r in enumerate(roles)
        if i not in claimed
        and q.end <= r[0]
        and r[1] <= next_start
        and not _owed(text, roles, i, nxt, after_next)
    ]
    if (
        q.is_integer
        and after
        and roles[after[0]][2] in COUNT_ROLES
        and _FILLER_AFTER.match(text[q.end : roles[after[0]][0]])
    ):
        return after[0]
    if before and _FILLER_BEFORE.match(text[roles[before[-1]][1] : q.start]):
        return before[-1]
    if after and _FILLER_AFTER.match(text[q.end : roles[after[0]][0]]):
        return after[0]
    if q.is_integer:
        return None
    after = [i for i in after if roles[i][2] not in ADJACENT_ONLY]
    before = [i for i in before if roles[i][2] not in ADJACENT_ONLY]
    if after and len(text[q.end : roles[after[0]][0]].split()) <= 2:
        return after[0]
    if before and len(text[roles[before[-1]][1] : q.start].split()) <= 2:
        return before[-1]
    return None


def _owed(
    text: str, roles: list[tuple[int, int, str]], i: int, nxt: Quantity | None, after_next: int
) -> bool:
    """Role `i` sits right before the next number, which has no role word after it: it is
    that number's ('6 holes Ø12 on PCD 120': PCD belongs to 120, not to Ø12)."""
    if (
        roles[i][2] not in LEADING_ROLES
        or nxt is None
        or not _FILLER_BEFORE.match(text[roles[i][1] : nxt.start])
    ):
        return False
    return not any(
        j != i and nxt.end <= r[0] and r[1] <= after_next and _FILLER_AFTER.match(text[nxt.end : r[0]])
        for j, r in enumerate(roles)
    )


def _in_quote(text: str, pos: int) -> bool:
    return any(m.start() <= pos < m.end() for m in _QUOTED.finditer(text))


def _fmt(value: float) -> str:
    return f"{value:.4g}"
