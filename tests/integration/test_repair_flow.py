"""The Meshy repair API end to end (seeds/meshy-repair-printability-api.txt) through the real gateway.

Broken cubes built in code (a missing face and a duplicated face) go in as binary STL, OBJ and GLB
data: URLs; each must come back SUCCEEDED over SSE, in its own format, behind a signed URL, and
parse (with trimesh, not our own loader) as a watertight solid of the intact cube's volume. The
seed's `thumbnail_url`, "a preview image rendered from the repaired model", is a signed PNG of it.
"""

from __future__ import annotations

import io
import struct
import time
import uuid

import grpc
import httpx
import numpy as np
import pytest
import trimesh
from PIL import Image

from printforge.printability.v1 import printability_pb2, printability_pb2_grpc
from printforge.runtime.grpc_errors import reason_of
from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.integration.mesh import Mesh
from tests.integration.sse_client import sse_events

REPAIR = "/openapi/v1/print/repair"
SIZE_MM = 20.0
DAY_MS = 86_400_000

# The Repair Printability Task Object, field by field, as the seed documents it. `repair` (steps
# and before/after metrics) is printforge's one addition; Meshy clients ignore unknown fields.
SEED_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "type": str,
    "status": str,
    "progress": int,
    "preceding_tasks": int,
    "created_at": int,
    "started_at": int,
    "finished_at": int,
    "expires_at": int,
    "task_error": (dict, type(None)),
    "model_urls": dict,
    "thumbnail_url": str,
    "texture_urls": list,
    "consumed_credits": int,
}
EXTENSIONS = {"repair"}
MODEL_URL_KEYS = ["glb", "fbx", "obj", "stl", "usdz", "3mf", "mtl"]
STATUSES = {"PENDING", "IN_PROGRESS", "SUCCEEDED", "FAILED", "CANCELED"}


def broken_cube() -> tuple[np.ndarray, np.ndarray]:
    """A 20 mm cube (768 triangles) with one triangle missing (a hole) and one triangle twice.

    Finely triangulated on purpose: the repair contract fills small holes in place, while a hole
    that is a large share of the surface (half a side of a 12-triangle cube) is rebuilt volumetrically.
    """
    box = trimesh.creation.box(extents=(SIZE_MM, SIZE_MM, SIZE_MM)).subdivide().subdivide().subdivide()
    box.merge_vertices()
    faces = np.asarray(box.faces)
    return np.asarray(box.vertices) + SIZE_MM / 2, np.concatenate([faces[1:], faces[100:101]])


def obj_text(vertices: np.ndarray, faces: np.ndarray) -> bytes:
    lines = [f"v {x:g} {y:g} {z:g}" for x, y, z in vertices] + [
        f"f {a + 1} {b + 1} {c + 1}" for a, b, c in faces
    ]
    return ("\n".join(lines) + "\n").encode()


def glb_bytes(vertices: np.ndarray, faces: np.ndarray) -> bytes:
    """glTF is in metres by specification."""
    return trimesh.Trimesh(vertices / 1000.0, faces, process=False).export(file_type="glb")


def create(client: httpx.Client, headers: dict[str, str], **body: str) -> str:
    reply = client.post(REPAIR, json=body, headers=headers)
    assert reply.status_code == 200, reply.text
    assert set(reply.json()) == {"result"}
    return reply.json()["result"]


def follow(client: httpx.Client, headers: dict[str, str], task_id: str) -> dict:
    """Stream a task to its end: progress snapshots carry only id/progress/status, the last one all."""
    events = sse_events(client, f"{REPAIR}/{task_id}/stream", headers)
    assert [e for e, _ in events] == ["message"] * len(events)
    *progress, final = [d for _, d in events]
    for snapshot in progress:
        assert set(snapshot) == {"id", "progress", "status"}
        assert snapshot["id"] == task_id and snapshot["status"] in ("PENDING", "IN_PROGRESS")
        assert isinstance(snapshot["progress"], int) and 0 <= snapshot["progress"] < 100
    steps = [s["progress"] for s in progress]
    assert steps == sorted(steps)
    assert final["status"] in ("SUCCEEDED", "FAILED", "CANCELED")
    return final


