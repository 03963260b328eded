"""Generations when a version's event cannot be queued: nothing half-recorded, nothing stuck.

Real parts: a spawned CAD worker renders the `knob` starter, the printability gRPC server on
loopback checks it, blobs go to a directory, the stores to SQLite (the all-or-nothing commit is
tested on both backends in test_store_announce.py). `on_finished` is the service's real
`announce_finished`, behind a switch that makes it raise after queueing, as a crash would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from printforge.runtime.blobs import DirectoryBlobStore
from printforge.runtime.config import Settings
from printforge.runtime.db import engine_for, migrate
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import ServerOptions, start_server
from printforge.runtime.tasks.store import TaskStore
from printforge.runtime.tasks.workers import WorkerPool
from printforge_services.generator.generations import EMPTY, GenerationError, Generations
from printforge_services.generator.server import WARM_MODULES, announce_finished
from printforge_services.generator.store import (
    COMPLETED,
    FAILED,
    MIGRATIONS,
    PROCESSING,
    SERVICE,
    Generation,
    GenerationStore,
)
from printforge_services.generator.webhooks.store import SERVICE as WEBHOOK_SERVICE
from printforge_services.generator.webhooks.store import WEBHOOK_MIGRATIONS, WebhookStore, outbox_table
from printforge_services.printability import server as printability_server

pytestmark = pytest.mark.asyncio(loop_scope="module")


class AnnounceCrash(RuntimeError):
    pass


@dataclass
class Announcer:
    """`announce_finished`, or that followed by a crash while `broken`."""

    broken: bool = False

    def __call__(self, conn: Connection, gen: Generation) -> None:
        announce_finished(conn, gen)
        if self.broken:
            raise AnnounceCrash("crashed after queueing the event")


@dataclass
class Env:
    generations: Generations
    announcer: Announcer
    engine: Engine
    blobs: Path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    data = tmp_path_factory.mktemp("generations")
    settings = Settings.from_env({"PRINTFORGE_DATA_DIR": str(data / "p")})
    checker = await start_server(
        printability_server.build_spec(settings),
        "127.0.0.1",
        0,
        ServerOptions.for_service(settings, "printability"),
    )
    engine = engine_for(f"sqlite:///{data / 'generator.db'}")
    migrate(engine, SERVICE, MIGRATIONS)
    migrate(engine, WEBHOOK_SERVICE, WEBHOOK_MIGRATIONS)
    pool = WorkerPool(1, memory_mb=4096, warm_modules=WARM_MODULES)
    announcer = Announcer()
    generations = Generations(
        GenerationStore(engine),
        TaskStore(engine, SERVICE),
        DirectoryBlobStore(data / "blobs"),
        pool,
        printability_channel=lambda: open_channel(
            f"127.0.0.1:{checker.port}",
            caller="generator",
            token_key=settings.service_token_keys["printability"],
        ),
        timeout_s=120,
        rpc_timeout_s=60,
        wake=lambda: None,
        on_finished=announcer,
    )
    await generations.start()
    try:
        yield Env(generations, announcer, engine, data / "blobs")
    finally:
        await generations.stop()
        pool.close()
        await checker.stop(0)


@pytest.fixture
def owner(env: Env) -> str:
    """A fresh owner with a webhook for every event, and a working announcer."""
    env.announcer.broken = False
    who = f"user-{uuid.uuid4().hex[:8]}"
    WebhookStore(env.engine).create(who, "https://hooks.example.com/pf", ["*"])
    return who


def announced(env: Env) -> list[tuple[str, int, str]]:
    """(generation_id, version, status) of every committed outbox row."""
    with env.engine.connect() as conn:
        payloads = conn.execute(sa.select(outbox_table.c.payload).order_by(outbox_table.c.id)).scalars()
        data = [json.loads(p)["data"] for p in payloads]
    return [(d["generation_id"], d["version"], d["status"]) for d in data]


def stored_generations(env: Env) -> list[str]:
    """Generation ids that have blobs (a render stores its files before recording the version)."""
    root = env.blobs / "generator"
    return [p.name for p in root.iterdir()] if root.is_dir() else []


async def test_a_starter_whose_event_cannot_be_queued_is_not_recorded(env: Env, owner: str) -> None:
    gens = env.generations
    blob_dirs = set(stored_generations(env))
    env.announcer.broken = True
    with pytest.raises(GenerationError) as failure:
        await gens.create_template(owner, "starter", "knob", {})
    assert (failure.value.status, failure.value.reason) == (500, "NOT_RECORDED")
    assert "AnnounceCrash" not in failure.value.message, "internals are logged, not returned"
    assert gens.store.list(owner, [], limit=10) == []
    assert set(stored_generations(env)) == blob_dirs, "its files were removed"
    before = announced(env)

    env.announcer.broken = False
    gen = await gens.create_template(owner, "starter", "knob", {})
    assert gen.status == COMPLETED and not gen.cached, "the failed attempt left no cache entry"
    assert announced(env) == [*before, (gen.id, 1, "completed")]
    hit = await gens.create_template(owner, "starter", "knob", {})
    assert hit.cached and announced(env) == [*before, (gen.id, 1, "completed")]


async def test_a_params_edit_whose_event_cannot_be_queued_fails_without_blocking(
    env: Env, owner: str
) -> None:
    gens = env.generations
    gen = await gens.create_template(owner, "starter", "knob", {"height": 21})
    env.announcer.broken = True
    with pytest.raises(GenerationError) as failure:
        await gens.update_params(owner, gen.id, {"height": 22})
    assert (failure.value.status, failure.value.reason) == (500, "NOT_RECORDED")
    v2 = await gens.get(owner, gen.id, 2)
    assert (v2.status, v2.error) == (FAILED, "the new version could not be recorded")

    env.announcer.broken = False
    v3 = await gens.update_params(owner, gen.id, {"height": 23})
    assert (v3.version, v3.status, v3.parent_version) == (3, COMPLETED, 1)
    ours = [e for e in announced(env) if e[0] == gen.id]
    assert ours == [(gen.id, 1, "completed"), (gen.id, 3, "completed")]


async def test_a_failure_that_cannot_be_announced_is_not_recorded(env: Env, owner: str) -> None:
    gens = env.generations
    gen = gens.store.create(owner, "chat", status=PROCESSING, content=EMPTY)
    env.announcer.broken = True
    with pytest.raises(AnnounceCrash):
        await gens.fail(gen.id, 1, "no part")
    assert (await gens.get(owner, gen.id, 1)).status == PROCESSING
    env.announcer.broken = False
    await gens.fail(gen.id, 1, "no part")
    assert (await gens.get(owner, gen.id, 1)).status == FAILED
    assert [e for e in announced(env) if e[0] == gen.id] == [(gen.id, 1, "failed")]
