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
import ipaddress
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from printforge.runtime.config import Settings, service_token_key_var
from tests.conftest import REPO_ROOT
from tests.k8s.kustomize_render import render
from tests.k8s.rendered_manifest import WORKLOAD_KINDS, secret_data

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
# The edge certificate is made by cert-manager or by hand in every overlay (docs/deploy.md).
EDGE_TLS_SECRET = "envoy-tls"
PRINTFORGE_SECRETS = {
    "printforge-auth-secrets",
    "printforge-generator-secrets",
    "printforge-printability-secrets",
    "printforge-gateway-secrets",
    "printforge-blob-secrets",
    "printforge-service-tokens",
}
# Secrets that an overlay expects to be created out of band (docs/deploy.md, "Secrets").
EXTERNAL_SECRETS = {
    "base": {EDGE_TLS_SECRET},
    "dev": {EDGE_TLS_SECRET},
    "prod": {EDGE_TLS_SECRET, *PRINTFORGE_SECRETS},
}

GRPC_PORTS = {"auth": 50051, "generator": 50052, "printability": 50053}
HTTP_PORT = 8080
HTTPS_PORT = 8443
METRICS_PORT = 9090
# Who calls which gRPC service; the gateway's routes reach all three.
GRPC_CALLERS = {
    "auth": {"gateway"},
    "generator": {"gateway", "printability"},
    "printability": {"gateway", "generator"},
}
# (caller, callee, port): the runtime contract's call graph. Envoy reaches the gateway alone.
CALL_GRAPH = {
    ("envoy", "gateway", HTTP_PORT),
    *{(caller, svc, GRPC_PORTS[svc]) for svc, callers in GRPC_CALLERS.items() for caller in callers},
}
DB_CLIENTS = ("auth", "generator", "printability")
BLOB_CLIENTS = ("generator", "printability", "gateway")
BACKING_STORE_EDGES = {
    "postgres": {(client, "postgres", 5432) for client in DB_CLIENTS},
    "minio": {(client, "minio", 9000) for client in (*BLOB_CLIENTS, "minio-create-bucket")},
}
# Only Envoy's edge ports (HTTPS, and HTTP that redirects to it) accept traffic from anywhere.
PUBLIC_PORTS = {("envoy", HTTPS_PORT), ("envoy", HTTP_PORT)}
# The images (k8s/base/kustomization.yaml): the CAD stack only where CAD and meshes are worked.
IMAGE_OF = {
    "gateway": "ghcr.io/printforge/printforge",
    "auth": "ghcr.io/printforge/printforge",
    "generator": "ghcr.io/printforge/printforge-cad",
    "printability": "ghcr.io/printforge/printforge-cad",
}
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
    images = {}
    seen = set()
    for workload, template, container in _printforge_containers(docs):
        env = _env(container, docs)
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        where = f"{overlay}: {_name(workload)}"
        assert env["PRINTFORGE_DATA_DIR"] in mounts, f"{where}: the data dir is not a mounted emptyDir"
        for var in ("PRINTFORGE_AUTH_ADDR", "PRINTFORGE_GENERATOR_ADDR", "PRINTFORGE_PRINTABILITY_ADDR"):
            host, port = env[var].rsplit(":", 1)
            assert int(port) in {p["port"] for p in services[host]["spec"]["ports"]}, f"{where}: {var}"
        assert workload["kind"] == "Deployment", f"{where}: services migrate at start-up, no Job does"
        service = container["args"][1]
        seen.add(service)
        images[service] = container["image"].split(":")[0]
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
    if overlay == "dev":  # locally built images carry no registry
        assert images == {name: image.rsplit("/", 1)[-1] for name, image in IMAGE_OF.items()}, images
    else:
        assert images == IMAGE_OF, images


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
    from printforge_services.gateway.app import create_app

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
        secret_names = [v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v]
        for container in pod["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    refs.append(("ConfigMap", source["configMapRef"]["name"]))
                if "secretRef" in source:
                    secret_names.append(source["secretRef"]["name"])
            for var in container.get("env", []):
                if "secretKeyRef" in var.get("valueFrom", {}):
                    secret_names.append(var["valueFrom"]["secretKeyRef"]["name"])
        refs += [("Secret", name) for name in secret_names if name not in external]
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


# --- secrets, roles and settings per service -------------------------------------------------------


def _secret_vars(container: dict[str, Any], docs: list[dict[str, Any]]) -> set[str]:
    """The variables a container gets from Secrets: whole Secrets (envFrom) and single keys."""
    secrets = {doc["metadata"]["name"]: secret_data(doc) for doc in docs if doc["kind"] == "Secret"}
    names = set()
    for source in container.get("envFrom", []):
        if "secretRef" in source:
            names |= set(secrets[source["secretRef"]["name"]])
    for var in container.get("env", []):
        if "secretKeyRef" in var.get("valueFrom", {}):
            assert var["valueFrom"]["secretKeyRef"]["key"] == var["name"], var
            names.add(var["name"])
    return names


def _expected_secret_vars(service: str) -> set[str]:
    """What a service uses: its database, the signing key (gateway), S3, and the token keys of
    the service itself and of every service it calls, and nothing else."""
    callees = {callee for callee, callers in GRPC_CALLERS.items() if service in callers}
    tokens = {service} & set(GRPC_PORTS) | callees
    return (
        {service_token_key_var(name) for name in tokens}
        | ({"PRINTFORGE_DATABASE_URL"} if service in DB_CLIENTS else set())
        | ({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} if service in BLOB_CLIENTS else set())
        | ({"PRINTFORGE_SIGNING_KEY"} if service == "gateway" else set())
    )


@pytest.mark.parametrize("overlay", ["base", "dev"])
def test_each_service_is_given_only_the_secrets_it_uses(rendered, overlay: str) -> None:
    docs = rendered[overlay]
    for _, _, container in _printforge_containers(docs):
        service = container["args"][1]
        assert _secret_vars(container, docs) == _expected_secret_vars(service), f"{overlay}: {service}"


def test_the_auth_key_reaches_only_auth_and_the_gateway(rendered) -> None:
    """The issue's attack: a pod that can call auth can mint keys for any user."""
    holders = {
        container["args"][1]
        for _, _, container in _printforge_containers(rendered["dev"])
        if service_token_key_var("auth") in _secret_vars(container, rendered["dev"])
    }
    assert holders == {"auth", "gateway"}


def test_each_service_has_a_database_role_of_its_own(rendered) -> None:
    """The dev postgres component creates one role per service; each service's URL logs in as it."""
    init_sql = (K8S_DIR / "components" / "postgres" / "init-roles.sql").read_text()
    roles = dict(re.findall(r"CREATE ROLE (\w+) LOGIN PASSWORD '([^']+)'", init_sql))
    schemas = dict(re.findall(r"CREATE SCHEMA (\w+) AUTHORIZATION (\w+)", init_sql))
    docs = rendered["dev"]
    secrets = {doc["metadata"]["name"]: secret_data(doc) for doc in docs if doc["kind"] == "Secret"}
    users = {}
    for service in DB_CLIENTS:
        url = sa.make_url(secrets[f"printforge-{service}-secrets"]["PRINTFORGE_DATABASE_URL"])
        assert roles.get(url.username) == url.password, f"{service}: {url.username} is not in init-roles.sql"
        assert schemas.get(url.username) == url.username, f"{service}: role {url.username} owns no schema"
        users[service] = url.username
    assert len(set(users.values())) == len(DB_CLIENTS), users


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_grpc_reflection_is_off_in_production_only(rendered, overlay: str) -> None:
    for _, _, container in _printforge_containers(rendered[overlay]):
        if container["args"][1] not in GRPC_PORTS:
            continue
        value = _env(container, rendered[overlay]).get("PRINTFORGE_GRPC_REFLECTION")
        enabled = Settings.from_env({"PRINTFORGE_GRPC_REFLECTION": value or "", "PRINTFORGE_DATA_DIR": "/x"})
        assert enabled.grpc_reflection is (overlay != "prod"), f"{overlay}: {container['args']} {value!r}"


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_the_gateway_trusts_forwarded_headers_only_from_pod_addresses(rendered, overlay: str) -> None:
    """Envoy is the only pod the gateway admits; the public and the node addresses are no proxy."""
    env = _env(_gateway_container(rendered[overlay]), rendered[overlay])
    networks = [ipaddress.ip_network(n) for n in env["PRINTFORGE_TRUSTED_PROXIES"].split(",")]
    assert networks and all(n.is_private for n in networks), networks
    assert Network(rendered[overlay]).edges() >= {("envoy", "gateway", HTTP_PORT)}