def check_task_object(task: dict, task_id: str) -> None:
    """Field names, types and values exactly as the seed's task object describes them."""
    assert set(task) == set(SEED_FIELDS) | EXTENSIONS
    for name, kind in SEED_FIELDS.items():
        assert isinstance(task[name], kind), (name, task[name])
        assert not isinstance(task[name], bool), name
    assert task["id"] == task_id and task["type"] == "print-repair" and task["status"] in STATUSES
    assert list(task["model_urls"]) == MODEL_URL_KEYS
    assert all(isinstance(url, str) for url in task["model_urls"].values())
    assert task["texture_urls"] == []
    now_ms = time.time() * 1000
    assert now_ms - 600_000 < task["created_at"] <= now_ms
    if task["status"] == "SUCCEEDED":
        assert task["progress"] == 100 and task["task_error"] is None and task["consumed_credits"] == 10
        assert task["created_at"] <= task["started_at"] <= task["finished_at"] <= now_ms
        assert task["expires_at"] - task["finished_at"] == 3 * DAY_MS  # PRINTFORGE_TASK_TTL_DAYS
        assert task["preceding_tasks"] == 0
    elif task["status"] == "FAILED":
        assert set(task["task_error"]) == {"message"} and task["task_error"]["message"]
        assert task["consumed_credits"] == 0  # refunded on failure
        assert all(url == "" for url in task["model_urls"].values()) and task["thumbnail_url"] == ""
        assert task["finished_at"] > 0 and task["expires_at"] > task["finished_at"]
    else:  # not finished: 0 for what has not happened yet, no URLs, nothing charged
        assert task["finished_at"] == 0 and task["expires_at"] == 0 and task["task_error"] is None
        assert all(url == "" for url in task["model_urls"].values()) and task["consumed_credits"] == 0
        assert task["thumbnail_url"] == ""
        assert (task["started_at"] == 0) == (task["status"] == "PENDING")
        assert 0 <= task["progress"] < 100 and (task["progress"] == 0 or task["status"] == "IN_PROGRESS")


