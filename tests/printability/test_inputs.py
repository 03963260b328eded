"""input_task_id resolution: printability tasks from the task table, generations asked of a real
GeneratorService over loopback gRPC (its servicer on a real SQLite store, no CAD workers needed
to answer GetPartMesh), with real blob directories. Covers the status codes of the seeds, the
`<id>@v<N>` version form and that another user's id answers exactly like an unknown one.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import pytest_asyncio
import trimesh

from printforge.generator.v1 import generator_pb2_grpc as gpb_grpc
from printforge.runtime.blobs import DirectoryBlobStore
from printforge.runtime.db import engine_for, migrate
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.tasks.store import TaskStore, task_migrations
from printforge.runtime.tasks.watch import TaskNotifier
from printforge_services.generator.generations import Generations, blob_key
from printforge_services.generator.server import GeneratorServicer
from printforge_services.generator.store import COMPLETED, MIGRATIONS, PROCESSING, Content, GenerationStore
from printforge_services.generator.webhooks import WebhookComponents
from printforge_services.printability.generated_parts import GeneratedParts
from printforge_services.printability.inputs import (
    InputError,
    ResolvedInput,
    parse_input_task_id,
    resolve_input,
)
from printforge_services.printability.store import ANALYZE, REPAIR, SERVICE
from tests.fixtures_meshes import binary_stl, cube
from tests.integration.mesh import free_port

ALICE, BOB = "usr_alice", "usr_bob"
REPORT = {"_version": "v1", "status": "healthy", "issue_count": 0, "evaluated_at": 1}


@dataclass
class World:
    tasks: TaskStore
    generations: GenerationStore
    blobs: DirectoryBlobStore
    parts: GeneratedParts

    def add_generation(
        self, owner: str, *, status: str = COMPLETED, formats: tuple[str, ...] = ("stl", "glb")
    ):
        gen_id = self.generations.new_id()
        files = self._files(gen_id, 1, formats, 10)
        analysis = {"status": "healthy", "printability": REPORT, "repaired": False}
        content = Content(template_id="cube", manifest=[], values={}, files=files, analysis=analysis)
        return self.generations.create(owner, "starter", status=status, content=content, generation_id=gen_id)

    def add_version(self, gen_id: str, size_mm: float) -> int:
        pending = self.generations.add_version(gen_id, 1, status=PROCESSING, content=_EMPTY)
        files = self._files(gen_id, pending.version, ("stl", "glb"), size_mm)
        content = Content(template_id="cube", manifest=[], values={}, files=files)
        self.generations.complete(gen_id, pending.version, content)
        return pending.version

    def _files(self, gen_id: str, version: int, formats: tuple[str, ...], size_mm: float) -> dict[str, str]:
        box = trimesh.creation.box(extents=(size_mm / 1000,) * 3)  # glTF is metres
        data = {"stl": binary_stl(*cube(size_mm)), "glb": trimesh.Scene(box).export(file_type="glb")}
        keys = {fmt: blob_key(gen_id, version, fmt) for fmt in formats}
        for fmt, key in keys.items():
            self.blobs.put(key, data[fmt])
        return keys

    async def resolve(self, kind: str, owner: str, input_task_id: str, **kwargs) -> ResolvedInput:
        return await resolve_input(
            kind=kind,
            owner=owner,
            model_url="",
            input_task_id=input_task_id,
            store=self.tasks,
            blobs=self.blobs,
            parts=self.parts,
            max_bytes=1 << 20,
            **kwargs,
        )

    async def refusal(self, kind: str, owner: str, input_task_id: str, **kwargs) -> InputError:
        with pytest.raises(InputError) as info:
            await self.resolve(kind, owner, input_task_id, **kwargs)
        return info.value


_EMPTY = Content(template_id="", manifest=[], values={}, files={})


def _channel_to(target: str) -> Callable[[], grpc.aio.Channel]:
    """Opens a signed channel as printability would (these test servers check no token)."""
    return lambda: open_channel(target, caller="printability", token_key=b"test-token-key")


@pytest_asyncio.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    """A generator servicer on loopback over its own SQLite file, and printability's task table."""
    gen_engine = engine_for(f"sqlite:///{tmp_path / 'generator.db'}")
    migrate(gen_engine, "generator", MIGRATIONS)
    generations = GenerationStore(gen_engine)
    gen_tasks = TaskStore(gen_engine, "generator")
    blobs = DirectoryBlobStore(tmp_path / "blobs")
    workflow = Generations(
        generations,
        gen_tasks,
        blobs,
        None,  # type: ignore[arg-type]  # GetPartMesh renders nothing: no worker pool
        printability_channel=_channel_to("127.0.0.1:1"),  # never opened: GetPartMesh checks nothing
        timeout_s=5,
        rpc_timeout_s=5,
        wake=lambda: None,
    )
    servicer = GeneratorServicer(workflow, gen_tasks, TaskNotifier(), WebhookComponents(gen_engine))
    server = grpc.aio.server()
    gpb_grpc.add_GeneratorServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    engine = engine_for(f"sqlite:///{tmp_path / 'printability.db'}")
    migrate(engine, SERVICE, task_migrations(SERVICE))
    parts = GeneratedParts(_channel_to(f"127.0.0.1:{port}"), timeout_s=10)
    await parts.start()
    try:
        yield World(TaskStore(engine, SERVICE), generations, blobs, parts)
    finally:
        await parts.stop()
        await server.stop(0)


