"""Scale-out on loopback: two gateways and two printability processes share ONE PostgreSQL database.

200 analyze tasks go in through both gateways alternately. The second printability process is
SIGKILLed in the middle while it holds a task (its worker frozen, so the task is certainly
IN_PROGRESS under its lease); every task must still end exactly once, SSE watchers on either
gateway (watching tasks the *other* gateway created) must see the terminal event, and the
per-key rate limit must hold across both gateways.

Topology: gateway-1 talks to printability-1; gateway-2 to printability-2 first and to
printability-1 when that is gone (a gRPC `ipv4:` target with two addresses, pick_first), as a
Kubernetes Service would move its connections to the surviving pod.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.integration.mesh import Mesh, children_of, free_port, fresh_rate_window, start_mesh
from tests.integration.sse_client import sse_events

pytestmark = pytest.mark.postgres

TASKS = 200
RATE_LIMIT = 150
"""Per key and minute. Each of the two task keys makes 100 creates and at most ~30 watches."""
RATE_BURST = RATE_LIMIT + 30
ROUTE = "/openapi/v1/print/analyze"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELED")


@dataclass
class ScaledMesh:
    mesh: Mesh
    gateways: list[httpx.Client]
    db: sa.Engine

    def tasks(self) -> list[sa.Row]:
        with self.db.connect() as conn:
            return list(conn.execute(sa.text("SELECT * FROM printability_tasks")))


def _wait_grpc_serving(addr: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    with grpc.insecure_channel(addr) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{addr} not SERVING after {timeout_s} s")
            time.sleep(0.2)


@pytest.fixture
def scaled(postgres_url: str, tmp_path: Path) -> Iterator[ScaledMesh]:
    env = {
        "PRINTFORGE_DATABASE_URL": postgres_url,
        "PRINTFORGE_TASK_LEASE_S": "2",
        "PRINTFORGE_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
        # 200 tasks are queued on purpose; the per-user pending cap has its own test.
        "PRINTFORGE_MAX_PENDING_TASKS": "0",
    }
    mesh = start_mesh(tmp_path, env)
    db = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
    gateways: list[httpx.Client] = []
    try:
        mesh.start("printability-2", "printability")
        # gateway-2 must find printability-2 up, or pick_first would settle on printability-1.
        _wait_grpc_serving(mesh.addr("printability-2"))
        second_port = free_port()
        second_url = f"http://127.0.0.1:{second_port}"
        failover = f"ipv4:{mesh.addr('printability-2')},{mesh.addr('printability')}"
        mesh.start(
            "gateway-2",
            "gateway",
            {"PRINTFORGE_HTTP_PORT": str(second_port), "PRINTFORGE_PRINTABILITY_ADDR": failover},
        )
        mesh.wait_healthy(url=second_url)
        gateways = [httpx.Client(base_url=url, timeout=60) for url in (mesh.url, second_url)]
        yield ScaledMesh(mesh, gateways, db)
    finally:
        for client in gateways:
            client.close()
        mesh.stop()
        db.dispose()


def _rpc_count(mesh: Mesh, name: str, method: str) -> float:
    """grpc_server_started_total of one method, from a service process's Prometheus endpoint."""
    with urllib.request.urlopen(f"http://127.0.0.1:{mesh.metrics_ports[name]}/metrics", timeout=5) as reply:
        text = reply.read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("grpc_server_started_total{") and f'grpc_method="{method}"' in line
    )


def _wait_for(what: str, check: Callable[[], object], timeout_s: float = 60) -> object:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} after {timeout_s} s")
        time.sleep(0.05)


def _held_by(scaled: ScaledMesh, pid: int) -> list[str]:
    """Ids of the tasks a service process (by pid) holds IN_PROGRESS under its lease."""
    with scaled.db.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT id FROM printability_tasks"
                    " WHERE status = 'IN_PROGRESS' AND lease_owner LIKE :owner"
                ),
                {"owner": f"%:{pid}:%"},
            ).scalars()
        )


def _listening(scaled: ScaledMesh) -> dict[str, int]:
    """LISTEN connections per channel (each service process holds one; see pg_listen)."""
    with scaled.db.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT application_name, count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name LIKE 'printforge-listen-%'"
                " GROUP BY application_name"
            )
        )
        return {name.removeprefix("printforge-listen-"): count for name, count in rows}


def _stably_held(scaled: ScaledMesh, pid: int) -> list[str]:
    """Tasks held across half a second: a result already on its way from the worker is written by then."""
    first = _held_by(scaled, pid)
    if not first:
        return []
    time.sleep(0.5)
    return [task_id for task_id in _held_by(scaled, pid) if task_id in first]


def _terminal_events(client: httpx.Client, task_id: str, headers: dict[str, str]) -> list[dict]:
    events = sse_events(client, f"{ROUTE}/{task_id}/stream", headers)
    assert all(kind == "message" for kind, _ in events), events
    return [data for _, data in events if data["status"] in TERMINAL]


