"""Failure codes ride in front of a task's message and are split off again by the APIs."""

from __future__ import annotations

import pytest

from printforge.runtime.tasks import failure_codes


def test_tag_and_split_round_trip() -> None:
    tagged = failure_codes.tag(failure_codes.NOT_UNDERSTOOD, "no part named: try a box")
    assert failure_codes.split(tagged) == ("not_understood", "no part named: try a box")


def test_untagged_messages_are_left_alone() -> None:
    assert failure_codes.split("bore: must be smaller") == (None, "bore: must be smaller")
    assert failure_codes.makistry_error("") == ("generation_failed", "generation failed")


def test_unknown_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown failure code"):
        failure_codes.tag("whatever", "x")


def test_makistry_code_of_a_prompt_not_understood() -> None:
    assert failure_codes.makistry_error("not_understood: I don't know") == (
        "prompt_not_understood",
        "I don't know",
    )