async def test_analyze_of_a_generation_reads_its_stl_in_mm_and_reuses_its_check(world: World) -> None:
    gen = world.add_generation(ALICE)
    resolved = await world.resolve(ANALYZE, ALICE, gen.id, unit="in")
    assert (resolved.blob_key, resolved.filename) == (gen.files["stl"], "part.stl")
    assert resolved.unit == "mm", "a generated part is millimetres whatever unit the request says"
    assert resolved.cached_result == {"printability": REPORT}
    assert resolved.description == {"input_task_id": gen.id, "version": 1}
    with_printer = await world.resolve(ANALYZE, ALICE, gen.id, printer="x1c")
    assert with_printer.cached_result is None, "the generator's check has no build-volume fit"


async def test_print_prep_settings_analyze_a_generation_afresh(world: World) -> None:
    gen = world.add_generation(ALICE)
    for prep in ({"material": "PLA"}, {"auto_orient": True}):
        resolved = await world.resolve(ANALYZE, ALICE, gen.id, **prep)
        assert resolved.cached_result is None, f"the generator's check has no print_prep ({prep})"


async def test_repair_of_a_generation_reads_its_glb(world: World) -> None:
    gen = world.add_generation(ALICE)
    resolved = await world.resolve(REPAIR, ALICE, gen.id)
    assert (resolved.blob_key, resolved.filename, resolved.cached_result) == (
        gen.files["glb"],
        "part.glb",
        None,
    )
    no_glb = world.add_generation(ALICE, formats=("stl",))
    refused = await world.refusal(REPAIR, ALICE, no_glb.id)
    assert (refused.status, str(refused)) == (
        400,
        "Missing GLB: the referenced task has no GLB asset to repair",
    )


async def test_a_version_is_named_id_at_v_n(world: World) -> None:
    gen = world.add_generation(ALICE)
    assert world.add_version(gen.id, 30) == 2
    latest = await world.resolve(ANALYZE, ALICE, gen.id)
    first = await world.resolve(ANALYZE, ALICE, f"{gen.id}@v1")
    assert latest.blob_key == blob_key(gen.id, 2, "stl") and latest.description["version"] == 2
    assert first.blob_key == blob_key(gen.id, 1, "stl") and first.cached_result == {"printability": REPORT}
    missing = await world.refusal(ANALYZE, ALICE, f"{gen.id}@v3")
    assert (missing.status, str(missing)) == (404, f"Task not found: generation {gen.id} has no version 3")


async def test_another_users_ids_answer_exactly_like_unknown_ids(world: World) -> None:
    gen = world.add_generation(ALICE)
    task = world.tasks.create(ALICE, ANALYZE, {"blob_key": gen.files["stl"], "filename": "part.stl"})
    unknown = str(uuid.uuid4())
    for kind in (ANALYZE, REPAIR):
        expected = await world.refusal(kind, BOB, unknown)
        assert (expected.status, str(expected)) == (404, "Task not found")
        for theirs in (gen.id, f"{gen.id}@v1", f"{gen.id}@v9", task.id):
            got = await world.refusal(kind, BOB, theirs)
            assert (got.status, str(got), got.reason) == (expected.status, str(expected), expected.reason)


async def test_unfinished_generations_and_lost_files_are_refused(world: World) -> None:
    processing = world.add_generation(ALICE, status=PROCESSING)
    refused = await world.refusal(ANALYZE, ALICE, processing.id)
    assert (refused.status, str(refused)) == (400, "Task not succeeded: the referenced task is IN_PROGRESS")
    gen = world.add_generation(ALICE)
    world.blobs.delete_prefix(f"generator/{gen.id}")
    lost = await world.refusal(ANALYZE, ALICE, gen.id)
    assert (lost.status, str(lost)) == (404, "The underlying model file is no longer available in storage")
    assert (await world.refusal(REPAIR, ALICE, gen.id)).status == 400


async def test_own_printability_tasks_resolve_without_asking_the_generator(
    world: World, tmp_path: Path
) -> None:
    world.blobs.put("analyze/inputs/x/cube.stl", binary_stl(*cube(10)))
    source = world.tasks.create(
        ALICE,
        ANALYZE,
        {"blob_key": "analyze/inputs/x/cube.stl", "filename": "cube.stl", "unit": "mm"},
        result={"printability": REPORT},
    )
    # The generator client points at a closed port: any call to it would be a 503.
    world.parts = GeneratedParts(_channel_to(f"127.0.0.1:{free_port()}"), timeout_s=2)
    await world.parts.start()
    try:
        resolved = await world.resolve(ANALYZE, ALICE, source.id)
        assert resolved.blob_key == "analyze/inputs/x/cube.stl" and resolved.unit is None
        assert resolved.cached_result == {"printability": REPORT}
        down = await world.refusal(ANALYZE, ALICE, str(uuid.uuid4()))
        assert down.status == 503 and "retry later" in str(down) and "127.0.0.1" not in str(down)
    finally:
        await world.parts.stop()


@pytest.mark.parametrize(
    "value", ["not-a-uuid", "", "@v1", f"{uuid.UUID(int=1)}@v0", f"{uuid.UUID(int=1)}@vx"]
)
def test_malformed_ids_are_invalid_uuids(value: str) -> None:
    with pytest.raises(InputError) as info:
        parse_input_task_id(value)
    assert info.value.status == 400 and str(info.value).startswith("Invalid UUID")


def test_parse_input_task_id() -> None:
    plain = str(uuid.UUID(int=7))
    assert parse_input_task_id(plain) == (plain, None)
    assert parse_input_task_id(f"{plain}@v12") == (plain, 12)