def test_two_gateways_two_printability_one_database(scaled: ScaledMesh) -> None:
    mesh, gateways = scaled.mesh, scaled.gateways
    keys = [{"Authorization": f"Bearer {mesh.create_key(user)}"} for user in ("scale-a", "scale-b")]
    # Task i: through gateway i % 2, with key (i // 2) % 2, so each key uses both gateways.
    via = [(i % 2, (i // 2) % 2) for i in range(TASKS)]
    ids: list[str] = [""] * TASKS

    def create(i: int) -> None:
        gateway, key = via[i]
        body = {"model_url": data_url(binary_stl(*cube(5 + i * 0.05)))}
        reply = gateways[gateway].post(ROUTE, json=body, headers=keys[key])
        assert reply.status_code == 200, reply.text
        ids[i] = reply.json()["result"]

    def submit(pool: ThreadPoolExecutor, indices: range) -> None:
        for future in [pool.submit(create, i) for i in indices]:
            future.result()

    def watch(pool: ThreadPoolExecutor, i: int, gateway: int) -> Future[list[dict]]:
        return pool.submit(_terminal_events, gateways[gateway], ids[i], keys[via[i][1]])

    second = mesh.processes["printability-2"]
    with ThreadPoolExecutor(8) as submitter, ThreadPoolExecutor(40) as watchers:
        submit(submitter, range(0, 100))
        # Watch tasks gateway-2 created through gateway-1 (served by printability-1, which survives).
        watches = [watch(watchers, i, 0) for i in range(1, 100, 10)]

        # Freeze printability-2's workers: the task its runner holds (or claims next) stays IN_PROGRESS.
        frozen = children_of(second.pid)
        assert frozen, "printability-2 should have spawned worker processes"
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        submit(submitter, range(100, 150))
        orphans = _wait_for("printability-2 holding a task", lambda: _stably_held(scaled, second.pid))
        assert len(orphans) == 1, orphans  # one worker, so one task at a time
        (orphan,) = orphans
        orphan_index = ids.index(orphan)
        watches.append(watch(watchers, orphan_index, 0))
        assert _rpc_count(mesh, "printability-2", "CreateAnalyzeTask") > 0, (
            "gateway-2 never used printability-2"
        )
        # Both printability processes (and the generator) hear other replicas through LISTEN.
        expected = {"printability_tasks": 2, "generator_tasks": 1}
        _wait_for(f"LISTEN connections {expected}", lambda: _listening(scaled) == expected, 10)

        mesh.kill("printability-2")  # SIGKILL, in the middle of the run
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

        submit(submitter, range(150, TASKS))
        # Tasks gateway-1 created, watched through gateway-2 (now on printability-1), and the reverse.
        watches += [watch(watchers, i, 1) for i in range(0, TASKS, 20)]
        watches += [watch(watchers, i, 0) for i in range(151, TASKS, 10)]
        finals = [future.result(timeout=90) for future in watches]

    assert len(finals) == 10 + 1 + 10 + 5
    for events in finals:
        assert len(events) == 1 and events[0]["status"] == "SUCCEEDED", events
        assert events[0]["printability"]["status"] == "healthy"

    _wait_for(
        "every task terminal",
        lambda: all(row.status in TERMINAL for row in scaled.tasks()) and len(scaled.tasks()) == TASKS,
    )
    rows = {row.id: row for row in scaled.tasks()}
    assert sorted(rows) == sorted(ids) and len(set(ids)) == TASKS
    for task_id, row in rows.items():
        assert row.status == "SUCCEEDED", (row.status, row.error)
        assert '"printability"' in row.result and row.error is None
        assert row.progress == 100 and row.finished_at_ms >= row.started_at_ms > 0
        assert row.lease_owner is None
        # Only the task printability-2 died holding was run twice; every other ran once.
        assert row.attempts == (2 if task_id == orphan else 1), (task_id, row.attempts)
    assert _rpc_count(mesh, "printability", "CreateAnalyzeTask") > 0

    _check_rate_limit_across_gateways(mesh, gateways)


def _check_rate_limit_across_gateways(mesh: Mesh, gateways: list[httpx.Client]) -> None:
    """With a limit of N per key and minute, exactly N requests pass across both gateways."""
    headers = {"Authorization": f"Bearer {mesh.create_key('scale-limit')}"}
    window = fresh_rate_window()

    def get(i: int) -> tuple[int, httpx.Response]:
        return i % 2, gateways[i % 2].get(ROUTE, params={"page_size": 1}, headers=headers)

    with ThreadPoolExecutor(16) as pool:
        replies = list(pool.map(get, range(RATE_BURST)))
    after = [(g, gateways[g].get(ROUTE, params={"page_size": 1}, headers=headers)) for g in (0, 1)]
    assert int(time.time() // 60) == window, "the burst straddled two rate-limit windows"

    statuses = [reply.status_code for _, reply in replies]
    assert statuses.count(200) == RATE_LIMIT and statuses.count(429) == RATE_BURST - RATE_LIMIT
    for gateway in (0, 1):
        assert any(g == gateway and r.status_code == 200 for g, r in replies), f"gateway {gateway + 1}"
    for _, reply in [*replies, *after]:
        if reply.status_code == 429:
            assert 1 <= int(reply.headers["Retry-After"]) <= 60
            assert reply.json()["error"]["code"] == "rate_limited"
    assert [reply.status_code for _, reply in after] == [429, 429]