def download(url: str, expected_type: str) -> bytes:
    """Signed URLs work without the API key (they are the credential)."""
    assert url.startswith("http://127.0.0.1:") and "/v1/files/" in url
    reply = httpx.get(url, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == expected_type
    return reply.content


def assert_repaired_cube(data: bytes, file_type: str) -> None:
    """Watertight, outward, and the intact cube exactly where it was (glTF in metres, others in mm)."""
    scale = 1e-3 if file_type == "glb" else 1.0
    mesh = trimesh.load(io.BytesIO(data), file_type=file_type, force="mesh", process=True)
    assert mesh.is_watertight and mesh.is_winding_consistent
    assert mesh.volume == pytest.approx((SIZE_MM * scale) ** 3, rel=1e-6)
    assert mesh.bounds.ravel().tolist() == pytest.approx([0, 0, 0, *[SIZE_MM * scale] * 3], abs=1e-6 * scale)


def assert_preview_of_a_cube(url: str) -> None:
    """The thumbnail: a PNG (read by Pillow) showing a shaded part on a clear background."""
    image = Image.open(io.BytesIO(download(url, "image/png")))
    assert image.format == "PNG" and image.size == (256, 256)
    pixels = np.asarray(image.convert("RGBA")).astype(int)
    covered = (pixels[..., 3] > 0).mean()
    assert 0.2 < covered < 0.9, covered  # the cube fills the frame, with background around it
    opaque = pixels[pixels[..., 3] == 255][:, :3]
    counts = np.unique(opaque, axis=0, return_counts=True)[1]
    assert (counts > 1500).sum() == 3  # a cube seen from above a corner: three shaded sides


def assert_error(reply: httpx.Response, status: int, message: str | None = None) -> dict:
    """The Meshia envelope {"error": {"code", "message"}} plus Meshy's top-level message."""
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert set(body) == {"error", "message"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"] == body["message"] != "" and body["error"]["code"]
    if message is not None:
        assert body["message"] == message
    return body


@pytest.fixture(scope="module")
def client(mesh: Mesh) -> httpx.Client:
    with httpx.Client(base_url=mesh.url, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def carol(mesh: Mesh) -> dict[str, str]:
    """A key of its own for the many small requests, so alice stays under 60 requests a minute."""
    return {"Authorization": f"Bearer {mesh.create_key('carol')}"}


@pytest.fixture(scope="module")
def stl_task(client: httpx.Client, alice: dict[str, str]) -> dict:
    """One STL repair shared by the tests that need a SUCCEEDED task (keeps the module fast)."""
    task_id = create(client, alice, model_url=data_url(binary_stl(*broken_cube())))
    return follow(client, alice, task_id)


def test_the_input_really_is_broken() -> None:
    """Guards the fixture itself (judged by trimesh): a hole, a duplicate, so repair has work to do."""
    broken = trimesh.Trimesh(*broken_cube(), process=False)
    assert not broken.is_watertight
    assert len(broken.faces) - len(np.unique(np.sort(broken.faces, axis=1), axis=0)) == 1


def test_stl_repairs_to_a_watertight_stl(client: httpx.Client, alice: dict[str, str], stl_task: dict) -> None:
    check_task_object(stl_task, stl_task["id"])
    assert stl_task["status"] == "SUCCEEDED", stl_task["task_error"]
    urls = stl_task["model_urls"]
    assert urls["stl"] and [k for k, v in urls.items() if v] == ["stl"]
    data = download(urls["stl"], "model/stl")
    assert len(data) == 84 + 50 * struct.unpack("<I", data[80:84])[0]  # binary STL in, binary STL out
    assert_repaired_cube(data, "stl")
    assert stl_task["repair"]["steps_ran"]
    assert "/v1/files/" in stl_task["thumbnail_url"]
    assert_preview_of_a_cube(stl_task["thumbnail_url"])

    fetched = client.get(f"{REPAIR}/{stl_task['id']}", headers=alice)
    assert fetched.status_code == 200
    check_task_object(fetched.json(), stl_task["id"])
    signed = ("model_urls", "thumbnail_url")  # signed anew on every read
    same = {k: v for k, v in fetched.json().items() if k not in signed}
    assert same == {k: v for k, v in stl_task.items() if k not in signed}
    assert_repaired_cube(download(fetched.json()["model_urls"]["stl"], "model/stl"), "stl")
    assert_preview_of_a_cube(fetched.json()["thumbnail_url"])


def test_obj_repairs_to_a_watertight_obj(client: httpx.Client, alice: dict[str, str]) -> None:
    task_id = create(client, alice, model_url=data_url(obj_text(*broken_cube()), "model/obj"))
    task = follow(client, alice, task_id)
    check_task_object(task, task_id)
    assert task["status"] == "SUCCEEDED", task["task_error"]
    assert [k for k, v in task["model_urls"].items() if v] == ["obj"]
    data = download(task["model_urls"]["obj"], "model/obj")
    assert data.decode("ascii").lstrip().startswith(("#", "v "))
    assert_repaired_cube(data, "obj")
    assert_preview_of_a_cube(task["thumbnail_url"])


def test_glb_repairs_to_glb_and_feeds_input_task_id(
    client: httpx.Client, alice: dict[str, str], stl_task: dict
) -> None:
    task_id = create(client, alice, model_url=data_url(glb_bytes(*broken_cube()), "model/gltf-binary"))
    task = follow(client, alice, task_id)
    check_task_object(task, task_id)
    assert task["status"] == "SUCCEEDED", task["task_error"]
    assert [k for k, v in task["model_urls"].items() if v] == ["glb"]
    glb = download(task["model_urls"]["glb"], "model/gltf-binary")
    assert glb[:4] == b"glTF"
    assert_repaired_cube(glb, "glb")
    assert_preview_of_a_cube(task["thumbnail_url"])

    # "The input_task_id path always reads the source task's GLB, so the output is .glb."
    again_id = create(client, alice, input_task_id=task_id)
    again = follow(client, alice, again_id)
    check_task_object(again, again_id)
    assert again["status"] == "SUCCEEDED" and [k for k, v in again["model_urls"].items() if v] == ["glb"]
    assert_repaired_cube(download(again["model_urls"]["glb"], "model/gltf-binary"), "glb")

    # An STL repair has no GLB asset: the seed's "Missing GLB" 400.
    missing = client.post(REPAIR, json={"input_task_id": stl_task["id"]}, headers=alice)
    assert "Missing GLB" in assert_error(missing, 400)["message"]


def test_list_pages_sorts_and_holds_only_repair_tasks(client: httpx.Client, mesh: Mesh) -> None:
    headers = {"Authorization": f"Bearer {mesh.create_key('pager')}"}
    url = data_url(binary_stl(*cube(5)))
    analyze = client.post("/openapi/v1/print/analyze", json={"model_url": url}, headers=headers)
    assert analyze.status_code == 200
    ids = [create(client, headers, model_url=url) for _ in range(3)]

    def page(query: str) -> list[dict]:
        reply = client.get(f"{REPAIR}?{query}", headers=headers)
        assert reply.status_code == 200, reply.text
        assert isinstance(reply.json(), list)
        return reply.json()

    first = page("page_size=2&page_num=1&sort_by=%2Bcreated_at")
    assert [t["id"] for t in first] == ids[:2]
    assert [t["id"] for t in page("page_size=2&page_num=2&sort_by=%2Bcreated_at")] == ids[2:]
    assert page("page_size=2&page_num=3") == []
    assert [t["id"] for t in page("")] == ids[::-1]  # default: 10 per page, newest first
    assert [t["id"] for t in page("sort_by=-created_at")] == ids[::-1]
    for task in first:
        check_task_object(task, task["id"])
    for query in ("page_size=51", "page_size=0", "page_num=0", "sort_by=name", "page_num=x"):
        assert_error(client.get(f"{REPAIR}?{query}", headers=headers), 400)
    for task_id in ids:  # leave the worker idle for the next tests
        follow(client, headers, task_id)


def test_delete_removes_the_task_and_its_file(client: httpx.Client, alice: dict[str, str]) -> None:
    task_id = create(client, alice, model_url=data_url(binary_stl(*broken_cube())))
    task = follow(client, alice, task_id)
    assert task["status"] == "SUCCEEDED"
    url, thumbnail = task["model_urls"]["stl"], task["thumbnail_url"]
    assert httpx.get(url, timeout=30).status_code == 200
    assert httpx.get(thumbnail, timeout=30).status_code == 200

    deleted = client.delete(f"{REPAIR}/{task_id}", headers=alice)
    assert deleted.status_code == 200
    assert_error(client.get(f"{REPAIR}/{task_id}", headers=alice), 404, "Task not found")
    assert_error(client.delete(f"{REPAIR}/{task_id}", headers=alice), 404, "Task not found")
    assert task_id not in [
        t["id"] for t in client.get(REPAIR, params={"page_size": 50}, headers=alice).json()
    ]
    assert_error(httpx.get(url, timeout=30), 404)  # "permanently deletes ... its repaired output"
    assert_error(httpx.get(thumbnail, timeout=30), 404)


def test_unknown_and_foreign_tasks_are_404(
    client: httpx.Client, mesh: Mesh, alice: dict[str, str], stl_task: dict
) -> None:
    unknown = str(uuid.uuid4())
    body = assert_error(client.get(f"{REPAIR}/{unknown}", headers=alice), 404, "Task not found")
    assert body["error"]["code"] == "task_not_found"
    assert_error(client.delete(f"{REPAIR}/{unknown}", headers=alice), 404, "Task not found")
    stream = sse_events(client, f"{REPAIR}/{unknown}/stream", alice)
    assert stream == [("error", {"status_code": 404, "message": "Task not found"})]
    # "The referenced task does not exist or is owned by a different user."
    assert_error(client.post(REPAIR, json={"input_task_id": unknown}, headers=alice), 404)

    bob = {"Authorization": f"Bearer {mesh.create_key('bob')}"}
    theirs = stl_task["id"]
    assert_error(client.get(f"{REPAIR}/{theirs}", headers=bob), 404, "Task not found")
    assert_error(client.delete(f"{REPAIR}/{theirs}", headers=bob), 404, "Task not found")
    assert sse_events(client, f"{REPAIR}/{theirs}/stream", bob)[-1][0] == "error"
    assert_error(client.post(REPAIR, json={"input_task_id": theirs}, headers=bob), 404)
    assert theirs not in [t["id"] for t in client.get(REPAIR, headers=bob).json()]

    # An analyze task is not a repair task, even for its owner.
    analyze_id = client.post(
        "/openapi/v1/print/analyze", json={"model_url": data_url(binary_stl(*cube(5)))}, headers=alice
    ).json()["result"]
    assert_error(client.get(f"{REPAIR}/{analyze_id}", headers=alice), 404, "Task not found")


def test_every_route_needs_a_key(client: httpx.Client, stl_task: dict) -> None:
    task_id = stl_task["id"]
    calls = [
        ("POST", REPAIR, {"model_url": data_url(binary_stl(*cube(5)))}),
        ("GET", REPAIR, None),
        ("GET", f"{REPAIR}/{task_id}", None),
        ("DELETE", f"{REPAIR}/{task_id}", None),
        ("GET", f"{REPAIR}/{task_id}/stream", None),
    ]
    for headers in ({}, {"Authorization": "Bearer pf_not_a_real_key"}, {"Authorization": "Basic x"}):
        for method, path, body in calls:
            reply = client.request(method, path, json=body, headers=headers)
            assert_error(reply, 401)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "Missing parameter"),
        ({"model_url": ""}, "Missing parameter"),
        ({"input_task_id": "not-a-uuid"}, "Invalid UUID"),
        ({"model_url": "ftp://example.invalid/model.stl"}, "Invalid model URL"),
        ({"model_url": "https://example.invalid/model.exe"}, "Invalid model URL"),
        ({"model_url": "https://example.invalid/model.ply"}, "Invalid model URL"),  # only .glb/.stl/.obj
        ({"model_url": "http://127.0.0.1:1/model.stl"}, "Invalid model URL"),
        ({"model_url": "data:model/stl;base64,@@@"}, "Invalid model URL"),
        ({"model_url": 42}, "model_url"),
        ([], None),
    ],
)
def test_bad_request_bodies_are_400(
    client: httpx.Client, carol: dict[str, str], body: object, says: str | None
) -> None:
    reply = client.post(REPAIR, json=body, headers=carol)
    message = assert_error(reply, 400)["message"]
    assert says is None or says in message, message


