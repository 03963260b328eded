"""The Meshy analyze API end to end: key → analyze a data: URL → SSE → get → list → delete."""

from __future__ import annotations

import json

import grpc
import httpx
import pytest

from printforge.printability.v1 import printability_pb2, printability_pb2_grpc
from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.integration.mesh import Mesh
from tests.integration.sse_client import sse_events


def test_analyze_cube_end_to_end(mesh: Mesh, alice: dict[str, str]) -> None:
    client = httpx.Client(base_url=mesh.url, timeout=30)
    created = client.post(
        "/openapi/v1/print/analyze", json={"model_url": data_url(binary_stl(*cube(20)))}, headers=alice
    )
    assert created.status_code == 200, created.text
    task_id = created.json()["result"]

    events = sse_events(client, f"/openapi/v1/print/analyze/{task_id}/stream", alice)
    assert [e for e, _ in events] == ["message"] * len(events)
    *progress, final = [d for _, d in events]
    for snapshot in progress:
        assert set(snapshot) == {"id", "progress", "status"}
        assert snapshot["status"] in ("PENDING", "IN_PROGRESS")
    assert final["status"] == "SUCCEEDED" and final["progress"] == 100
    block = final["printability"]
    assert block["status"] == "healthy" and block["_version"] == "v1"
    assert block["metrics"]["is_watertight"] is True
    assert block["metrics"]["volume"] == pytest.approx(20e-3**3, rel=1e-6)

    task = client.get(f"/openapi/v1/print/analyze/{task_id}", headers=alice).json()
    assert task["type"] == "print-analyze" and task["consumed_credits"] == 0
    assert task["task_error"] is None and task["expires_at"] > task["finished_at"] >= task["started_at"] > 0
    assert task["printability"] == block

    listed = client.get("/openapi/v1/print/analyze", params={"page_size": 50}, headers=alice).json()
    assert task_id in [t["id"] for t in listed]

    assert client.delete(f"/openapi/v1/print/analyze/{task_id}", headers=alice).status_code == 200
    gone = client.get(f"/openapi/v1/print/analyze/{task_id}", headers=alice)
    assert gone.status_code == 404 and gone.json()["message"] == "Task not found"


def test_list_pages_and_sorts(mesh: Mesh) -> None:
    headers = {"Authorization": f"Bearer {mesh.create_key('pager')}"}
    client = httpx.Client(base_url=mesh.url, timeout=30)
    url = data_url(binary_stl(*cube(5)))
    ids = [
        client.post("/openapi/v1/print/analyze", json={"model_url": url}, headers=headers).json()["result"]
        for _ in range(3)
    ]
    page1 = client.get(
        "/openapi/v1/print/analyze?page_size=2&page_num=1&sort_by=%2Bcreated_at", headers=headers
    )
    page2 = client.get(
        "/openapi/v1/print/analyze?page_size=2&page_num=2&sort_by=%2Bcreated_at", headers=headers
    )
    assert [t["id"] for t in page1.json()] == ids[:2]
    assert [t["id"] for t in page2.json()] == ids[2:]
    newest = client.get("/openapi/v1/print/analyze?sort_by=-created_at", headers=headers).json()
    assert [t["id"] for t in newest] == ids[::-1]
    assert client.get("/openapi/v1/print/analyze?page_size=51", headers=headers).status_code == 400
    assert client.get("/openapi/v1/print/analyze?sort_by=name", headers=headers).status_code == 400


def test_other_users_task_is_not_found(mesh: Mesh, alice: dict[str, str]) -> None:
    client = httpx.Client(base_url=mesh.url, timeout=30)
    task_id = client.post(
        "/openapi/v1/print/analyze", json={"model_url": data_url(binary_stl(*cube(5)))}, headers=alice
    ).json()["result"]
    bob = {"Authorization": f"Bearer {mesh.create_key('bob')}"}
    assert client.get(f"/openapi/v1/print/analyze/{task_id}", headers=bob).status_code == 404
    assert client.delete(f"/openapi/v1/print/analyze/{task_id}", headers=bob).status_code == 404
    events = sse_events(client, f"/openapi/v1/print/analyze/{task_id}/stream", bob)
    assert events == [("error", {"status_code": 404, "message": "Task not found"})]
    # Named as bob's input, alice's task answers exactly as an unknown id does (the seed's 403
    # would tell bob which ids exist).
    theirs = client.post("/openapi/v1/print/analyze", json={"input_task_id": task_id}, headers=bob)
    unknown = client.post(
        "/openapi/v1/print/analyze",
        json={"input_task_id": "0193bfc5-ee4f-73f8-8525-44b398884ce9"},
        headers=bob,
    )
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json() and theirs.json()["message"] == "Task not found"


