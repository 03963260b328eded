"""Every prompt of the shared public set builds the expected geometry."""

from __future__ import annotations

from pathlib import Path

import pytest

from printforge_services.generator.planner import interpret
from tests.generator.planner.prompt_cases import load_cases, run_case


def _cases(shared_dir: Path) -> list[dict]:
    return load_cases(shared_dir / "prompts" / "public.jsonl")


def test_public_prompts(shared_dir: Path) -> None:
    failures = []
    for case in _cases(shared_dir):
        try:
            run_case(case)
        except (AssertionError, ValueError) as exc:
            failures.append(f"{case['id']}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("index", range(3))
def test_public_reports_are_complete(shared_dir: Path, index: int) -> None:
    case = _cases(shared_dir)[index]
    report = interpret(case["turns"][0]).report.to_json()
    assert set(report) >= {"family", "understood", "assumed", "unused", "confidence"}
    assert report["understood"]
