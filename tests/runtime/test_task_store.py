"""TaskStore against SQLite and the real PostgreSQL: ownership, paging, leases, fencing."""

from __future__ import annotations

import multiprocessing
import time
import uuid

import pytest

from printforge.runtime.db import engine_for, migrate
from printforge.runtime.tasks.model import FAILED, IN_PROGRESS, PENDING, SUCCEEDED
from printforge.runtime.tasks.store import TaskStore, task_migrations


@pytest.fixture
def store(database_url: str) -> TaskStore:
    engine = engine_for(database_url)
    migrate(engine, "svc", task_migrations("svc"))
    return TaskStore(engine, "svc")


def test_migrations_are_idempotent(database_url: str) -> None:
    engine = engine_for(database_url)
    assert migrate(engine, "svc", task_migrations("svc")) == [1]
    assert migrate(engine, "svc", task_migrations("svc")) == []


def test_ids_are_uuid7_and_sort_by_creation(store: TaskStore) -> None:
    ids = [store.create("alice", "k", {"n": i}).id for i in range(5)]
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert ids == sorted(ids)


def test_other_owners_task_looks_missing(store: TaskStore) -> None:
    task = store.create("alice", "k", {})
    assert store.get(task.id, owner="alice") is not None
    assert store.get(task.id, owner="bob") is None
    assert store.get(task.id, owner="alice", kind="other") is None
    assert store.delete(task.id, owner="bob") is None
    assert store.get(task.id) is not None


def test_get_filters_by_owner_and_kind_alone_and_together(store: TaskStore) -> None:
    """get's four prepared lookups (by id; and owner; and kind; and both) each find only their row."""
    mine = store.create("alice", "k", {"n": 1})
    other = store.create("bob", "j", {"n": 2})
    for task, owner, kind in ((mine, "alice", "k"), (other, "bob", "j")):
        for by_owner in (None, owner):
            for by_kind in (None, kind):
                found = store.get(task.id, owner=by_owner, kind=by_kind)
                assert found is not None and found.input == task.input
    assert store.get(mine.id, owner="bob") is None
    assert store.get(mine.id, kind="j") is None
    assert store.get(mine.id, owner="alice", kind="j") is None
    assert store.get(mine.id, owner="bob", kind="k") is None
    assert store.get("01a00000-0000-7000-8000-000000000000") is None


def test_list_pages_and_orders(store: TaskStore) -> None:
    ids = [store.create("alice", "k", {"n": i}).id for i in range(7)]
    store.create("bob", "k", {})
    newest_first = store.list("alice", "k", limit=3)
    assert [t.id for t in newest_first] == ids[::-1][:3]
    second = store.list("alice", "k", limit=3, offset=3, ascending=True)
    assert [t.id for t in second] == ids[3:6]


def test_preceding_tasks_counts_the_queue(store: TaskStore) -> None:
    tasks = [store.create("alice", "k", {}) for _ in range(3)]
    assert [store.get(t.id).preceding_tasks for t in tasks] == [0, 1, 2]


def test_claim_lease_and_fenced_completion(store: TaskStore) -> None:
    task = store.create("alice", "k", {})
    claimed = store.claim("w1", 30, ["k"])
    assert claimed is not None and claimed.id == task.id
    assert claimed.status == IN_PROGRESS and claimed.attempts == 1 and claimed.started_at_ms > 0
    assert store.claim("w2", 30, ["k"]) is None, "a leased task must not be claimed twice"
    assert not store.succeed(task.id, "w2", {"x": 1}), "only the lease owner may finish"
    assert store.set_progress(task.id, "w1", 40)
    assert store.succeed(task.id, "w1", {"x": 1})
    done = store.get(task.id)
    assert done.status == SUCCEEDED and done.progress == 100 and done.result == {"x": 1}
    assert done.expires_at_ms > done.finished_at_ms > 0
    assert not store.fail(task.id, "w1", "late"), "a finished task cannot finish again"


def test_expired_lease_is_reclaimed_and_old_owner_is_fenced_out(store: TaskStore) -> None:
    task = store.create("alice", "k", {})
    store.claim("dead-worker", 0.05, ["k"])
    time.sleep(0.1)
    again = store.claim("w2", 30, ["k"])
    assert again is not None and again.id == task.id and again.attempts == 2
    assert not store.succeed(task.id, "dead-worker", {})
    assert store.fail(task.id, "w2", "boom")
    assert store.get(task.id).status == FAILED and store.get(task.id).error == "boom"


def test_release_puts_the_task_back(store: TaskStore) -> None:
    task = store.create("alice", "k", {})
    store.claim("w1", 30, ["k"])
    assert store.release(task.id, "w1")
    assert store.get(task.id).status == PENDING
    assert store.claim("w2", 30, ["k"]).attempts == 2


def test_cached_result_creates_a_finished_task(store: TaskStore) -> None:
    task = store.create("alice", "k", {}, result={"cached": True})
    assert task.status == SUCCEEDED and task.result == {"cached": True}
    assert store.claim("w", 30, ["k"]) is None


def test_count_unfinished_counts_only_the_owners_pending_and_running_tasks(store: TaskStore) -> None:
    done, failed, running = (store.create("alice", "k", {}) for _ in range(3))
    for task, finish in ((done, store.succeed), (failed, store.fail)):
        assert store.claim("w", 30, ["k"]).id == task.id
        assert finish(task.id, "w", {"x": 1} if finish == store.succeed else "boom")
    assert store.claim("w", 30, ["k"]).id == running.id
    store.create("alice", "k", {})  # pending
    store.create("alice", "other", {})  # pending, another kind
    store.create("alice", "k", {}, result={"cached": True})  # born SUCCEEDED
    store.create("bob", "k", {})
    assert store.count_unfinished("alice") == 3
    assert store.count_unfinished("alice", ["k"]) == 2
    assert store.count_unfinished("bob") == 1
    assert store.count_unfinished("carol") == 0


def _claim_all(url: str, worker: str, out) -> None:  # type: ignore[no-untyped-def]
    store = TaskStore(engine_for(url), "svc")
    claimed = []
    while (task := store.claim(worker, 60, ["k"])) is not None:
        claimed.append(task.id)
    out.put(claimed)


def test_concurrent_claims_from_processes_never_overlap(store: TaskStore, database_url: str) -> None:
    ids = {store.create("alice", "k", {}).id for _ in range(60)}
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claim_all, args=(database_url, f"w{i}", out)) for i in range(3)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)), "a task was claimed by two workers"
    assert set(claimed) == ids
