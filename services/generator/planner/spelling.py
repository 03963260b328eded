"""Spelling correction for family words: small edit distances inside one vocabulary only.

A correction is a guess the user must see, and a wrong one builds the wrong part, so it is
kept narrow: a real English word ('dragon', 'boat', 'planter' — pyspellchecker's frequency
dictionary) is never corrected, since it names something else; the misspelt word and its
correction share the first letter, differ in length by at most one, and are at most one edit
apart for words of up to five letters, two for longer ones (Damerau-Levenshtein, a swap of
neighbours counting once, from rapidfuzz).
"""

from __future__ import annotations

from functools import cache

from rapidfuzz.distance import OSA
from spellchecker import SpellChecker

SHORT_WORD = 5


def max_edits(word: str) -> int:
    return 1 if len(word) <= SHORT_WORD else 2


@cache
def _english() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


def is_english(word: str) -> bool:
    return bool(_english().known([word]))


def close(word: str, target: str) -> bool:
    """Is `word` a plausible misspelling of `target` (and not `target` itself)?"""
    if word == target or word[:1] != target[:1] or abs(len(word) - len(target)) > 1:
        return False
    if OSA.distance(word, target, score_cutoff=max_edits(target)) > max_edits(target):
        return False
    return not is_english(word)