def test_bad_requests_are_400(mesh: Mesh, alice: dict[str, str]) -> None:
    client = httpx.Client(base_url=mesh.url, timeout=30)
    cases = [
        {},
        {"input_task_id": "not-a-uuid"},
        {"model_url": "ftp://example.invalid/model.stl"},
        {"model_url": "https://example.invalid/model.exe"},
        {"model_url": "http://127.0.0.1:1/model.stl"},
        {"model_url": "http://2130706433/model.stl"},
    ]
    for body in cases:
        reply = client.post("/openapi/v1/print/analyze", json=body, headers=alice)
        assert reply.status_code == 400, (body, reply.text)
        assert reply.json()["error"]["message"] == reply.json()["message"] != ""


def test_malformed_file_fails_its_task_and_the_service_keeps_serving(
    mesh: Mesh, alice: dict[str, str]
) -> None:
    client = httpx.Client(base_url=mesh.url, timeout=30)
    truncated = binary_stl(*cube(10))[:-20]
    bad = client.post("/openapi/v1/print/analyze", json={"model_url": data_url(truncated)}, headers=alice)
    good = client.post(
        "/openapi/v1/print/analyze", json={"model_url": data_url(binary_stl(*cube(10)))}, headers=alice
    )
    final_bad = sse_events(client, f"/openapi/v1/print/analyze/{bad.json()['result']}/stream", alice)[-1][1]
    assert final_bad["status"] == "FAILED" and final_bad["printability"] is None
    assert "cannot read the model" in final_bad["task_error"]["message"]
    final_good = sse_events(client, f"/openapi/v1/print/analyze/{good.json()['result']}/stream", alice)[-1][1]
    assert final_good["status"] == "SUCCEEDED"


def test_grpc_stubs_and_health(mesh: Mesh) -> None:
    async def run() -> None:
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        async with mesh.channel("printability") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            for name in ("", "printforge.printability.v1.PrintabilityService"):
                reply = await health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
                assert reply.status == health_pb2.HealthCheckResponse.SERVING
            stub = printability_pb2_grpc.PrintabilityServiceStub(channel)
            reply = await stub.AnalyzeMesh(
                printability_pb2.AnalyzeMeshRequest(data=binary_stl(*cube(10)), filename="cube.stl"),
                timeout=60,
            )
            assert json.loads(reply.report_json)["status"] == "healthy"
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stub.GetTask(printability_pb2.GetTaskRequest(owner="x", task_id="missing"), timeout=5)
            assert info.value.code() == grpc.StatusCode.NOT_FOUND

    import asyncio

    asyncio.run(run())


def test_metrics_are_exported(mesh: Mesh, alice: dict[str, str]) -> None:
    httpx.get(f"{mesh.url}/openapi/v1/print/analyze", headers=alice, timeout=30)
    text = httpx.get(f"{mesh.url}/metrics", timeout=10).text
    assert 'http_requests_total{method="GET",route="/openapi/v1/print/analyze",status="200"}' in text
    grpc_text = httpx.get(f"http://127.0.0.1:{mesh.metrics_ports['printability']}/metrics", timeout=10).text
    assert "grpc_server_handled_total{" in grpc_text
    assert 'grpc_method="CreateAnalyzeTask"' in grpc_text and 'grpc_code="OK"' in grpc_text
    assert 'grpc_type="server_stream"' in grpc_text and "grpc_server_handling_seconds_bucket" in grpc_text


def test_responses_match_the_served_openapi_document(mesh: Mesh, alice: dict[str, str]) -> None:
    import jsonschema

    client = httpx.Client(base_url=mesh.url, timeout=30)
    doc = client.get("/openapi.json").json()

    def check(body: object, path: str, method: str, status: str) -> None:
        content = doc["paths"][path][method]["responses"][status]["content"]["application/json"]
        schema = {**content["schema"], "components": doc["components"]}
        jsonschema.validate(body, schema)

    created = client.post(
        "/openapi/v1/print/analyze", json={"model_url": data_url(binary_stl(*cube(3)))}, headers=alice
    )
    check(created.json(), "/openapi/v1/print/analyze", "post", "200")
    task_id = created.json()["result"]
    sse_events(client, f"/openapi/v1/print/analyze/{task_id}/stream", alice)
    check(
        client.get(f"/openapi/v1/print/analyze/{task_id}", headers=alice).json(),
        "/openapi/v1/print/analyze/{task_id}",
        "get",
        "200",
    )
    check(
        client.get("/openapi/v1/print/analyze", headers=alice).json(),
        "/openapi/v1/print/analyze",
        "get",
        "200",
    )
    check(
        client.get("/openapi/v1/print/analyze/missing", headers=alice).json(),
        "/openapi/v1/print/analyze/{task_id}",
        "get",
        "404",
    )
    check(client.get("/api/v1/keys", headers=alice).json(), "/api/v1/keys", "get", "200")