def test_body_that_is_not_json_is_400(client: httpx.Client, carol: dict[str, str]) -> None:
    reply = client.post(REPAIR, content=b"{not json", headers={**carol, "Content-Type": "application/json"})
    assert_error(reply, 400)


def test_malformed_files_fail_their_task_and_the_service_keeps_serving(
    client: httpx.Client, alice: dict[str, str]
) -> None:
    truncated = binary_stl(*broken_cube())[:-20]
    bad = create(client, alice, model_url=data_url(truncated))
    no_faces = create(client, alice, model_url=data_url(b"v 0 0 0\nv 1 0 0\nv 0 1 0\n", "model/obj"))
    good = create(client, alice, model_url=data_url(binary_stl(*broken_cube())))

    failed = follow(client, alice, bad)
    check_task_object(failed, bad)
    assert failed["status"] == "FAILED" and "cannot read the model" in failed["task_error"]["message"]
    assert failed["repair"] is None
    assert client.get(f"{REPAIR}/{bad}", headers=alice).json()["task_error"] == failed["task_error"]

    empty = follow(client, alice, no_faces)
    check_task_object(empty, no_faces)
    assert empty["status"] == "FAILED" and "no triangles" in empty["task_error"]["message"]

    # The seed's "Task not succeeded" 400 when a failed task is named as the input.
    refused = client.post(REPAIR, json={"input_task_id": bad}, headers=alice)
    assert "Task not succeeded" in assert_error(refused, 400)["message"]

    assert follow(client, alice, good)["status"] == "SUCCEEDED"


