"""Chat through the generator service consults the configured language model (services/generator/jobs.py).

A real generator gRPC server runs with `PRINTFORGE_LLM_URL` pointing at a fake OpenAI-compatible
server on 127.0.0.1 (tests/generator/fake_llm.py). The spawned CAD worker inherits that variable,
builds the client once and calls the fake over real HTTP only for prompts the rules do not place.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from printforge.generator.v1 import generator_pb2 as pb
from printforge.generator.v1 import generator_pb2_grpc as pb_grpc
from tests.generator.fake_llm import TREE, FakeOpenAI, fake_openai
from tests.generator.servers import running_generator, wait_done

pytestmark = pytest.mark.asyncio(loop_scope="module")

WHIMSICAL = "something whimsical for my desk"
SHORTER = {**TREE, "params": {"diameter": 20.0, "height": 10.0}, "features": []}


@pytest.fixture(scope="module")
def llm_url() -> Iterator[str]:
    """The fake model's URL, in this process's environment while the module's server runs."""
    with fake_openai() as url, pytest.MonkeyPatch.context() as env:
        env.setenv("PRINTFORGE_LLM_URL", url)
        env.setenv("PRINTFORGE_LLM_MODEL", "fake-tiny")
        env.delenv("PRINTFORGE_LLM_API_KEY", raising=False)
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stub(
    tmp_path_factory: pytest.TempPathFactory, llm_url: str
) -> AsyncIterator[pb_grpc.GeneratorServiceStub]:
    async with running_generator(tmp_path_factory.mktemp("generator-llm")) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_model_state(llm_url: str) -> None:
    FakeOpenAI.answer = TREE
    FakeOpenAI.answers = []
    FakeOpenAI.requests = []


async def chat(
    stub: pb_grpc.GeneratorServiceStub, who: str, prompt: str, generation_id: str = ""
) -> pb.Generation:
    created = await stub.CreateGeneration(
        pb.CreateGenerationRequest(owner=who, chat=pb.ChatSource(prompt=prompt, generation_id=generation_id))
    )
    return await wait_done(stub, who, created.generation)


def asked() -> list[str]:
    """The user message of every request the fake model received, in order."""
    return [r["body"]["messages"][-1]["content"] for r in FakeOpenAI.requests]


async def test_the_model_plans_and_refines_what_the_rules_cannot(stub: pb_grpc.GeneratorServiceStub) -> None:
    who = f"user-{uuid.uuid4().hex[:8]}"
    done = await chat(stub, who, WHIMSICAL)
    assert done.status == "completed", done.error_message
    values = json.loads(done.param_values_json)
    assert done.template_id == "cylinder" and values == {**TREE["params"], "chamfer1_size": 1.0}
    interpretation = json.loads(done.interpretation_json)
    assert interpretation["source"] == "llm", interpretation
    assert {"step", "stl", "glb", "3mf"} <= set(done.files)
    assert asked() == [WHIMSICAL]
    assert FakeOpenAI.requests[0]["path"] == "/v1/chat/completions"
    assert FakeOpenAI.requests[0]["body"]["model"] == "fake-tiny"

    # A follow-up the rules cannot apply to the tree is passed to the model as well.
    FakeOpenAI.answer = SHORTER
    refined = await chat(stub, who, WHIMSICAL, done.id)
    assert refined.status == "completed", refined.error_message
    assert (refined.version, json.loads(refined.param_values_json)) == (2, SHORTER["params"])
    assert asked() == [WHIMSICAL, WHIMSICAL]


async def test_the_model_is_not_asked_what_the_rules_understand(stub: pb_grpc.GeneratorServiceStub) -> None:
    done = await chat(stub, f"user-{uuid.uuid4().hex[:8]}", "a 20 mm cube")
    assert done.status == "completed", done.error_message
    assert json.loads(done.interpretation_json)["source"] == "rules"
    assert FakeOpenAI.requests == []


async def test_an_answer_that_is_not_json_fails_the_generation(stub: pb_grpc.GeneratorServiceStub) -> None:
    FakeOpenAI.answer = "Sure! Here is a lovely desk toy: a cylinder."
    failed = await chat(stub, f"user-{uuid.uuid4().hex[:8]}", WHIMSICAL)
    assert failed.status == "failed"
    assert failed.error_message.startswith(
        "the language model proposed no buildable part in 3 attempt(s); "
        "last reason: language model answer is not JSON"
    ), failed.error_message
    assert len(FakeOpenAI.requests) == 3, "a failed answer is sent back twice (PRINTFORGE_LLM_RETRIES=2)"
    assert asked()[0] == WHIMSICAL and all("rejected" in m for m in asked()[1:])


async def test_a_corrected_answer_completes_the_generation(stub: pb_grpc.GeneratorServiceStub) -> None:
    FakeOpenAI.answers = ["Sure! Here is a lovely desk toy: a cylinder.", TREE]
    done = await chat(stub, f"user-{uuid.uuid4().hex[:8]}", WHIMSICAL)
    assert done.status == "completed", done.error_message
    interpretation = json.loads(done.interpretation_json)
    assert interpretation["source"] == "llm" and "attempt 2" in interpretation["understood"][0]
    assert len(FakeOpenAI.requests) == 2
