"""The optional model client against a real HTTP server speaking the OpenAI chat API.

The server runs on 127.0.0.1 inside the test and answers with canned JSON; what is
tested is our client (request shape, JSON parsing, schema validation) and the
planner's use of it only when the rules understand nothing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from services.generator.planner import NotUnderstoodError, generate, interpret
from services.generator.planner.llm import ModelError, OpenAITreeModel, from_env

TREE = {
    "schema": "printforge.feature-tree/1",
    "family": "cylinder",
    "params": {"diameter": 12.0, "height": 40.0},
    "features": [{"type": "chamfer", "size": 1.0, "edges": "top"}],
}


class FakeOpenAI(BaseHTTPRequestHandler):
    answer: ClassVar[Any] = TREE
    requests: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        content = FakeOpenAI.answer if isinstance(FakeOpenAI.answer, str) else json.dumps(FakeOpenAI.answer)
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FakeOpenAI.answer = TREE
    FakeOpenAI.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


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


def test_without_model_nothing_understood_lists_families() -> None:
    with pytest.raises(NotUnderstoodError, match="Spur gear") as info:
        interpret("something whimsical for my desk")
    assert "Washer" in str(info.value)