def test_data_url_of_a_format_repair_cannot_return_fails_clearly(
    client: httpx.Client, alice: dict[str, str]
) -> None:
    """data: URLs skip the extension check, but the output must be glb, stl or obj like the input."""
    vertices, faces = broken_cube()
    ply = trimesh.Trimesh(vertices, faces, process=False).export(file_type="ply")
    task_id = create(client, alice, model_url=data_url(ply, "application/ply"))
    task = follow(client, alice, task_id)
    check_task_object(task, task_id)
    assert task["status"] == "FAILED"
    message = task["task_error"]["message"]
    assert "PLY" in message and all(ext in message for ext in (".glb", ".stl", ".obj")), message


def test_responses_match_the_served_openapi_document(
    client: httpx.Client, alice: dict[str, str], stl_task: dict
) -> None:
    import jsonschema

    doc = client.get("/openapi.json").json()

    def check(body: object, path: str, method: str, status: str) -> None:
        content = doc["paths"][path][method]["responses"][status]["content"]["application/json"]
        jsonschema.validate(body, {**content["schema"], "components": doc["components"]})

    one = client.get(f"{REPAIR}/{stl_task['id']}", headers=alice).json()
    check(one, f"{REPAIR}/{{task_id}}", "get", "200")
    check(client.get(REPAIR, headers=alice).json(), REPAIR, "get", "200")
    check(client.get(f"{REPAIR}/missing", headers=alice).json(), f"{REPAIR}/{{task_id}}", "get", "404")


