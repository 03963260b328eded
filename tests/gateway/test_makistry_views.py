"""Generation → Makistry job object: statuses, formats, signed download URLs, errors."""

from __future__ import annotations

import json

import pytest

from printforge.generator.v1 import generator_pb2 as pb
from printforge_services.gateway.makistry_views import (
    DEFAULT_OUTPUT_FORMAT,
    BadOutputFormat,
    job_object,
    output_format_of,
    parse_output_format,
)

FILES = {"step": "gen/g1/v1/part.step", "stl": "gen/g1/v1/part.stl", "glb": "gen/g1/v1/part.glb"}


def sign(key: str) -> str:
    return f"https://dl.test/v1/files/signed:{key}"


def generation(status: str, output_format: str | None = "STL", **fields: object) -> pb.Generation:
    interpretation = {"family": "box"} | ({"output_format": output_format} if output_format else {})
    return pb.Generation(
        id="g1",
        owner="alice",
        source="text",
        status=status,
        files=FILES,
        interpretation_json=json.dumps(interpretation),
        created_at_ms=1_700_000_000_000,
        updated_at_ms=1_700_000_001_500,
        **fields,  # type: ignore[arg-type]
    )


def test_success_links_the_requested_format() -> None:
    job = job_object(generation("completed"), sign)
    assert job["job_id"] == "g1"
    assert job["type"] == "text-to-cad"
    assert job["status"] == "success"
    assert job["output_format"] == "STL"
    assert job["download_url"] == sign("gen/g1/v1/part.stl")
    assert job["download_urls"] == {fmt.upper(): sign(key) for fmt, key in FILES.items()}
    assert job["error_code"] is None and job["error_message"] is None
    assert job["created_at"] == "2023-11-14T22:13:20.000Z"
    assert job["updated_at"] == "2023-11-14T22:13:21.500Z"


def test_success_without_the_requested_file_has_no_download_url() -> None:
    job = job_object(generation("completed", "3MF"), sign)
    assert job["status"] == "success" and job["download_url"] is None


def test_processing_hides_files() -> None:
    job = job_object(generation("processing"), sign)
    assert job["status"] == "processing"
    assert job["download_url"] is None and job["download_urls"] == {}


def test_failure_carries_code_and_message() -> None:
    job = job_object(generation("failed", error_message="prompt names no known part"), sign)
    assert job["status"] == "failed"
    assert job["error_code"] == "generation_failed"
    assert job["error_message"] == "prompt names no known part"
    assert job["download_url"] is None
    assert job_object(generation("failed"), sign)["error_message"] == "generation failed"


def test_a_prompt_not_understood_has_its_own_code() -> None:
    message = "not_understood: I don't know how to make 'dragon'. The closest things I can make: Box"
    job = job_object(generation("failed", error_message=message), sign)
    assert job["error_code"] == "prompt_not_understood"
    assert job["error_message"] == message.removeprefix("not_understood: ")


def test_image_jobs_and_unknown_statuses() -> None:
    gen = generation("rendering")
    gen.source = "image"
    job = job_object(gen, sign)
    assert job["type"] == "image-to-cad" and job["status"] == "processing"


@pytest.mark.parametrize(
    ("recorded", "expected"), [(None, DEFAULT_OUTPUT_FORMAT), ("glb", "GLB"), ("OBJ", DEFAULT_OUTPUT_FORMAT)]
)
def test_output_format_falls_back_to_step(recorded: str | None, expected: str) -> None:
    assert output_format_of(generation("completed", recorded)) == expected


def test_output_format_survives_malformed_interpretation() -> None:
    gen = generation("completed")
    gen.interpretation_json = "[1, 2]"
    assert output_format_of(gen) == DEFAULT_OUTPUT_FORMAT
    gen.interpretation_json = "{not json"
    assert output_format_of(gen) == DEFAULT_OUTPUT_FORMAT


@pytest.mark.parametrize(
    ("given", "expected"), [(None, "STEP"), ("", "STEP"), ("stl", "STL"), (" 3mf ", "3MF")]
)
def test_parse_output_format(given: str | None, expected: str) -> None:
    assert parse_output_format(given) == expected


@pytest.mark.parametrize("given", ["obj", "STEPX", "step;glb"])
def test_parse_output_format_refuses_others(given: str) -> None:
    with pytest.raises(BadOutputFormat, match="STEP, STL, GLB, 3MF"):
        parse_output_format(given)
