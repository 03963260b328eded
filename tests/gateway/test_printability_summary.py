"""The printability summary of a generation: status, named issues and severities, repaired flag."""

from __future__ import annotations

import json

from printforge.generator.v1 import generator_pb2 as pb
from printforge_services.gateway.makistry_views import job_object
from printforge_services.gateway.printability_summary import PrintabilitySummary, printability_summary

HEALTHY_METRICS = {
    "is_watertight": True,
    "volume": 1e-6,
    "non_manifold_edges": 0,
    "degenerate_faces": 0,
    "holes": 0,
}


def _generation(analysis: dict | None, state: str = "completed") -> pb.Generation:
    return pb.Generation(
        id="g1", source="text", status=state, analysis_json=json.dumps(analysis) if analysis else ""
    )


def _report(status: str, **metrics: object) -> dict:
    return {"_version": "v1", "status": status, "metrics": {**HEALTHY_METRICS, **metrics}, "evaluated_at": 42}


def test_a_healthy_part_has_no_issues() -> None:
    gen = _generation({"status": "healthy", "printability": _report("healthy"), "repaired": False})
    summary = printability_summary(gen)
    assert summary == {"status": "healthy", "issues": [], "repaired": False, "evaluated_at": 42}
    PrintabilitySummary.model_validate(summary)


def test_issues_are_named_with_their_severity_and_count() -> None:
    report = _report(
        "error", is_watertight=False, volume=0.0, non_manifold_edges=3, degenerate_faces=2, holes=1
    )
    summary = printability_summary(_generation({"status": "error", "printability": report, "repaired": True}))
    assert summary is not None and summary["status"] == "error" and summary["repaired"] is True
    assert summary["issues"] == [
        {"code": "not_watertight", "severity": "error", "count": None},
        {"code": "non_positive_volume", "severity": "error", "count": None},
        {"code": "non_manifold_edges", "severity": "error", "count": 3},
        {"code": "degenerate_faces", "severity": "warning", "count": 2},
        {"code": "holes", "severity": "warning", "count": 1},
    ]


def test_no_check_no_summary() -> None:
    assert printability_summary(_generation(None, "processing")) is None


def test_a_job_carries_the_summary_once_it_succeeded() -> None:
    analysis = {"status": "healthy", "printability": _report("healthy"), "repaired": False}
    done = job_object(_generation(analysis), lambda key: key)
    assert done["printability"] == {"status": "healthy", "issues": [], "repaired": False, "evaluated_at": 42}
    assert job_object(_generation(analysis, "processing"), lambda key: key)["printability"] is None
