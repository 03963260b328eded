"""The `printability` summary every generation response carries (Meshra generation, chat result,
Makistry job), so a client knows whether the part prints without asking the analyze API.

It condenses the check the generator recorded on the version (`analysis_json`: the
printability service's report of the STL handed out, after a repair when one was needed). The
issues are named from the report's metrics with the severities of the printability metrics
contract: errors when not watertight, volume not positive or non-manifold edges; warnings for
degenerate faces and holes. The full report stays in the Meshra object's `analysis`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from printforge.generator.v1 import generator_pb2 as pb


class PrintabilityIssue(BaseModel):
    code: str = Field(
        description="not_watertight, non_positive_volume, non_manifold_edges, degenerate_faces or holes."
    )
    severity: str = Field(description="error or warning.")
    count: int | None = Field(description="How many (edges, faces, holes); null for a yes/no issue.")


class PrintabilitySummary(BaseModel):
    status: str = Field(description="healthy, warning, error or unknown (the analyze API's status).")
    issues: list[PrintabilityIssue]
    repaired: bool = Field(description="Whether the part was repaired before it was handed out.")
    evaluated_at: int | None = Field(description="When the check ran, ms since the epoch.")


def _issues(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if not metrics.get("is_watertight", True):
        found.append({"code": "not_watertight", "severity": "error", "count": None})
    if metrics.get("volume", 1.0) <= 0:
        found.append({"code": "non_positive_volume", "severity": "error", "count": None})
    for code, severity in (
        ("non_manifold_edges", "error"),
        ("degenerate_faces", "warning"),
        ("holes", "warning"),
    ):
        if metrics.get(code, 0) > 0:
            found.append({"code": code, "severity": severity, "count": int(metrics[code])})
    return found


def printability_summary(generation: pb.Generation) -> dict[str, Any] | None:
    """The summary of the version's recorded check; None while it renders or when it failed."""
    if not generation.analysis_json:
        return None
    analysis = json.loads(generation.analysis_json)
    report = analysis.get("printability") or {}
    return {
        "status": analysis.get("status") or report.get("status", "unknown"),
        "issues": _issues(report.get("metrics") or {}),
        "repaired": bool(analysis.get("repaired")),
        "evaluated_at": report.get("evaluated_at"),
    }
