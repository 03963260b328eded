"""The optional model client against a real HTTP server speaking the OpenAI chat API.

The server runs on 127.0.0.1 inside the test and answers with canned JSON; what is
tested is our client (request shape, JSON parsing, schema validation) and the
planner's use of it only when the rules understand nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from printforge_services.generator.planner import NotUnderstoodError, generate, interpret
from printforge_services.generator.planner.llm import ModelError, OpenAITreeModel, from_env
from tests.generator.fake_llm import TREE, FakeOpenAI, fake_openai


@pytest.fixture
def server() -> Iterator[str]:
    with fake_openai() as url:
        yield url


def test_model_plans_what_rules_cannot(server: str) -> None:
    model = OpenAITreeModel(server, "tiny", api_key="sk-test")
    result = generate("something whimsical for my desk", model)
    assert result.report.source == "llm"
    assert result.tree == TREE
    box = result.shape.BoundingBox()
    assert sorted((round(box.xlen, 3), round(box.ylen, 3), round(box.zlen, 3))) == [12, 12, 40]
    (request,) = FakeOpenAI.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test"
    assert request["body"]["response_format"] == {"type": "json_object"}
    assert "cylinder" in request["body"]["messages"][0]["content"]


def test_model_is_not_asked_when_rules_understand(server: str) -> None:
    plan = interpret("a 20 mm cube", OpenAITreeModel(server))
    assert plan.report.source == "rules" and FakeOpenAI.requests == []


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        ("not json at all", "not JSON"),
        (
            {"schema": "printforge.feature-tree/1", "family": "cylinder", "params": {}},
            "not a valid feature tree",
        ),
        ({**TREE, "features": [{"type": "python", "code": "import os"}]}, "not a valid feature tree"),
    ],
)
def test_invalid_model_output_is_rejected(server: str, answer: Any, match: str) -> None:
    FakeOpenAI.answer = answer
    with pytest.raises(ModelError, match=match):
        interpret("something whimsical", OpenAITreeModel(server))


def test_unreachable_endpoint_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="request failed"):
        OpenAITreeModel("http://127.0.0.1:9", timeout=2).plan("x", ["box"])


def test_env_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRINTFORGE_LLM_URL", raising=False)
    assert from_env() is None
    monkeypatch.setenv("PRINTFORGE_LLM_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("PRINTFORGE_LLM_MODEL", "m")
    model = from_env()
    assert model is not None and model.model == "m"


def test_without_model_nothing_understood_offers_families() -> None:
    with pytest.raises(NotUnderstoodError, match="whimsical") as info:
        interpret("something whimsical for my desk")
    answer = info.value.to_json()
    assert answer["status"] == "not_understood" and "whimsical" in answer["unknown_words"]
    assert answer["closest"] and all(o["title"] in str(info.value) for o in answer["closest"])
