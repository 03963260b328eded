"""The webhook body of a finished generation speaks both dialects, failure codes included."""

from __future__ import annotations

from printforge.generator.v1 import generator_pb2 as pb
from printforge_services.generator.webhooks.events import generation_event_data


def test_a_prompt_not_understood_has_its_makistry_code() -> None:
    message = "not_understood: I don't know how to make 'x'"
    gen = pb.Generation(id="g1", status="failed", error_message=message)
    data = generation_event_data(gen)
    assert (data["job_status"], data["error_code"]) == ("failed", "prompt_not_understood")
    assert data["error_message"] == "I don't know how to make 'x'"


def test_other_failures_and_successes() -> None:
    failed = generation_event_data(pb.Generation(id="g2", status="failed", error_message="worker died"))
    assert (failed["error_code"], failed["error_message"]) == ("generation_failed", "worker died")
    done = generation_event_data(pb.Generation(id="g3", status="completed"))
    assert (done["job_status"], done["error_code"]) == ("success", None)
