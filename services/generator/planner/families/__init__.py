"""Family registry and detection: which part family a prompt asks for.

Detection scores keyword matches in the body clauses (clauses describing features
such as "captive nut pocket" are skipped so they cannot turn a plate into a nut); a
near-miss spelling ("cylindar") still matches and is reported as a guess.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from services.generator.planner.families import hardware, mechanical, novelty, prismatic, round
from services.generator.planner.families.base import Family, Outline, Site
from services.generator.planner.families.starters import starter_families
from services.generator.planner.phrases import Context, Segment

BUILTIN: tuple[Family, ...] = (
    *prismatic.FAMILIES,
    *round.FAMILIES,
    *hardware.FAMILIES,
    *mechanical.FAMILIES,
    *novelty.FAMILIES,
)


class UnknownFamilyError(LookupError):
    """No family of that name; the message lists the known ones."""


def all_families() -> dict[str, Family]:
    """Built-in families, then catalog starters whose names are not taken."""
    families = {f.name: f for f in BUILTIN}
    for starter in starter_families():
        families.setdefault(starter.name, starter)
    return families


def get_family(name: str) -> Family:
    families = all_families()
    if name not in families:
        raise UnknownFamilyError(f"unknown part family {name!r}; known: {', '.join(sorted(families))}")
    return families[name]


def catalogue() -> list[str]:
    """Human titles of everything the planner can make, for error messages."""
    return sorted({f.title for f in all_families().values()})


# 'a spacer for M3 screws', 'a nut to fit an M5 bolt': a part named after a purpose word
# is what the part is for, not the part itself, so it counts for less.
_PURPOSE = re.compile(
    r"\b(?:for|to (?:fit|hold|suit|mount|attach|take)|that (?:fits|holds)|fits?|fitting|suits)\b[^,;:.()]*"
)
PURPOSE_WEIGHT = 0.6


@dataclass(frozen=True)
class Detection:
    family: Family
    score: float
    words: tuple[str, ...]
    guessed_from: str | None = None


def detect(ctx: Context) -> Detection | None:
    """Best-scoring family for the prompt, or None when no family word is present."""
    families = list(all_families().values())
    return _score(families, ctx, ctx.body) or _score(families, ctx, ctx.segments) or _fuzzy(families, ctx)


def _score(families: list[Family], ctx: Context, segments: list[Segment]) -> Detection | None:
    """Highest keyword weight over `segments`, matched on the text they cover (so multi-word
    names such as 'box with lid' still match across the clause split at 'with')."""
    if not segments:
        return None
    chars = [" "] * len(ctx.text)
    for seg in segments:
        chars[seg.start : seg.end] = ctx.text[seg.start : seg.end]
    lo, hi = segments[0].start, segments[-1].end
    for gap_start, gap_end in zip([s.end for s in segments], [s.start for s in segments[1:]], strict=False):
        if all(not (s.feature and gap_start <= s.start < gap_end) for s in ctx.segments):
            chars[gap_start:gap_end] = ctx.text[gap_start:gap_end]
    text = "".join(chars)[lo:hi]
    purposes = [m.span() for m in _PURPOSE.finditer(text)]
    best: Detection | None = None
    best_spans: list[tuple[int, int]] = []
    for family in families:
        score = 0.0
        words: list[str] = []
        spans: list[tuple[int, int]] = []
        for pattern, weight in family.keywords:
            for match in re.finditer(pattern, text):
                purpose = any(s < match.start() < e for s, e in purposes)
                score = max(score, weight * (PURPOSE_WEIGHT if purpose else 1.0))
                words.append(match.group())
                spans.append((lo + match.start(), lo + match.end()))
        if score and (best is None or score > best.score):
            best = Detection(family, score, tuple(words))
            best_spans = spans
    if best is not None:
        ctx.used_spans.extend(best_spans)
    return best


def _fuzzy(families: list[Family], ctx: Context) -> Detection | None:
    """A misspelt family word: compare each prompt word against the keyword vocabulary."""
    vocab: dict[str, Family] = {}
    weights: dict[str, float] = {}
    for family in families:
        for pattern, weight in family.keywords:
            plain = re.sub(r"[a-z]\?|\(\?:[a-z]+\)\?", "", re.sub(r"\\[a-zA-Z]", " ", pattern))
            for word in re.findall(r"[a-z]{4,}", plain):
                if weight > weights.get(word, 0):
                    vocab[word], weights[word] = family, weight
    for match in re.finditer(r"[a-z]{4,}", ctx.text):
        close = difflib.get_close_matches(match.group(), list(vocab), n=1, cutoff=0.8)
        if close:
            ctx.mark(*match.span())
            return Detection(vocab[close[0]], 1.0, (match.group(),), guessed_from=close[0])
    return None


__all__ = [
    "Detection",
    "Family",
    "Outline",
    "Site",
    "UnknownFamilyError",
    "all_families",
    "catalogue",
    "detect",
]
