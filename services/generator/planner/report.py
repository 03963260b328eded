"""The interpretation report every planner result carries.

Users (and the API) need to see what was understood, which numbers were assumed and
which words were ignored, so a wrong guess is visible and fixable through the
parameter manifest instead of silently producing the wrong part.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Report:
    family: str
    title: str
    understood: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    confidence: float = 1.0
    # Prompt words the part honours only approximately, each with how.
    approximated: list[str] = field(default_factory=list)
    source: str = "rules"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def confidence(
    *, assumed: int, unused_words: int, unused_numbers: int, fallback: bool, guessed: bool
) -> float:
    """1.0 for a fully explained prompt; every guess or ignored token lowers it."""
    score = 1.0 - 0.03 * min(assumed, 8) - 0.06 * min(unused_words, 6) - 0.12 * min(unused_numbers, 4)
    if guessed:
        score *= 0.7
    if fallback:
        score *= 0.5
    return round(max(0.05, min(1.0, score)), 2)
