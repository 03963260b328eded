"""Feature clauses → feature dicts, and hole-pattern placement on a family's top face.

A feature is plain JSON (see schema.py) so chat edits and manifest edits can change
it; every default a feature needs (hole offset from the corners, bolt-circle diameter,
row spacing) is resolved here at interpretation time and written into the tree, so a
rebuild never depends on re-reading the prompt and the user can see and edit it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from typing import Any

from printforge_services.generator.planner import clauses, standards, units
from printforge_services.generator.planner.families.base import Family, Outline
from printforge_services.generator.planner.phrases import Context, Measure, Segment

ANCHORS: tuple[tuple[str, str], ...] = (
    (
        "text",
        r"\btext\b|engrav|emboss|deboss|\bletter(?:ing|s)?\b|\bsaying\b|\bthat says\b|\bwritten\b"
        r"|\blabel(?:led)?\b",
    ),
    (
        "nut_pocket",
        r"(?:captive |hex )?nut (?:pocket|trap|slot|recess|cutout)s?|\bcaptive nuts?\b|\bnut ?traps?\b",
    ),
    ("insert", r"heat[- ]?set(?: inserts?)?|(?:threaded|brass) inserts?|\binserts?\b"),
    ("slot", r"\bslots?\b|\bslotted\b"),
    (
        "fillet",
        r"fillet(?:ed|s)?|\brounded\b|\bround(?:ed)? (?:off )?(?:the |all )?(?:(?:four|4|vertical|top|bottom"
        r"|outer|outside|sharp|side) )?(?:corners|edges)|radius(?:ed)? (?:corners|edges)|\bround corners",
    ),
    ("chamfer", r"chamfer(?:ed|s)?|bevel(?:l?ed|s)?"),
    (
        "hole",
        r"\bholes?\b|through[- ]?holes?|thru[- ]?holes?|\bopenings?\b|\bdrill(?:ed|ings?)?\b|\bperforat",
    ),
)
_ANCHOR_RE = [(kind, re.compile(pattern)) for kind, pattern in ANCHORS]
BODY_ANCHORS = ("fillet", "chamfer")
COUNT_RE = re.compile(r"\b(" + "|".join(units.WORD_NUMBERS) + r"|\d+)(?:\b|(?=x\b))")


def classify(ctx: Context, *, followup: bool = False) -> None:
    """Mark clauses that describe a feature (those without a size group like '40x20x10').

    Clauses are first re-cut where the punctuation split missed a boundary (see clauses.py).
    """
    clauses.split_terse(ctx, _ANCHOR_RE)
    for seg in ctx.segments:
        for kind, pattern in _ANCHOR_RE:
            match = pattern.search(seg.text)
            if not match:
                continue
            if kind == "hole":
                clauses.split_counted(seg)
            # A size group ('40x20x10 mm', or any three numbers) makes the clause the body's,
            # even when it also holds a feature word ('a rounded 50x30x20 box').
            if not any(m.q.is_group and (m.q.unit is not None or len(m.q.values) == 3) for m in seg.measures):
                seg.feature = kind
                ctx.mark(seg.start + match.start(), seg.start + match.end())
            break
    clauses.merge_placements(ctx, sizes=followup)


def body_features(ctx: Context) -> list[dict[str, Any]]:
    """Size-less feature words inside body clauses ('a rounded 40x20x10 box')."""
    found = []
    for seg in ctx.body:
        for kind, pattern in _ANCHOR_RE:
            if kind in BODY_ANCHORS and pattern.search(seg.text):
                ctx.has(pattern.pattern, body_only=True)
                found.append(parse_segment(ctx, Segment(seg.start, seg.end, seg.text, [], kind)))
    return found


def parse_segment(ctx: Context, seg: Segment) -> dict[str, Any]:
    """One feature clause → a partial feature dict (defaults resolved later)."""
    text = seg.text
    lengths = [m for m in seg.measures if not m.q.thread and not (m.q.is_integer and m.role is None)]

    def take(*roles: str | None) -> float | None:
        for role in roles:
            for m in lengths:
                if not m.used and m.role == role and not m.q.is_group:
                    m.used = True
                    ctx.mark(m.q.start, m.q.end)
                    if m.role_span:
                        ctx.mark(*m.role_span)
                    ctx.understood.append(f"{seg.feature} {role or 'size'} {m.q.value:g} mm")
                    return m.q.value
        return None

    thread_measure = next((m for m in seg.measures if m.q.thread), None)
    thread = thread_measure.q if thread_measure is not None else None
    if thread_measure is not None:
        thread_measure.used = True
        ctx.mark(thread.start, thread.end)
    ctx.has(
        r"\b(?:on|in|at|near|into|through) (?:the )?(?:top|bottom|upper|front|back)?"
        r"(?: face| surface| side)?\b"
    )
    kind = seg.feature
    if kind == "fillet":
        radius = take("radius", None, "diameter", "size", "side")
        edges = _edges(ctx, seg, "vertical" if re.search(r"corner", text) else "all")
        return {"type": "fillet", "radius": radius, "edges": edges}
    if kind == "chamfer":
        size = take(None, "size", "width", "length", "side")
        edges = _edges(ctx, seg, "vertical" if re.search(r"corner", text) else "top")
        return {"type": "chamfer", "size": size, "edges": edges}
    if kind == "text":
        quote = ctx.quotes.pop(0) if ctx.quotes else None
        engrave = bool(re.search(r"engrav|deboss|cut|recess|sunk", text))
        ctx.has(r"engrav\w*|emboss\w*|deboss\w*|raised", body_only=False)
        return {
            "type": "text",
            "text": quote,
            "size": take("height", "size", None),
            "depth": take("depth", "thickness"),
            "mode": "engrave" if engrave else "emboss",
        }
    feature: dict[str, Any] = {"type": kind, "pattern": _pattern(ctx, seg, take)}
    size = standards.thread(thread.raw[0]).name if thread is not None else None
    if kind in ("nut_pocket", "insert"):
        feature["thread"] = size or "M3"
        return feature
    if kind == "slot":
        feature["width"] = take("width", None, "diameter")
        feature["length"] = take("length", None)
        return feature
    diameter = take("diameter", None, "id", "size")
    if diameter is None and thread is not None:
        t = standards.thread(thread.raw[0])
        if re.search(r"\btap(?:ped|ping)?\b|\bthreaded\b", text):
            ctx.has(r"\btap(?:ped|ping)?\b|\bthreaded\b")
            diameter = t.tap_drill
            ctx.assumed.append(f"{t.name} tapped hole drilled {diameter:g} mm")
        else:
            ctx.has(r"\bclearance\b|\bscrew\b|\bbolt\b")
            diameter = t.clearance()
            ctx.assumed.append(f"{t.name} clearance hole {diameter:g} mm (ISO 273 medium)")
    feature["diameter"] = diameter
    depth = take("depth")
    if depth is None and ctx.has(r"\bblind\b"):
        feature["blind"] = True
    feature["depth"] = depth
    feature["thread"] = size
    if re.search(r"counter[- ]?bor|c'?bore", text):
        ctx.has(r"counter[- ]?bor\w*|c'?bored?")
        feature["counterbore"] = {}
    if re.search(r"counter[- ]?sun|counter[- ]?sink|\bcsk\b", text):
        ctx.has(r"counter[- ]?sunk|counter[- ]?sinks?|\bcsk\b")
        feature["countersink"] = {}
    ctx.has(
        r"\b(?:straight )?through\b|\bthru\b|\bbolts?\b|\bmounting\b|\bscrews?\b|\bhanging\b|\bto hang\b"
        r"|\bkey ?ring\b|\bshaft\b"
    )
    return feature


def _edges(ctx: Context, seg: Segment, default: str) -> str:
    for word, edges in (("top", "top"), ("bottom", "bottom"), ("vertical", "vertical"), ("all", "all")):
        if re.search(rf"\b{word}\b", seg.text):
            ctx.mark(seg.start + seg.text.index(word), seg.start + seg.text.index(word) + len(word))
            return edges
    ctx.has(r"\bcorners?\b|\bedges?\b")
    return default


PATTERN_WORDS: tuple[tuple[str, str], ...] = (
    ("per_leg", r"\beach (?:leg|arm|side|flange)\b|\bboth (?:legs|arms)\b|\bper (?:leg|arm)\b"),
    ("corners", r"\bcorners?\b"),
    ("grid", r"\bgrid\b|\barray\b|\bmatrix\b"),
    (
        "circle",
        r"bolt[- ]circle|\bpcd\b|pitch circle|evenly spaced|equally spaced|\baround\b|\bcircular\b"
        r"|\bradial\b|\bcircle\b",
    ),
    ("ends", r"\b(?:each|both|either|two|opposite) ends?\b"),
    ("end", r"\b(?:one|an|the|near|at|top) end\b|\bend\b|\bhanging\b|\bto hang\b"),
    ("row", r"\brow\b|\bin (?:a )?line\b|\balong\b|\blinear\b"),
    ("center", r"\bcent(?:er|re)(?:ed|d)?\b|\bmiddle\b|\bcentral\b"),
)


def _pattern(ctx: Context, seg: Segment, take: Any) -> dict[str, Any]:
    pattern: dict[str, Any] = {}
    match = next((m for m in COUNT_RE.finditer(seg.text) if _is_count(seg, m)), None)
    if match:
        pattern["count"] = units.word_count(match.group(1))
        ctx.mark(seg.start + match.start(), seg.start + match.end())
        for m in seg.measures:
            if m.q.start == seg.start + match.start():
                m.used = True
    elif re.search(r"\bholes\b|\bslots\b|\bpockets\b|\binserts\b", seg.text):
        pattern["plural"] = True
    for kind, regex in PATTERN_WORDS:
        found = re.search(regex, seg.text)
        if found:
            pattern["kind"] = kind
            pattern["each"] = kind == "per_leg"
            ctx.mark(seg.start + found.start(), seg.start + found.end())
            break
    grid = next((m for m in seg.measures if m.q.is_group and m.q.unit is None), None)
    if grid is not None:
        grid.used = True
        ctx.mark(grid.q.start, grid.q.end)
        pattern.update(kind="grid", nx=int(grid.q.raw[0]), ny=int(grid.q.raw[1]))
    for m in seg.measures:
        # 'four Ø8 holes on Ø60' / 'on a 60 mm diameter': a diameter the holes sit *on* is their circle
        if m.role == "diameter" and _ON_CIRCLE.search(ctx.text[seg.start : m.q.start]):
            m.role = "pcd"
    for role, key in (("offset", "offset"), ("pcd", "pcd"), ("spacing", "spacing")):
        value = take(role)
        if value is not None:
            pattern[key] = value
    radius = take("radius")
    if radius is not None:
        pattern["pcd"] = 2 * radius
    if "pcd" in pattern and "kind" not in pattern:
        pattern["kind"] = "circle"
    return pattern


_ON_CIRCLE = re.compile(r"\b(?:on|around)\s+(?:an?\s+|the\s+)?$")


def _is_count(seg: Segment, match: re.Match[str]) -> bool:
    """A count has no unit and no role ('four M3 holes', '6 evenly spaced 5 mm holes')."""
    pos = seg.start + match.start()
    for m in seg.measures:
        if m.q.start <= pos < m.q.end:
            return m.q.is_integer and m.role in (None, "spacing")
    return not match.group(1).isdigit()


def resolve(
    feature: dict[str, Any],
    family: Family,
    p: Mapping[str, Any],
    ctx: Context | None,
    inner: float = 0.0,
) -> dict[str, Any]:
    """Fill every default the feature needs from the part it sits on; notes go to `ctx`.

    `inner` is the diameter of a centre hole added by an earlier feature, so a bolt
    circle chosen here stays clear of it.
    """
    outline = family.outline(p)
    outline = dataclasses.replace(outline, inner=max(outline.inner, inner))
    small = min(outline.length, outline.width) if outline.kind != "none" else outline.length
    note = ctx.assumed.append if ctx is not None else (lambda _msg: None)
    kind = feature["type"]
    out = dict(feature)
    for key, value in family.feature_defaults(kind, p).items():
        if out.get(key) is None:
            out[key] = value
            note(f"{kind} {key} {value:g} mm (sized for this part)")
    if kind == "fillet":
        if out.get("radius") is None:
            out["radius"] = round(max(0.5, min(3.0, small / 8)), 2)
            note(f"fillet radius {out['radius']:g} mm")
        return out
    if kind == "chamfer":
        if out.get("size") is None:
            out["size"] = round(max(0.3, min(1.0, outline.top / 4)), 2)
            note(f"chamfer {out['size']:g} mm")
        return out
    if kind == "text":
        if not out.get("text"):
            out["text"] = "TEXT"
            note("text 'TEXT' (no quoted text found)")
        if out.get("size") is None:
            fit = outline.length * 0.8 / max(1, len(out["text"])) * 1.5
            out["size"] = round(max(3.0, min(outline.width * 0.5, fit)), 1)
            note(f"text height {out['size']:g} mm")
        if out.get("depth") is None:
            out["depth"] = 0.6
        return out
    if kind == "shell":
        if out.get("thickness") is None:
            out["thickness"] = round(max(0.8, min(2.0, small / 10)), 2)
            note(f"wall thickness {out['thickness']:g} mm")
        return out
    if kind == "slot":
        out["width"] = out.get("width") or round(max(2.0, small / 8), 1)
        out["length"] = out.get("length") or round(out["width"] * 3, 1)
        size = max(out["width"], out["length"])
    elif kind == "nut_pocket":
        size = standards.thread(out["thread"]).nut[0]
    elif kind == "insert":
        size = standards.thread(out["thread"]).insert[0]
    else:
        if out.get("diameter") is None:
            out["diameter"] = round(max(2.0, min(5.0, small / 6)), 1)
            note(f"hole diameter {out['diameter']:g} mm")
        if out.pop("blind", False) and out.get("depth") is None:
            out["depth"] = round(outline.top * 0.6, 2)
            note(f"blind hole depth {out['depth']:g} mm")
        _resolve_hole_heads(out, outline.top)
        size = out["diameter"]
        if out.get("counterbore"):
            size = out["counterbore"]["diameter"]
        if out.get("countersink"):
            size = out["countersink"]["diameter"]
    pattern = dict(out.get("pattern") or {})
    for key, value in family.pattern_defaults(kind, p).items():
        pattern.setdefault(key, value)
    out["pattern"] = resolve_pattern(pattern, family, outline, size, note)
    return out


def _resolve_hole_heads(hole: dict[str, Any], thickness: float) -> None:
    """Standard head recesses, never deeper than 60% of the material they sink into."""
    d = hole["diameter"]
    t = standards.thread(hole["thread"]) if hole.get("thread") else None
    if hole.get("counterbore") is not None and not hole["counterbore"]:
        diameter, depth = t.counterbore if t else (round(d * 1.8, 2), round(d, 2))
        hole["counterbore"] = {"diameter": diameter, "depth": round(min(depth, thickness * 0.6), 3)}
    if hole.get("countersink") is not None and not hole["countersink"]:
        head = min(t.countersink if t else d * 2, d + 2 * thickness * 0.6)
        hole["countersink"] = {"diameter": round(head, 2), "angle": 90.0}


def resolve_pattern(
    pattern: dict[str, Any], family: Family, outline: Outline, size: float, note: Any
) -> dict[str, Any]:
    """Choose the layout and fill its numbers; `size` is the feature's footprint diameter."""
    plural = pattern.pop("plural", False)
    each = pattern.pop("each", False)
    n = pattern.get("count") or (4 if plural and "kind" not in pattern else None)
    kind = pattern.get("kind")
    round_part = outline.kind in ("circle", "hex")
    if kind is None:
        if n in (None, 1):
            kind = family.hole_default
        elif family.hole_default == "per_leg":
            kind = "per_leg"
        elif pattern.get("spacing"):
            kind = "row"
        elif round_part:
            kind = "circle"
        elif n == 2:
            kind = "ends"
        elif n == 4 and outline.kind == "rect":
            kind = "corners"
        else:
            kind = "row"
        if n not in (None, 1) or kind != "center":
            note(f"{kind.replace('_', ' ')} layout")
    if kind == "per_leg" and family.hole_default != "per_leg":
        kind = "ends"
    if kind == "corners" and round_part:
        kind = "circle"
        pattern.setdefault("pcd", outline.length - 2 * pattern.get("offset", _edge_offset(size, outline)))
    defaults = {"center": 1, "corners": 4 if outline.kind != "tri" else 3, "end": 1, "ends": 2, "per_leg": 2}
    n = n or defaults.get(kind, 4)
    if kind == "per_leg" and not each and n > 1:
        n = max(1, n // 2)
    out: dict[str, Any] = {"kind": kind, "count": int(n)}
    if kind in ("corners", "end", "ends"):
        out["offset"] = round(pattern.get("offset") or _edge_offset(size, outline, kind), 3)
    elif kind == "circle":
        out["pcd"] = round(pattern.get("pcd") or _default_pcd(outline, size), 3)
    elif kind == "row":
        span = outline.length - 2 * _edge_offset(size, outline)
        out["spacing"] = round(pattern.get("spacing") or (span / (n - 1) if n > 1 else 0.0), 3)
    elif kind == "grid":
        nx, ny = pattern.get("nx") or n, pattern.get("ny") or 1
        out.update(count=nx * ny, nx=nx, ny=ny)
        edge = 2 * _edge_offset(size, outline)
        out["spacing"] = round(
            pattern.get("spacing")
            or min((outline.length - edge) / max(nx - 1, 1), (outline.width - edge) / max(ny - 1, 1)),
            3,
        )
    return out


def _edge_offset(size: float, outline: Outline, kind: str = "corners") -> float:
    if kind in ("end", "ends"):
        return min(size / 2 + max(3.0, size / 2), outline.length / 4)
    small = min(outline.length, outline.width)
    return min(max(size * 1.25, size / 2 + 3.0), small / 4)


def _default_pcd(outline: Outline, size: float) -> float:
    outer = min(outline.length, outline.width) / 2
    inner = outline.inner / 2
    return max(inner + outer, size * 2)


def points(pattern: Mapping[str, Any], outline: Outline) -> list[tuple[float, float]]:
    """XY positions of a resolved pattern on the top face (part centred on the origin)."""
    kind, n = pattern["kind"], pattern["count"]
    if kind == "center":
        return [(0.0, 0.0)]
    if kind == "corners":
        o = pattern["offset"]
        if outline.kind == "tri":
            s = outline.length
            h = s * math.sqrt(3) / 2
            verts = [(-s / 2, -h / 3), (s / 2, -h / 3), (0.0, 2 * h / 3)]
            return [(x - 2 * o * x / math.hypot(x, y), y - 2 * o * y / math.hypot(x, y)) for x, y in verts][
                :n
            ]
        x, y = outline.length / 2 - o, outline.width / 2 - o
        corners = [(-x, -y), (x, y), (x, -y), (-x, y)]
        return corners[:n]
    if kind == "circle":
        r = pattern["pcd"] / 2
        start = pattern.get("angle", 0.0)
        return [
            (
                r * math.cos(math.radians(start) + 2 * math.pi * i / n),
                r * math.sin(math.radians(start) + 2 * math.pi * i / n),
            )
            for i in range(n)
        ]
    if kind in ("end", "ends"):
        x = outline.length / 2 - pattern["offset"]
        return [(-x, 0.0)] if kind == "end" else [(-x, 0.0), (x, 0.0)]
    if kind == "row":
        s = pattern["spacing"]
        return [((i - (n - 1) / 2) * s, 0.0) for i in range(n)]
    if kind == "grid":
        s, nx, ny = pattern["spacing"], pattern["nx"], pattern["ny"]
        return [((i - (nx - 1) / 2) * s, (j - (ny - 1) / 2) * s) for i in range(nx) for j in range(ny)]
    raise ValueError(f"pattern {kind!r} needs family-specific placement")


def unused_feature_measures(segments: list[Segment]) -> list[Measure]:
    return [m for seg in segments if seg.feature for m in seg.measures if not m.used]
