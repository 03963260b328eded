"""Every prompt of the shared public set builds the expected geometry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.generator.planner import interpret, realise, refine
from tests.generator.planner.geometry import check


def _cases(shared_dir: Path) -> list[dict]:
    return [
        json.loads(line)
        for line in (shared_dir / "prompts" / "public.jsonl").read_text().splitlines()
        if line
    ]


def test_public_prompts(shared_dir: Path) -> None:
    failures = []
    for case in _cases(shared_dir):
        try:
            plan = interpret(case["turns"][0])
            for message in case["turns"][1:]:
                plan = refine(plan.tree, message)
            result = realise(plan)
            check(result.shape, case["expect"])
            assert result.report.confidence > 0.5
        except (AssertionError, ValueError) as exc:
            failures.append(f"{case['id']}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("index", range(3))
def test_public_reports_are_complete(shared_dir: Path, index: int) -> None:
    case = _cases(shared_dir)[index]
    report = interpret(case["turns"][0]).report.to_json()
    assert set(report) >= {"family", "understood", "assumed", "unused", "confidence"}
    assert report["understood"]
