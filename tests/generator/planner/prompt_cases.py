"""Running prompt cases (`{"id", "turns", "expect"}` lines) through the planner.

The public prompt set and our own paraphrase fixture are checked the same way: the
first turn is interpreted, later turns are chat follow-ups, the part is built and
measured against `expect`, and the planner must be reasonably sure of itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from printforge_services.generator.planner import interpret, realise, refine
from tests.generator.planner.geometry import Measured, check

MIN_CONFIDENCE = 0.5


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Every non-empty JSON line of `path`."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_case(case: Mapping[str, Any]) -> Measured:
    """Plan, refine, build and check one case; AssertionError/ValueError say what is wrong."""
    plan = interpret(case["turns"][0])
    for message in case["turns"][1:]:
        plan = refine(plan.tree, message)
    result = realise(plan)
    measured = check(result.shape, case["expect"])
    assert result.report.confidence > MIN_CONFIDENCE, (
        f"confidence {result.report.confidence} (unused: {result.report.unused})"
    )
    return measured
