"""Optional language-model planner behind the `TreeModel` interface.

When `PRINTFORGE_LLM_URL` points to an OpenAI-compatible server, prompts the rules
cannot place are sent as a chat completion asking for feature-tree JSON. The reply is
parsed as JSON and validated against the feature-tree schema: model output is only ever
data, never code that runs. When a tree is rejected (here, or later by `verified.py` when it
does not build, fit or print) the conversation is sent again with the error appended, so the
model can correct itself, at most `retries` times (`PRINTFORGE_LLM_RETRIES`, default 2).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import httpx

from printforge_services.generator.planner.schema import FEATURE_TREE_SCHEMA, SCHEMA_ID, TreeError, validate

ENV_URL = "PRINTFORGE_LLM_URL"
ENV_MODEL = "PRINTFORGE_LLM_MODEL"
ENV_KEY = "PRINTFORGE_LLM_API_KEY"
ENV_RETRIES = "PRINTFORGE_LLM_RETRIES"
DEFAULT_RETRIES = 2
MAX_RETRIES = 10
# A feature tree is a few kB; a longer answer is not one (and is not worth parsing).
MAX_ANSWER_CHARS = 64_000


class ModelError(RuntimeError):
    """The model endpoint failed or answered with something that is not a feature tree.

    `answer` is the model's raw text when there was one, so a retry can show it its mistake.
    """

    def __init__(self, message: str, answer: str | None = None) -> None:
        super().__init__(message)
        self.answer = answer


@dataclass(frozen=True)
class Rejected:
    """One earlier answer and why it was rejected: what a retry sends back to the model."""

    answer: str
    error: str


class OpenAITreeModel:
    """Chat-completions client: prompt in, validated feature-tree dict out."""

    def __init__(
        self,
        base_url: str,
        model: str = "default",
        api_key: str | None = None,
        timeout: float = 30.0,
        retries: int = DEFAULT_RETRIES,
    ):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.retries = max(0, min(MAX_RETRIES, retries))

    def plan(
        self, prompt: str, families: list[str], rejected: list[Rejected] | None = None
    ) -> dict[str, Any]:
        system = (
            "You design 3D-printable parts. Answer with ONE JSON object only: a feature tree matching this "
            f"JSON schema: {json.dumps(FEATURE_TREE_SCHEMA)}. 'schema' must be {SCHEMA_ID!r}; "
            "'family' one of "
            f"{families}; lengths in millimetres."
        )
        messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
        for earlier in rejected or ():
            messages.append({"role": "assistant", "content": earlier.answer})
            messages.append(
                {
                    "role": "user",
                    "content": f"That feature tree was rejected: {earlier.error}. "
                    "Answer with a corrected feature tree, JSON only.",
                }
            )
        body = {
            "model": self.model,
            "messages": messages,
            "response_format": {"type": "json_object"},
            "temperature": 0,
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            response = httpx.post(
                f"{self.base_url}/chat/completions", json=body, headers=headers, timeout=self.timeout
            )
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise ModelError(f"language model request failed: {exc}") from exc
        if not isinstance(content, str):
            raise ModelError(f"language model answer is not text but {type(content).__name__}", str(content))
        if len(content) > MAX_ANSWER_CHARS:
            raise ModelError(f"language model answer is too long ({len(content)} characters)", content[:2000])
        try:
            tree = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ModelError(f"language model answer is not JSON: {exc}", content) from exc
        try:
            validate(tree)
        except TreeError as exc:
            raise ModelError(f"language model answer is not a valid feature tree: {exc}", content) from exc
        return tree


def from_env() -> OpenAITreeModel | None:
    """The configured model, or None when `PRINTFORGE_LLM_URL` is unset (fully offline)."""
    url = os.environ.get(ENV_URL)
    if not url:
        return None
    try:
        retries = int(os.environ.get(ENV_RETRIES, DEFAULT_RETRIES))
    except ValueError:
        retries = DEFAULT_RETRIES
    model = os.environ.get(ENV_MODEL, "default")
    return OpenAITreeModel(url, model, os.environ.get(ENV_KEY), retries=retries)
