"""Family registry and detection: which part family a prompt asks for.

Detection scores keyword matches in the body clauses (clauses describing features
such as "captive nut pocket" are skipped so they cannot turn a plate into a nut); a
near-miss spelling ("cylindar") still matches and is reported as a guess, but no
correction ever turns one real word into another (spelling.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from printforge_services.generator.planner import spelling
from printforge_services.generator.planner.families import (
    hardware,
    holders,
    mechanical,
    novelty,
    prismatic,
    round,
)
from printforge_services.generator.planner.families.base import Family, Outline, Site
from printforge_services.generator.planner.families.starters import starter_families
from printforge_services.generator.planner.phrases import Context, Segment

BUILTIN: tuple[Family, ...] = (
    *prismatic.FAMILIES,
    *round.FAMILIES,
    *hardware.FAMILIES,
    *mechanical.FAMILIES,
    *novelty.FAMILIES,
    *holders.FAMILIES,
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


# Offered when a prompt names nothing the planner makes and nothing resembles it.
POPULAR = (
    "box",
    "starter:box_with_lid",
    "starter:wall_hook",
    "starter:phone_stand",
    "starter:gridfinity_bin",
)
SIMILAR = 80.0


def closest_families(words: list[str], n: int = 3) -> list[dict[str, str]]:
    """Families whose names resemble `words` (rapidfuzz ratio), then popular ones: what to offer
    instead of a part when a prompt is not understood."""
    families = all_families()
    scored: list[tuple[float, str]] = []
    for name, family in families.items():
        names = [family.title.lower(), name.removeprefix("starter:").replace("_", " ")]
        names += [a.lower() for a in getattr(getattr(family, "template", None), "aliases", ())]
        best = max((fuzz.ratio(w, part) for w in words for nm in names for part in nm.split()), default=0)
        if best >= SIMILAR:
            scored.append((best, name))
    picked = [name for _, name in sorted(scored, key=lambda item: -item[0])]
    picked += [name for name in POPULAR if name in families]
    unique = list(dict.fromkeys(picked))[:n]
    return [{"family": name, "title": families[name].title} for name in unique]


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
    """A misspelt family word ('cylindar'): corrected only to a word of a family's own
    vocabulary, within a small edit distance (see spelling.py), and reported as a guess.

    The vocabulary holds whole words that a family keyword matches on their own, so a
    fragment of a regex ('agon' from 'hex(?:agon)') can never be a correction, and a word
    with two equally close corrections is left alone rather than guessed.
    """
    vocab = spelling_vocabulary(families)
    for match in re.finditer(r"[a-z]{4,}", ctx.text):
        word = match.group()
        if word in vocab:
            continue
        close = sorted((v for v in vocab if spelling.close(word, v)), key=lambda v: OSA.distance(word, v))
        if len({vocab[v][0].name for v in close}) == 1:
            ctx.mark(*match.span())
            return Detection(vocab[close[0]][0], 1.0, (word,), guessed_from=close[0])
    return None


def spelling_vocabulary(families: list[Family]) -> dict[str, tuple[Family, float]]:
    """Every word that names a family by itself, with the family it names most strongly."""
    vocab: dict[str, tuple[Family, float]] = {}
    for family in families:
        for pattern, weight in family.keywords:
            plain = re.sub(r"\\[a-zA-Z]", " ", pattern)
            for found in set(re.findall(r"[a-z]{4,}", plain)):
                for word in {found, found.removesuffix("s")}:
                    if len(word) < 4 or not re.search(pattern, word):
                        continue
                    if weight > vocab.get(word, (family, 0.0))[1]:
                        vocab[word] = (family, weight)
    return vocab


__all__ = [
    "Detection",
    "Family",
    "Outline",
    "Site",
    "UnknownFamilyError",
    "all_families",
    "catalogue",
    "closest_families",
    "detect",
]
