"""The language-model path, verified: recorded answers (malformed, hostile, good) replayed by a fake
OpenAI server on 127.0.0.1; only a tree that validates, builds, prints and fits is accepted, errors
go back to the model, and the number of attempts is bounded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from printforge_services.generator.planner import generate
from printforge_services.generator.planner.llm import MAX_ANSWER_CHARS, ModelError, OpenAITreeModel, from_env
from printforge_services.generator.planner.phrases import analyse
from printforge_services.generator.planner.sizing import find
from printforge_services.generator.planner.verified import Unfit, verify
from tests.generator.fake_llm import TREE, FakeOpenAI, fake_openai

REPLAYS = json.loads((Path(__file__).parent / "llm_replays.json").read_text())["scenarios"]
PROMPT = "something whimsical for my desk"


@pytest.fixture
def server() -> Iterator[str]:
    with fake_openai() as url:
        yield url


def replay(name: str) -> dict:
    scenario = REPLAYS[name]
    FakeOpenAI.answers = [TREE if a == "GOOD" else a for a in scenario["answers"]]
    return scenario


def rejections(request: dict) -> list[str]:
    """The 'rejected' messages a request carried back to the model."""
    return [m["content"] for m in request["body"]["messages"] if m["role"] == "user"][1:]


@pytest.mark.parametrize("name", [n for n, s in REPLAYS.items() if s["accepted"]])
def test_bad_answers_are_sent_back_until_a_good_one(server: str, name: str) -> None:
    scenario = replay(name)
    result = generate(PROMPT, OpenAITreeModel(server))
    assert result.report.source == "llm" and result.tree == TREE
    assert len(FakeOpenAI.requests) == scenario["accepted"]
    assert f"attempt {scenario['accepted']}" in result.report.understood[0]
    last = FakeOpenAI.requests[-1]
    assert len(rejections(last)) == scenario["accepted"] - 1
    assert scenario["reason"] in " ".join(rejections(last))
    assert len(result.shape.Solids()) == 1


@pytest.mark.parametrize("name", [n for n, s in REPLAYS.items() if not s["accepted"]])
def test_a_model_that_never_gets_there_fails_after_the_retries(server: str, name: str) -> None:
    scenario = replay(name)
    with pytest.raises(ModelError, match="no buildable part in 3 attempt") as info:
        generate(PROMPT, OpenAITreeModel(server, retries=2))
    assert len(FakeOpenAI.requests) == 3
    assert scenario["reason"] in str(info.value) or scenario["reason"] in " ".join(
        rejections(FakeOpenAI.requests[-1])
    )


def test_endless_bad_answers_stop_at_the_configured_retries(server: str) -> None:
    FakeOpenAI.answer = "I refuse to answer in JSON."
    with pytest.raises(ModelError, match="in 1 attempt"):
        generate(PROMPT, OpenAITreeModel(server, retries=0))
    assert len(FakeOpenAI.requests) == 1
    with pytest.raises(ModelError, match="in 11 attempt"):
        generate(PROMPT, OpenAITreeModel(server, retries=1000))
    assert len(FakeOpenAI.requests) == 1 + 11


def test_an_oversized_answer_is_refused_unparsed(server: str) -> None:
    FakeOpenAI.answers = ["{" + " " * MAX_ANSWER_CHARS + "}", TREE]
    result = generate(PROMPT, OpenAITreeModel(server))
    assert "too long" in result.report.notes[1]


def test_retries_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRINTFORGE_LLM_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("PRINTFORGE_LLM_RETRIES", "5")
    assert from_env().retries == 5
    monkeypatch.setenv("PRINTFORGE_LLM_RETRIES", "lots")
    assert from_env().retries == 2


def test_a_tree_for_a_named_object_must_fit_it() -> None:
    hook = {
        "schema": "printforge.feature-tree/1",
        "family": "starter:wall_hook",
        "params": {"reach": 20.0},
        "features": [],
    }
    found = find(analyse("a hanger for my bike helmet"))
    with pytest.raises(Unfit, match="reach = 20 does not fit the bike helmet"):
        verify(hook, found)
    with pytest.raises(Unfit, match="must be one of"):
        verify({**TREE}, found)
    verify({**hook, "params": {"reach": 60.0, "width": 40.0, "tip_height": 25.0}}, found)
