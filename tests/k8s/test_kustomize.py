"""Offline checks of the Kubernetes manifests in k8s/ (no cluster, no Docker).

Every overlay is rendered with the real kustomize (`kubectl kustomize`, or a standalone
`kustomize build`), every object is validated strictly against the Kubernetes OpenAPI schemas
shipped by `kubernetes-validate`, and the invariants a review would check by eye are asserted:
probes, limits and a locked-down security context on every container, named Service ports, a
PodDisruptionBudget per Deployment, and NetworkPolicies that allow exactly the call graph of
docs/deploy.md. The NetworkPolicy check evaluates the policies' semantics (default deny, selectors,
ports) pod by pod, so an allow that is missing on either side of an edge, or one too many, fails.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.k8s.kustomize_render import render
from tests.k8s.rendered_manifest import WORKLOAD_KINDS

K8S_DIR = REPO_ROOT / "k8s"
OVERLAYS = {
    "base": K8S_DIR / "base",
    "dev": K8S_DIR / "overlays" / "dev",
    "prod": K8S_DIR / "overlays" / "prod",
}
# The oldest Kubernetes the manifests target (sidecar-free native gRPC probes, lifecycle sleep).
KUBERNETES_VERSION = "1.30"
# Custom resources have no schema in kubernetes-validate; they are checked by shape instead.
CUSTOM_KINDS = {("monitoring.coreos.com/v1", "ServiceMonitor")}
# Secrets that the prod overlay expects to be created out of band (docs/deploy.md, "Secrets").
EXTERNAL_SECRETS = {"prod": {"printforge-secrets"}}

GRPC_PORTS = {"auth": 50051, "generator": 50052, "printability": 50053}
HTTP_PORT = 8080
METRICS_PORT = 9090
# (caller, callee, port): the runtime contract's call graph.
CALL_GRAPH = {
    ("envoy", "gateway", HTTP_PORT),
    *{("envoy", svc, port) for svc, port in GRPC_PORTS.items()},
    *{("gateway", svc, port) for svc, port in GRPC_PORTS.items()},
    ("generator", "printability", GRPC_PORTS["printability"]),
    ("printability", "generator", GRPC_PORTS["generator"]),  # GetPartMesh (input_task_id)
}
DB_CLIENTS = ("auth", "generator", "printability", "gateway", "printforge-migrate")
BACKING_STORE_EDGES = {
    "postgres": {(client, "postgres", 5432) for client in DB_CLIENTS},
    "minio": {(client, "minio", 9000) for client in (*DB_CLIENTS, "minio-create-bucket")},
}
# Only Envoy's edge port accepts traffic from anywhere.
PUBLIC_PORTS = {("envoy", HTTP_PORT)}
# The gateway's probes (services/gateway/routes/ops.py): start-up and liveness must not depend on
# any backend (/livez calls none), or a generator outage would make the kubelet restart every
# gateway; readiness needs auth alone (/readyz). /healthz (every backend SERVING) is never a probe.
GATEWAY_PROBE_PATHS = {"startupProbe": "/livez", "readinessProbe": "/readyz", "livenessProbe": "/livez"}


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict[str, Any]]]:
    return {name: render(path) for name, path in OVERLAYS.items()}


def _objects(rendered: dict[str, list[dict[str, Any]]], kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for overlay, docs in rendered.items():
        for doc in docs:
            if doc["kind"] == kind:
                yield overlay, doc


def _pod_templates(docs: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for doc in docs:
        if doc["kind"] in WORKLOAD_KINDS:
            yield doc, doc["spec"]["template"]


def _name(doc: dict[str, Any]) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Kubernetes LabelSelector semantics (matchLabels and matchExpressions)."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        present = key in labels
        if (
            (op == "In" and (not present or labels[key] not in values))
            or (op == "NotIn" and present and labels[key] in values)
            or (op == "Exists" and not present)
            or (op == "DoesNotExist" and present)
        ):
            return False
    return True


# --- rendering and schemas -------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_object_matches_the_kubernetes_schema(rendered, overlay: str) -> None:
    import kubernetes_validate

    docs = rendered[overlay]
    assert docs, f"{overlay} rendered no objects"
    for doc in docs:
        if (doc["apiVersion"], doc["kind"]) in CUSTOM_KINDS:
            assert doc["spec"]["endpoints"], f"{_name(doc)} scrapes nothing"
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{overlay}: {_name(doc)} at {'.'.join(map(str, exc.path))}: {exc.message}")


def test_strict_schema_validation_rejects_a_misspelt_field(rendered) -> None:
    import kubernetes_validate

    deployment = copy.deepcopy(next(doc for _, doc in _objects(rendered, "Deployment")))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


# --- containers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_container_is_probed_limited_and_unprivileged(rendered, overlay: str) -> None:
    for workload, template in _pod_templates(rendered[overlay]):
        pod = template["spec"]
        where = f"{overlay}: {_name(workload)}"
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", where
        assert pod.get("automountServiceAccountToken") is False, f"{where} mounts an API token"
        mounts_by_volume = {v["name"]: v for v in pod.get("volumes", [])}
        for container in pod["containers"]:
            where = f"{overlay}: {_name(workload)} container {container['name']}"
            if workload["kind"] != "Job":
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    assert probe in container, f"{where} has no {probe}"
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"].get(bound, {})), f"{where} {bound}"
            ctx = container["securityContext"]
            assert ctx.get("runAsNonRoot") or pod["securityContext"].get("runAsNonRoot"), where
            assert ctx["allowPrivilegeEscalation"] is False, where
            assert ctx["readOnlyRootFilesystem"] is True, where
            assert ctx["capabilities"]["drop"] == ["ALL"], where
            assert not ctx["capabilities"].get("add"), where
            writable = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert "emptyDir" in mounts_by_volume[writable["/tmp"]], f"{where}: /tmp is not an emptyDir"
            image = container["image"]
            assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), f"{where}: {image}"


def _printforge_containers(docs: list[dict[str, Any]]) -> Iterator[tuple[dict, dict, dict]]:
    for workload, template in _pod_templates(docs):
        for container in template["spec"]["containers"]:
            if container.get("command") == ["printforge"]:
                yield workload, template, container


def _env(container: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, str]:
    """The container's environment as Kubernetes assembles it (envFrom ConfigMaps, then env)."""
    configmaps = {doc["metadata"]["name"]: doc.get("data", {}) for doc in docs if doc["kind"] == "ConfigMap"}
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(configmaps[source["configMapRef"]["name"]])
    env.update({e["name"]: e["value"] for e in container.get("env", []) if "value" in e})
    return env


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_services_follow_the_runtime_contract(rendered, overlay: str) -> None:
    docs = rendered[overlay]
    services = {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == "Service"}
    images = set()
    seen = set()
    for workload, template, container in _printforge_containers(docs):
        env = _env(container, docs)
        images.add(container["image"])
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        where = f"{overlay}: {_name(workload)}"
        assert env["PRINTFORGE_DATA_DIR"] in mounts, f"{where}: the data dir is not a mounted emptyDir"
        for var in ("PRINTFORGE_AUTH_ADDR", "PRINTFORGE_GENERATOR_ADDR", "PRINTFORGE_PRINTABILITY_ADDR"):
            host, port = env[var].rsplit(":", 1)
            assert int(port) in {p["port"] for p in services[host]["spec"]["ports"]}, f"{where}: {var}"
        if workload["kind"] == "Job":
            assert container["args"] == ["migrate"], where
            continue
        service = container["args"][1]
        seen.add(service)
        assert container["args"] == ["serve", service], where
        assert ports["metrics"] == int(env["PRINTFORGE_METRICS_PORT"]) == METRICS_PORT, where
        assert template["metadata"]["annotations"]["prometheus.io/port"] == str(METRICS_PORT), where
        if service == "gateway":
            assert ports["http"] == int(env["PRINTFORGE_HTTP_PORT"]) == HTTP_PORT, where
            for probe, path in GATEWAY_PROBE_PATHS.items():
                assert container[probe]["httpGet"] == {"path": path, "port": "http"}, f"{where} {probe}"
            port_name = "http"
        else:
            assert ports["grpc"] == int(env["PRINTFORGE_GRPC_PORT"]) == GRPC_PORTS[service], where
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                assert container[probe]["grpc"] == {"port": GRPC_PORTS[service]}, f"{where} {probe}"
            port_name = "grpc"
        service_ports = {p["name"]: p for p in services[service]["spec"]["ports"]}
        assert service_ports[port_name]["targetPort"] == port_name, f"{where}: Service port {port_name}"
        assert _selects(
            {"matchLabels": services[service]["spec"]["selector"]}, template["metadata"]["labels"]
        )
    assert seen == {*GRPC_PORTS, "gateway"}, f"{overlay} runs {seen}"
    assert len(images) == 1, f"{overlay}: the services and the migration Job must share one image: {images}"


