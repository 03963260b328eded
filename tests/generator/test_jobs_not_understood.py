"""Worker jobs turn planner outcomes into task failures that survive pickling unchanged."""

from __future__ import annotations

import pickle

import pytest

from printforge_services.generator import jobs


def test_a_prompt_not_understood_is_tagged_once_across_pickling() -> None:
    with pytest.raises(jobs.NotUnderstood) as info:
        jobs.plan_part("a dragon", None)
    message = str(info.value)
    assert message.startswith("not_understood: I don't know how to make 'dragon'")
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == message and message.count("not_understood") == 1
