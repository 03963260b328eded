"""The gateway's health routes: the real gateway app in front of real gRPC servers on loopback.

Each backend is the services' own bootstrap (printforge.runtime.grpc_server.start_server: health
servicer, reflection, metrics interceptor) with no servicer of its own, which is all the three
health routes talk to. A test stops one backend, or puts it into graceful shutdown as SIGTERM
does, and reads what Kubernetes and Envoy would see: liveness (/livez) never depends on a backend,
readiness (/readyz) on auth alone, the full view (/healthz) on all three.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from printforge.runtime.config import SERVICES, Settings
from printforge.runtime.grpc_server import RunningServer, ServerOptions, ServiceSpec, start_server
from printforge_services.gateway.app import create_app

Backends = dict[str, RunningServer]


@pytest.fixture
async def backends(tmp_path: Path) -> AsyncIterator[Backends]:
    settings = Settings.from_env({"PRINTFORGE_DATA_DIR": str(tmp_path)})
    running = {
        name: await start_server(
            ServiceSpec(name, lambda _: []), "127.0.0.1", 0, ServerOptions.for_service(settings, name)
        )
        for name in SERVICES
    }
    yield running
    for server in running.values():
        await server.stop(grace_s=0)


@pytest.fixture
async def gateway(backends: Backends, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    env = {"PRINTFORGE_DATA_DIR": str(tmp_path), "PRINTFORGE_SIGNING_KEY": "test-key"}
    env |= {f"PRINTFORGE_{name.upper()}_ADDR": f"127.0.0.1:{s.port}" for name, s in backends.items()}
    app = create_app(Settings.from_env(env))
    async with app.router.lifespan_context(app):  # opens the gRPC channels, as uvicorn would
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client


async def _views(client: httpx.AsyncClient) -> dict[str, httpx.Response]:
    return {path: await client.get(path) for path in ("/livez", "/readyz", "/healthz")}


async def test_all_backends_serving_every_view_is_green(gateway: httpx.AsyncClient) -> None:
    views = await _views(gateway)
    assert {path: r.status_code for path, r in views.items()} == {
        "/livez": 200,
        "/readyz": 200,
        "/healthz": 200,
    }
    assert views["/readyz"].json() == {
        "status": "ok",
        "requires": ["auth"],
        "services": dict.fromkeys(SERVICES, "SERVING"),
    }
    assert views["/healthz"].json()["services"] == dict.fromkeys(SERVICES, "SERVING")


async def test_generator_down_fails_only_the_full_view(
    gateway: httpx.AsyncClient, backends: Backends
) -> None:
    await backends["generator"].stop(grace_s=0)
    views = await _views(gateway)
    assert views["/healthz"].status_code == 503
    assert views["/healthz"].json()["services"]["generator"].startswith("UNREACHABLE")
    assert views["/livez"].status_code == 200
    ready = views["/readyz"]
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["services"]["auth"] == body["services"]["printability"] == "SERVING"
    assert body["services"]["generator"] == "UNREACHABLE (UNAVAILABLE)"


async def test_auth_down_fails_readiness_not_liveness(gateway: httpx.AsyncClient, backends: Backends) -> None:
    await backends["auth"].stop(grace_s=0)
    views = await _views(gateway)
    assert views["/readyz"].status_code == 503
    assert views["/readyz"].json()["status"] == "unavailable"
    assert views["/readyz"].json()["services"]["auth"] == "UNREACHABLE (UNAVAILABLE)"
    assert views["/healthz"].status_code == 503
    assert views["/livez"].status_code == 200


async def test_auth_draining_fails_readiness(gateway: httpx.AsyncClient, backends: Backends) -> None:
    """On SIGTERM auth reports NOT_SERVING before it stops; gateways leave the endpoints then."""
    await backends["auth"].health.enter_graceful_shutdown()
    reply = await gateway.get("/readyz")
    assert reply.status_code == 503
    assert reply.json()["services"]["auth"] == "NOT_SERVING"


async def test_liveness_calls_no_backend(gateway: httpx.AsyncClient, backends: Backends) -> None:
    for server in backends.values():
        await server.stop(grace_s=0)
    views = await _views(gateway)
    assert views["/livez"].status_code == 200 and views["/livez"].json() == {"status": "ok"}
    assert views["/readyz"].status_code == views["/healthz"].status_code == 503
