"""The Meshra generation object's extension fields for a prompt the planner did not understand."""

from __future__ import annotations

import json

from printforge.generator.v1 import generator_pb2 as pb
from printforge_services.gateway.routes.generations import _interpretation


def test_not_understood_is_a_status_in_the_interpretation() -> None:
    gen = pb.Generation(status="failed", error_message="not_understood: I don't know how to make 'dragon'")
    assert _interpretation(gen) == {
        "status": "not_understood",
        "message": "I don't know how to make 'dragon'",
    }


def test_other_failures_have_no_interpretation_and_reports_pass_through() -> None:
    assert _interpretation(pb.Generation(status="failed", error_message="worker died")) is None
    report = {"family": "box", "understood": []}
    assert _interpretation(pb.Generation(interpretation_json=json.dumps(report))) == report
