"""GeneratorService over real gRPC: a printability server and a generator server on loopback ports.

One module-scoped pair of servers (spawned CAD workers are slow to start) serves every test;
each test uses its own owner so their generations never meet.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import grpc
import pytest
import pytest_asyncio
import trimesh

from printforge.generator.v1 import generator_pb2 as pb
from printforge.generator.v1 import generator_pb2_grpc as pb_grpc
from printforge.runtime.blobs import DirectoryBlobStore
from printforge.runtime.grpc_errors import reason_of
from printforge.runtime.url_policy import LoopbackTestPolicy
from tests.generator.servers import running_generator, wait_done

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Receiver:
    """A webhook receiver on loopback that records every JSON body POSTed to it."""

    port: int
    bodies: list[dict]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver(server.server_address[1], bodies)
    server.shutdown()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def grpc_env(
    tmp_path_factory: pytest.TempPathFactory, receiver: Receiver
) -> AsyncIterator[tuple[pb_grpc.GeneratorServiceStub, Path]]:
    data = tmp_path_factory.mktemp("generator")
    with pytest.MonkeyPatch.context() as env:
        # Rules only: a language model configured on this machine would answer the nonsense prompts.
        env.delenv("PRINTFORGE_LLM_URL", raising=False)
        async with running_generator(data, webhook_policy=LoopbackTestPolicy(receiver.port)) as stub:
            yield stub, data / "blobs"


@pytest.fixture
def stub(grpc_env: tuple[pb_grpc.GeneratorServiceStub, Path]) -> pb_grpc.GeneratorServiceStub:
    return grpc_env[0]


@pytest.fixture
def blobs(grpc_env: tuple[pb_grpc.GeneratorServiceStub, Path]) -> DirectoryBlobStore:
    return DirectoryBlobStore(grpc_env[1])


def owner() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


async def _error(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call  # type: ignore[misc]
    return err.value


async def test_catalog_lists_starters_and_gifts(stub: pb_grpc.GeneratorServiceStub) -> None:
    starters = (await stub.ListCatalog(pb.ListCatalogRequest(kind="starter"))).entries
    gifts = (await stub.ListCatalog(pb.ListCatalogRequest(kind="gift"))).entries
    assert "phone_stand" in [e.id for e in starters] and "coaster" in [e.id for e in gifts]
    manifest = json.loads(next(e for e in starters if e.id == "phone_stand").param_manifest_json)
    assert "width" in [p["name"] for p in manifest]
    bad = await _error(stub.ListCatalog(pb.ListCatalogRequest(kind="widget")))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_starter_renders_checks_caches_and_versions(
    stub: pb_grpc.GeneratorServiceStub, blobs: DirectoryBlobStore
) -> None:
    alice = owner()
    request = pb.CreateGenerationRequest(owner=alice, starter_id="phone_stand")
    first = await stub.CreateGeneration(request)
    gen = first.generation
    assert not first.cached and gen.status == "completed" and gen.version == 1
    assert set(gen.files) == {"step", "stl", "glb", "3mf", "png"}
    assert gen.files["stl"] == f"generator/{gen.id}/v1/part.stl"
    mesh = trimesh.load_mesh(trimesh.util.wrap_as_stream(blobs.get(gen.files["stl"])), file_type="stl")
    assert mesh.is_watertight and mesh.volume > 0
    analysis = json.loads(gen.analysis_json)
    assert analysis["status"] == "healthy" and analysis["printability"]["metrics"]["is_watertight"]

    # Same values spelled out explicitly hit the cache; another owner does not.
    defaults = {p["name"]: p["default"] for p in json.loads(gen.param_manifest_json)}
    again = await stub.CreateGeneration(
        pb.CreateGenerationRequest(owner=alice, starter_id="phone_stand", params_json=json.dumps(defaults))
    )
    assert again.cached and again.generation.id == gen.id
    other = await stub.CreateGeneration(pb.CreateGenerationRequest(owner=owner(), starter_id="phone_stand"))
    assert not other.cached and other.generation.id != gen.id
    denied = await _error(
        stub.GetGeneration(pb.GetGenerationRequest(owner=alice, generation_id=other.generation.id))
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED

    edited = await stub.UpdateGenerationParams(
        pb.UpdateGenerationParamsRequest(owner=alice, generation_id=gen.id, params_json='{"width": 90}')
    )
    assert edited.generation.version == 2 and json.loads(edited.generation.param_values_json)["width"] == 90
    assert edited.generation.files["stl"] == f"generator/{gen.id}/v2/part.stl"
    assert blobs.get(edited.generation.files["stl"]) != blobs.get(gen.files["stl"])

    bad = await _error(
        stub.UpdateGenerationParams(
            pb.UpdateGenerationParamsRequest(
                owner=alice, generation_id=gen.id, params_json='{"width": 5000, "angle": "steep", "nope": 1}'
            )
        )
    )
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert all(name in bad.details() for name in ("width", "angle", "nope"))

    versions = (
        await stub.ListGenerationVersions(pb.ListGenerationVersionsRequest(owner=alice, generation_id=gen.id))
    ).versions
    assert [v.version for v in versions] == [1, 2]
    v1 = (
        await stub.GetGeneration(pb.GetGenerationRequest(owner=alice, generation_id=gen.id, version=1))
    ).generation
    assert json.loads(v1.param_values_json)["width"] == 70
    latest = (await stub.GetGeneration(pb.GetGenerationRequest(owner=alice, generation_id=gen.id))).generation
    assert latest.version == 2


async def test_get_part_mesh_names_a_versions_file_and_hides_other_users(
    stub: pb_grpc.GeneratorServiceStub, blobs: DirectoryBlobStore
) -> None:
    alice, bob = owner(), owner()
    gen = (await stub.CreateGeneration(pb.CreateGenerationRequest(owner=alice, starter_id="knob"))).generation
    glb = await stub.GetPartMesh(pb.GetPartMeshRequest(owner=alice, generation_id=gen.id, format="glb"))
    assert (glb.version, glb.status, glb.blob_key, glb.filename) == (
        1,
        "completed",
        gen.files["glb"],
        "part.glb",
    )
    assert blobs.get(glb.blob_key)[:4] == b"glTF"
    stl = await stub.GetPartMesh(
        pb.GetPartMeshRequest(owner=alice, generation_id=gen.id, version=1, format="stl")
    )
    assert (stl.blob_key, stl.unit) == (gen.files["stl"], "mm")
    assert json.loads(stl.printability_json) == json.loads(gen.analysis_json)["printability"]

    unknown = await _error(
        stub.GetPartMesh(pb.GetPartMeshRequest(owner=bob, generation_id=str(uuid.uuid4()), format="stl"))
    )
    for version in (0, 1, 7):
        theirs = await _error(
            stub.GetPartMesh(
                pb.GetPartMeshRequest(owner=bob, generation_id=gen.id, version=version, format="stl")
            )
        )
        assert (theirs.code(), theirs.details()) == (unknown.code(), unknown.details())
        assert reason_of(theirs) == reason_of(unknown) == "GENERATION_NOT_FOUND"
    assert unknown.code() == grpc.StatusCode.NOT_FOUND
    no_version = await _error(
        stub.GetPartMesh(pb.GetPartMeshRequest(owner=alice, generation_id=gen.id, version=7, format="stl"))
    )
    assert no_version.code() == grpc.StatusCode.NOT_FOUND and "has no version 7" in no_version.details()
    bad = await _error(
        stub.GetPartMesh(pb.GetPartMeshRequest(owner=alice, generation_id=gen.id, format="step"))
    )
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_request_errors(stub: pb_grpc.GeneratorServiceStub) -> None:
    alice = owner()
    cases = {
        grpc.StatusCode.NOT_FOUND: [
            stub.CreateGeneration(pb.CreateGenerationRequest(owner=alice, starter_id="warp_drive")),
            stub.GetGeneration(pb.GetGenerationRequest(owner=alice, generation_id=str(uuid.uuid4()))),
        ],
        grpc.StatusCode.INVALID_ARGUMENT: [
            stub.CreateGeneration(pb.CreateGenerationRequest(starter_id="phone_stand")),
            stub.CreateGeneration(pb.CreateGenerationRequest(owner=alice)),
            stub.CreateGeneration(
                pb.CreateGenerationRequest(owner=alice, starter_id="phone_stand", params_json="[1]")
            ),
            stub.CreateGeneration(
                pb.CreateGenerationRequest(
                    owner=alice,
                    gift=pb.GiftSource(template_id="coaster", config_json='{"primaryText": "☃☃"}'),
                )
            ),
            stub.CreateGeneration(pb.CreateGenerationRequest(owner=alice, chat=pb.ChatSource(prompt="  "))),
            stub.ListGenerations(pb.ListGenerationsRequest(owner=alice, page_token="zz")),
        ],
    }
    for code, calls in cases.items():
        for call in calls:
            assert (await _error(call)).code() == code
    snowman = await _error(
        stub.CreateGeneration(
            pb.CreateGenerationRequest(
                owner=alice, gift=pb.GiftSource(template_id="coaster", config_json='{"primaryText": "☃"}')
            )
        )
    )
    assert "primaryText" in snowman.details()


async def _delivered(receiver: Receiver, expected: set[tuple[str, int, str]]) -> set[tuple[str, int, str]]:
    """(generation, version, status) of every webhook received, once `expected` arrived or after 10 s."""
    seen: set[tuple[str, int, str]] = set()
    for _ in range(100):
        seen = {
            (b["data"]["generation_id"], b["data"]["version"], b["data"]["status"]) for b in receiver.bodies
        }
        if expected <= seen:
            break
        await asyncio.sleep(0.1)
    return seen


async def test_starter_render_and_param_edit_are_announced_once(
    stub: pb_grpc.GeneratorServiceStub, receiver: Receiver
) -> None:
    alice = owner()
    await stub.CreateWebhook(
        pb.CreateWebhookRequest(owner=alice, url=receiver.url, events=["generation.completed"])
    )
    gen = (await stub.CreateGeneration(pb.CreateGenerationRequest(owner=alice, starter_id="knob"))).generation
    cached = await stub.CreateGeneration(pb.CreateGenerationRequest(owner=alice, starter_id="knob"))
    assert cached.cached
    await stub.UpdateGenerationParams(
        pb.UpdateGenerationParamsRequest(owner=alice, generation_id=gen.id, params_json="{}")
    )
    expected = {(gen.id, 1, "completed"), (gen.id, 2, "completed")}
    assert expected <= await _delivered(receiver, expected), receiver.bodies
    ours = [b for b in receiver.bodies if b["data"]["generation_id"] == gen.id]
    assert sorted(b["data"]["version"] for b in ours) == [1, 2], "a cache hit is not a new generation"
    # The Makistry job vocabulary rides along with the Meshra one.
    assert {(b["data"]["job_status"], b["data"]["error_code"]) for b in ours} == {("success", None)}


async def test_chat_generates_refines_and_fails_with_the_catalogue(
    stub: pb_grpc.GeneratorServiceStub, receiver: Receiver
) -> None:
    alice = owner()
    hook = await stub.CreateWebhook(
        pb.CreateWebhookRequest(
            owner=alice, url=receiver.url, events=["generation.completed", "generation.failed"]
        )
    )
    assert [w.id for w in (await stub.ListWebhooks(pb.ListWebhooksRequest(owner=alice))).webhooks] == [
        hook.webhook.id
    ]
    created = await stub.CreateGeneration(
        pb.CreateGenerationRequest(
            owner=alice, chat=pb.ChatSource(prompt="a 40x20x10 mm box with a 5 mm hole")
        )
    )
    gen = created.generation
    assert gen.status == "processing" and gen.source == "chat" and gen.task_id
    done = await wait_done(stub, alice, gen)
    assert done.status == "completed", done.error_message
    assert done.template_id == "box" and json.loads(done.interpretation_json)["family"] == "box"
    assert {"stl", "step", "glb", "3mf"} <= set(done.files)
    assert json.loads(done.analysis_json)["status"] == "healthy"

    follow = await stub.CreateGeneration(
        pb.CreateGenerationRequest(
            owner=alice, chat=pb.ChatSource(prompt="make it 30 mm tall", generation_id=gen.id)
        )
    )
    assert follow.generation.version == 2 and follow.generation.status == "processing"
    refined = await wait_done(stub, alice, follow.generation)
    assert refined.status == "completed", refined.error_message
    assert json.loads(refined.param_values_json) != json.loads(done.param_values_json)
    versions = (
        await stub.ListGenerationVersions(pb.ListGenerationVersionsRequest(owner=alice, generation_id=gen.id))
    ).versions
    assert [v.version for v in versions] == [1, 2]

    nonsense = await stub.CreateGeneration(
        pb.CreateGenerationRequest(owner=alice, chat=pb.ChatSource(prompt="sing me a lullaby"))
    )
    failed = await wait_done(stub, alice, nonsense.generation)
    assert failed.status == "failed" and "I can make" in failed.error_message
    assert failed.error_message.startswith("not_understood: ")

    listed = await stub.ListGenerations(pb.ListGenerationsRequest(owner=alice, sources=["chat"], page_size=1))
    assert len(listed.generations) == 1 and listed.next_page_token
    rest = await stub.ListGenerations(
        pb.ListGenerationsRequest(owner=alice, sources=["chat"], page_token=listed.next_page_token)
    )
    assert {g.id for g in [*listed.generations, *rest.generations]} == {gen.id, nonsense.generation.id}

    expected = {(gen.id, 1, "completed"), (gen.id, 2, "completed"), (nonsense.generation.id, 1, "failed")}
    assert expected <= await _delivered(receiver, expected), receiver.bodies
    (failure,) = [b["data"] for b in receiver.bodies if b["data"]["generation_id"] == nonsense.generation.id]
    assert (failure["job_status"], failure["error_code"]) == ("failed", "prompt_not_understood")
    assert "I can make" in failure["error_message"] and not failure["error_message"].startswith("not_")
    await stub.DeleteWebhook(pb.DeleteWebhookRequest(owner=alice, webhook_id=hook.webhook.id))
    assert not (await stub.ListWebhooks(pb.ListWebhooksRequest(owner=alice))).webhooks


def _disc_png() -> bytes:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(image).ellipse((40, 40, 160, 160), fill=0)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def test_image_to_cad_runs_as_a_job_and_its_params_edit(stub: pb_grpc.GeneratorServiceStub) -> None:
    alice = owner()
    created = await stub.CreateGeneration(
        pb.CreateGenerationRequest(
            owner=alice,
            image=pb.ImageSource(image=_disc_png(), kind="stencil", width_mm=50),
            output_format="stl",
        )
    )
    assert created.generation.source == "image" and created.generation.status == "processing"
    done = await wait_done(stub, alice, created.generation)
    assert done.status == "completed", done.error_message
    assert json.loads(done.param_values_json)["width"] == 50
    assert json.loads(done.interpretation_json)["output_format"] == "stl"
    edited = await stub.UpdateGenerationParams(
        pb.UpdateGenerationParamsRequest(owner=alice, generation_id=done.id, params_json='{"thickness": 2}')
    )
    assert (
        edited.generation.version == 2 and json.loads(edited.generation.param_values_json)["thickness"] == 2
    )
    unreadable = await stub.CreateGeneration(
        pb.CreateGenerationRequest(owner=alice, image=pb.ImageSource(image=b"not an image", kind="stencil"))
    )
    failed = await wait_done(stub, alice, unreadable.generation)
    assert failed.status == "failed" and failed.error_message
    bad_kind = await _error(
        stub.CreateGeneration(
            pb.CreateGenerationRequest(owner=alice, image=pb.ImageSource(image=b"x", kind="vase"))
        )
    )
    assert bad_kind.code() == grpc.StatusCode.INVALID_ARGUMENT
