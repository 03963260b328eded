"""A loopback HTTP server speaking the OpenAI chat-completions API, answering canned JSON.

Shared by the planner's client tests (tests/generator/planner/test_llm.py) and the generator
service tests, whose spawned CAD workers reach it over real HTTP on 127.0.0.1. What it answers
is set on the handler class (`FakeOpenAI.answer`: a dict is sent as its JSON text, a str as is;
`FakeOpenAI.answers`, when not empty, is replayed first, one answer per request) and every
request is recorded in `FakeOpenAI.requests`; `fake_openai()` resets all three.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

TREE = {
    "schema": "printforge.feature-tree/1",
    "family": "cylinder",
    "params": {"diameter": 12.0, "height": 40.0},
    "features": [{"type": "chamfer", "size": 1.0, "edges": "top"}],
}


class FakeOpenAI(BaseHTTPRequestHandler):
    answer: ClassVar[Any] = TREE
    answers: ClassVar[list[Any]] = []
    requests: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        answer = FakeOpenAI.answers.pop(0) if FakeOpenAI.answers else FakeOpenAI.answer
        content = answer if isinstance(answer, str) else json.dumps(answer)
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def fake_openai() -> Iterator[str]:
    """Serve FakeOpenAI on an ephemeral loopback port; yields the base URL (ending in /v1)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FakeOpenAI.answer = TREE
    FakeOpenAI.answers = []
    FakeOpenAI.requests = []
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
