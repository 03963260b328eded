"""GenerationStore on SQLite and PostgreSQL: versions with parents, the per-owner cache, fencing."""

from __future__ import annotations

import pytest

from printforge.runtime.db import engine_for, migrate
from printforge_services.generator.store import (
    COMPLETED,
    FAILED,
    MIGRATIONS,
    PROCESSING,
    SERVICE,
    Content,
    GenerationStore,
)


@pytest.fixture
def store(database_url: str) -> GenerationStore:
    engine = engine_for(database_url)
    assert migrate(engine, SERVICE, MIGRATIONS) == [1, 2]
    assert migrate(engine, SERVICE, MIGRATIONS) == []
    return GenerationStore(engine)


def content(width: float, files: dict[str, str] | None = None) -> Content:
    return Content(
        template_id="phone_stand",
        manifest=[{"name": "width", "label": "Width", "type": "number", "default": 70.0}],
        values={"width": width},
        files=files or {"stl": "generator/x/v1/part.stl"},
        analysis={"status": "healthy"},
    )


def test_versions_record_parents_and_latest(store: GenerationStore) -> None:
    gen = store.create("alice", "starter", status=COMPLETED, content=content(70), cache_key="k1")
    assert (gen.version, gen.latest_version, gen.parent_version, gen.status) == (1, 1, None, COMPLETED)
    assert gen.values == {"width": 70} and gen.analysis == {"status": "healthy"}
    v2 = store.add_version(
        gen.id, 1, status=PROCESSING, content=content(80), request={"params": {"width": 80}}
    )
    assert (v2.version, v2.parent_version, v2.status, v2.request) == (
        2,
        1,
        PROCESSING,
        {"params": {"width": 80}},
    )
    assert store.complete(gen.id, 2, content(90, {"stl": "generator/x/v2/part.stl"}))
    assert not store.complete(gen.id, 2, content(91)), "a finished version cannot be finished again"
    v3 = store.add_version(gen.id, 2, status=PROCESSING, content=content(90))
    assert store.fail(gen.id, 3, "nope") and not store.fail(gen.id, 3, "again")

    latest = store.get(gen.id)
    assert latest is not None and (latest.version, latest.status, latest.error) == (3, FAILED, "nope")
    assert v3.parent_version == 2
    completed = store.latest_completed(gen.id)
    assert completed is not None and completed.version == 2 and completed.values == {"width": 90}
    assert [v.version for v in store.versions(gen.id)] == [1, 2, 3]
    assert store.get(gen.id, 7) is None and store.get("missing") is None
    assert store.owner_of(gen.id) == "alice" and store.owner_of("missing") is None


def test_cache_is_per_owner_and_survives_a_race(store: GenerationStore) -> None:
    first = store.create("alice", "starter", status=COMPLETED, content=content(70), cache_key="same")
    assert not first.cached
    raced = store.create("alice", "starter", status=COMPLETED, content=content(70), cache_key="same")
    assert raced.cached and raced.id == first.id
    found = store.find_cached("alice", "same")
    assert found is not None and found.id == first.id and found.cached
    assert store.find_cached("bob", "same") is None
    bob = store.create("bob", "starter", status=COMPLETED, content=content(70), cache_key="same")
    assert bob.id != first.id
    # Generations without a cache key (chat) never collide.
    a = store.create("alice", "chat", status=PROCESSING, content=content(1))
    b = store.create("alice", "chat", status=PROCESSING, content=content(1))
    assert a.id != b.id


def test_new_versions_number_after_the_latest_whatever_the_parent(store: GenerationStore) -> None:
    gen = store.create("alice", "chat", status=COMPLETED, content=content(70))
    store.add_version(gen.id, 1, status=PROCESSING, content=content(71))
    edit = store.add_version(gen.id, 1, status=COMPLETED, content=content(72))
    assert (edit.version, edit.parent_version, edit.latest_version) == (3, 1, 3)
    with pytest.raises(KeyError):
        store.add_version("missing", 1, status=PROCESSING, content=content(71))


def test_list_pages_by_owner_and_source(store: GenerationStore) -> None:
    ids = [
        store.create("alice", src, status=COMPLETED, content=content(1)).id
        for src in ("chat", "text", "image")
    ]
    store.create("bob", "chat", status=COMPLETED, content=content(1))
    store.add_version(ids[0], 1, status=PROCESSING, content=content(2))
    everything = store.list("alice", [], limit=10)
    assert [g.id for g in everything] == ids[::-1]
    assert everything[-1].version == 2 and everything[-1].status == PROCESSING
    assert [g.id for g in store.list("alice", ["text", "image"], limit=10)] == ids[:0:-1]
    assert [g.id for g in store.list("alice", [], limit=1, offset=1)] == [ids[1]]