def test_min_wall_mm_thickens_a_sheet_to_that_wall(client: httpx.Client, carol: dict[str, str]) -> None:
    """A single-sided 300 x 200 mm panel (zero volume) comes back a closed plate 2 mm thick, the
    panel's own face kept where it was (judged by trimesh); 1 mm without the field."""
    panel = np.array([[0, 0, 0], [300, 0, 0], [300, 200, 0], [0, 200, 0]], float)
    sheet = data_url(binary_stl(panel, np.array([[0, 1, 2], [0, 2, 3]])))
    default_id = create(client, carol, model_url=sheet)
    reply = client.post(REPAIR, json={"model_url": sheet, "min_wall_mm": 2}, headers=carol)
    assert reply.status_code == 200, reply.text
    default, thick = follow(client, carol, default_id), follow(client, carol, reply.json()["result"])
    for task, wall in ((default, 1.0), (thick, 2.0)):
        assert task["status"] == "SUCCEEDED", task["task_error"]
        assert task["repair"]["shell_wall_mm"] == wall
        repaired = trimesh.load(io.BytesIO(download(task["model_urls"]["stl"], "model/stl")), file_type="stl")
        assert repaired.is_watertight and repaired.volume == pytest.approx(300 * 200 * wall, rel=1e-5)
        assert repaired.bounds[1].tolist() == pytest.approx([300, 200, 0])


@pytest.mark.parametrize("wall", [0, -1, 1000])
def test_min_wall_mm_out_of_range_is_a_400(client: httpx.Client, carol: dict[str, str], wall: float) -> None:
    body = {"model_url": data_url(binary_stl(*broken_cube())), "min_wall_mm": wall}
    assert_error(client.post(REPAIR, json=body, headers=carol), 400)


@pytest.mark.parametrize("wall", [float("nan"), float("inf"), -2.0])
def test_min_wall_mm_that_is_no_length_is_refused_by_the_service_itself(mesh: Mesh, wall: float) -> None:
    """Behind the gateway's check: a NaN would not even fit the task's JSON input."""

    async def run() -> None:
        async with mesh.channel("printability") as channel:
            stub = printability_pb2_grpc.PrintabilityServiceStub(channel)
            request = printability_pb2.CreateRepairTaskRequest(
                owner="usr_grpc", model_url=data_url(binary_stl(*broken_cube())), min_wall_mm=wall
            )
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stub.CreateRepairTask(request, timeout=10)
            assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert reason_of(info.value) == "INVALID_MIN_WALL"

    import asyncio

    asyncio.run(run())
