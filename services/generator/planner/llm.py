"""Optional language-model planner behind the `TreeModel` interface.

When `PRINTFORGE_LLM_URL` points to an OpenAI-compatible server, prompts the rules
cannot place are sent as a chat completion asking for feature-tree JSON. The reply is
parsed as JSON and validated against the feature-tree schema by the caller: model
output is only ever data, never code that runs.
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx

from services.generator.planner.schema import FEATURE_TREE_SCHEMA, SCHEMA_ID, TreeError, validate

ENV_URL = "PRINTFORGE_LLM_URL"
ENV_MODEL = "PRINTFORGE_LLM_MODEL"
ENV_KEY = "PRINTFORGE_LLM_API_KEY"


class ModelError(RuntimeError):
    """The model endpoint failed or answered with something that is not a feature tree."""


class OpenAITreeModel:
    """Chat-completions client: prompt in, validated feature-tree dict out."""

    def __init__(
        self, base_url: str, model: str = "default", api_key: str | None = None, timeout: float = 30.0
    ):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def plan(self, prompt: str, families: list[str]) -> dict[str, Any]:
        system = (
            "You design 3D-printable parts. Answer with ONE JSON object only: a feature tree matching this "
            f"JSON schema: {json.dumps(FEATURE_TREE_SCHEMA)}. 'schema' must be {SCHEMA_ID!r}; "
            "'family' one of "
            f"{families}; lengths in millimetres."
        )
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
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
        try:
            tree = json.loads(content)
        except (TypeError, json.JSONDecodeError) as exc:
            raise ModelError(f"language model answer is not JSON: {exc}") from exc
        try:
            validate(tree)
        except TreeError as exc:
            raise ModelError(f"language model answer is not a valid feature tree: {exc}") from exc
        return tree


def from_env() -> OpenAITreeModel | None:
    """The configured model, or None when `PRINTFORGE_LLM_URL` is unset (fully offline)."""
    url = os.environ.get(ENV_URL)
    if not url:
        return None
    return OpenAITreeModel(url, os.environ.get(ENV_MODEL, "default"), os.environ.get(ENV_KEY))
