"""Issue 13 item 1: an unknown part noun gets an honest not_understood answer, never a part."""

from __future__ import annotations

import pytest

from printforge_services.generator.planner import NotUnderstoodError, interpret
from printforge_services.generator.planner.families import all_families, spelling_vocabulary
from printforge_services.generator.planner.spelling import close


@pytest.mark.parametrize("prompt", ["a dragon", "a unicorn", "my taxes", "a dragon 50 mm tall", "a boat"])
def test_unknown_nouns_are_not_understood(prompt: str) -> None:
    with pytest.raises(NotUnderstoodError) as info:
        interpret(prompt)
    answer = info.value.to_json()
    assert answer["status"] == "not_understood"
    assert prompt.split()[1] in answer["unknown_words"]
    assert 1 <= len(answer["closest"]) <= 3
    assert all(set(o) == {"family", "title"} for o in answer["closest"])


def test_dragon_is_not_read_as_a_nut_fragment() -> None:
    vocab = spelling_vocabulary(list(all_families().values()))
    assert "agon" not in vocab and "hexagon" in vocab
    assert not any(close("dragon", word) for word in vocab)


@pytest.mark.parametrize(
    ("word", "target", "ok"),
    [
        ("cylindar", "cylinder", True),  # one substitution, 8 letters
        ("flnage", "flange", True),  # one swap of neighbours
        ("gaer", "gear", True),
        ("planter", "plate", False),  # a real word, and two letters longer
        ("boat", "bolt", False),  # a real English word is never corrected
        ("cxlxndxr", "cylinder", False),  # three edits
        ("xylinder", "cylinder", False),  # the first letter must agree
    ],
)
def test_spelling_correction_is_narrow(word: str, target: str, ok: bool) -> None:
    assert close(word, target) is ok


def test_a_correction_is_reported() -> None:
    plan = interpret("a cylindar 20 mm diameter 30 mm tall")
    assert plan.tree["family"] == "cylinder"
    assert "spelling: read 'cylindar' as 'cylinder'" in plan.report.notes


def test_numbers_alone_still_make_a_part() -> None:
    assert interpret("40 x 20 x 10 mm").tree["family"] == "box"


def test_each_unknown_word_is_named_once() -> None:
    with pytest.raises(NotUnderstoodError) as info:
        interpret("a dragon for my dragon collection")
    assert info.value.words == ["dragon", "collection"]