def _gateway_container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    (container,) = [c for _, _, c in _printforge_containers(docs) if c.get("args") == ["serve", "gateway"]]
    return container


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_gateway_liveness_does_not_depend_on_backends(rendered, overlay: str) -> None:
    """A backend outage must not restart gateways: liveness and start-up probe /livez, never /healthz."""
    container = _gateway_container(rendered[overlay])
    for probe in ("livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] == "/livez", f"{overlay}: gateway {probe}"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", f"{overlay}: gateway readiness"


def test_gateway_probe_paths_are_routes_of_the_gateway(rendered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A misspelt probe path would 404 and fail every probe; each one must be a route the app serves."""
    from printforge.runtime.config import Settings
    from services.gateway.app import create_app

    app = create_app(Settings.from_env({"PRINTFORGE_DATA_DIR": str(tmp_path)}))
    routes = {path for path, operations in app.openapi()["paths"].items() if "get" in operations}
    for overlay, docs in rendered.items():
        container = _gateway_container(docs)
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            path = container[probe]["httpGet"]["path"]
            assert path in routes, f"{overlay}: gateway {probe} {path} is not a gateway route"


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_worker_processes_fit_the_memory_limit(rendered, overlay: str) -> None:
    mib = {"Mi": 1, "Gi": 1024}
    for workload, _, container in _printforge_containers(rendered[overlay]):
        env = _env(container, rendered[overlay])
        if "PRINTFORGE_WORKER_PROCESSES" not in env:
            continue
        limit = container["resources"]["limits"]["memory"]
        limit_mib = int(limit[:-2]) * mib[limit[-2:]]
        workers = int(env["PRINTFORGE_WORKER_PROCESSES"]) * int(env["PRINTFORGE_TASK_MEMORY_MB"])
        # The server process and the Python heap of the parent need headroom of their own.
        assert workers + 512 <= limit_mib, f"{overlay}: {_name(workload)} workers {workers} MiB vs {limit}"


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_reference_resolves(rendered, overlay: str) -> None:
    docs = rendered[overlay]
    present = {(doc["kind"], doc["metadata"]["name"]) for doc in docs}
    external = EXTERNAL_SECRETS.get(overlay, set())
    for workload, template in _pod_templates(docs):
        pod = template["spec"]
        if "serviceAccountName" in pod:
            assert ("ServiceAccount", pod["serviceAccountName"]) in present, _name(workload)
        refs = [("ConfigMap", v["configMap"]["name"]) for v in pod.get("volumes", []) if "configMap" in v]
        for container in pod["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    refs.append(("ConfigMap", source["configMapRef"]["name"]))
                if "secretRef" in source and source["secretRef"]["name"] not in external:
                    refs.append(("Secret", source["secretRef"]["name"]))
        for ref in refs:
            assert ref in present, f"{overlay}: {_name(workload)} refers to missing {ref}"
    for _, hpa in _objects({overlay: docs}, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        deployment = next(
            d for d in docs if (d["kind"], d["metadata"]["name"]) == (target["kind"], target["name"])
        )
        assert "replicas" not in deployment["spec"], f"{overlay}: {_name(deployment)} fights its HPA"
    scaled = {
        hpa["spec"]["scaleTargetRef"]["name"]
        for _, hpa in _objects({overlay: docs}, "HorizontalPodAutoscaler")
    }
    assert scaled == {"generator", "printability"}


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_secret_placeholders_never_reach_a_real_install(rendered, overlay: str) -> None:
    secrets = [doc for doc in rendered[overlay] if doc["kind"] == "Secret"]
    text = yaml.safe_dump_all(rendered[overlay])
    if overlay == "base":
        assert all("REPLACE_ME" in v for s in secrets for v in s["stringData"].values())
    else:
        assert "REPLACE_ME" not in text, f"{overlay} still carries placeholder secrets"
    if overlay == "prod":
        assert not secrets, "prod must not ship secret values; they are created out of band"


# --- Services, budgets and the network ----------------------------------------------------------------


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_service_port_is_named(rendered, overlay: str) -> None:
    for _, service in _objects({overlay: rendered[overlay]}, "Service"):
        for port in service["spec"]["ports"]:
            assert port.get("name"), f"{overlay}: {_name(service)} port {port['port']} has no name"


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_deployment_has_exactly_one_disruption_budget(rendered, overlay: str) -> None:
    docs = rendered[overlay]
    budgets = [doc for doc in docs if doc["kind"] == "PodDisruptionBudget"]
    for _, deployment in _objects({overlay: docs}, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [b["metadata"]["name"] for b in budgets if _selects(b["spec"]["selector"], labels)]
        assert len(matching) == 1, f"{overlay}: {_name(deployment)} is covered by {matching}"


class Network:
    """NetworkPolicy semantics for the pods of one namespace (the rendered overlay)."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.policies = [doc for doc in docs if doc["kind"] == "NetworkPolicy"]
        self.pods = {}
        for workload, template in _pod_templates(docs):
            ports = {
                (p["containerPort"], p.get("protocol", "TCP"))
                for c in template["spec"]["containers"]
                for p in c.get("ports", [])
            }
            self.pods[workload["metadata"]["labels"]["app.kubernetes.io/name"]] = (
                template["metadata"]["labels"],
                ports,
            )

    def _allowed(self, direction: str, subject: dict, peer: dict | None, port: int, proto: str) -> bool:
        """Does traffic pass the `direction` policies selecting `subject`, against `peer`?

        `peer` is a same-namespace pod's labels, or None for an address outside the cluster.
        """
        key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        isolating = [
            p
            for p in self.policies
            if direction in p["spec"]["policyTypes"] and _selects(p["spec"]["podSelector"], subject)
        ]
        if not isolating:
            return True
        for policy in isolating:
            for rule in policy["spec"].get(key, []):
                ports = rule.get("ports")
                if ports and not any(p["port"] == port and p.get("protocol", "TCP") == proto for p in ports):
                    continue
                peers = rule.get(peers_key)
                if not peers:
                    return True
                for p in peers:
                    if peer is None:
                        continue  # pod and namespace selectors never match outside addresses
                    if "namespaceSelector" in p and p["namespaceSelector"] != {}:
                        continue  # another namespace, not this one
                    if _selects(p.get("podSelector", {}), peer):
                        return True
        return False

    def edges(self) -> set[tuple[str, str, int]]:
        """Every (caller, callee, port) between this namespace's pods that both policies let through."""
        return {
            (caller, callee, port)
            for caller, (caller_labels, _) in self.pods.items()
            for callee, (callee_labels, ports) in self.pods.items()
            for port, proto in ports
            if caller != callee
            and self._allowed("Egress", caller_labels, callee_labels, port, proto)
            and self._allowed("Ingress", callee_labels, caller_labels, port, proto)
        }

    def public_ports(self) -> set[tuple[str, int]]:
        return {
            (name, port)
            for name, (labels, ports) in self.pods.items()
            for port, proto in ports
            if self._allowed("Ingress", labels, None, port, proto)
        }

    def from_namespace(self, subject: dict, namespace: str, direction: str, port: int, proto: str) -> bool:
        """Is traffic on `port` between `subject` and pods of namespace `namespace` allowed?"""
        key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        for policy in self.policies:
            if direction in policy["spec"]["policyTypes"] and _selects(
                policy["spec"]["podSelector"], subject
            ):
                for rule in policy["spec"].get(key, []):
                    if any(
                        p["port"] == port and p.get("protocol", "TCP") == proto for p in rule.get("ports", [])
                    ):
                        for peer in rule.get(peers_key, []):
                            ns = peer.get("namespaceSelector")
                            if ns is not None and _selects(ns, {"kubernetes.io/metadata.name": namespace}):
                                return True
        return False


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_network_policies_allow_exactly_the_call_graph(rendered, overlay: str) -> None:
    docs = rendered[overlay]
    network = Network(docs)
    deny_all = [
        p
        for p in network.policies
        if p["spec"]["podSelector"] == {} and not p["spec"].get("ingress") and not p["spec"].get("egress")
    ]
    assert deny_all and set(deny_all[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}, "no default deny"
    expected = set(CALL_GRAPH)
    for store, edges in BACKING_STORE_EDGES.items():
        if store in network.pods:
            expected |= {e for e in edges if e[0] in network.pods}
    assert network.edges() == expected
    assert network.public_ports() == PUBLIC_PORTS


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_pod_reaches_dns_and_is_scraped(rendered, overlay: str) -> None:
    network = Network(rendered[overlay])
    for name, (labels, ports) in network.pods.items():
        assert network.from_namespace(labels, "kube-system", "Egress", 53, "UDP"), (
            f"{name} cannot resolve names"
        )
        if (METRICS_PORT, "TCP") in ports:
            assert network.from_namespace(labels, "monitoring", "Ingress", METRICS_PORT, "TCP"), name


def test_the_call_graph_check_notices_a_missing_allow(rendered) -> None:
    docs = [
        d
        for d in rendered["base"]
        if (d["kind"], d["metadata"]["name"]) != ("NetworkPolicy", "generator-egress")
    ]
    assert ("generator", "printability", GRPC_PORTS["printability"]) not in Network(docs).edges()
