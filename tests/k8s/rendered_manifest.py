"""The rendered objects of an overlay, looked up the way the kubelet and kube-proxy would.

The smoke test starts each container of the overlay and must answer the questions Kubernetes
answers for a pod: which ConfigMap or Secret a reference means, and which workload and container
port sit behind a Service's `host:port`. Keeping those lookups here, apart from what the test
changes for one machine, keeps the test honest: the lookups follow Kubernetes, not the test.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")
# The kinds a Service can select (a Job's pods serve nobody).
SERVING_KINDS = ("Deployment", "StatefulSet")


@dataclass
class Workload:
    """One container of a workload's pod template (each container is started on its own)."""

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
    """The rendered objects of one namespace, indexed by kind and name."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs
        self.namespace = next(d["metadata"]["name"] for d in docs if d["kind"] == "Namespace")
        self.configmaps = {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}
        self.secrets = {d["metadata"]["name"]: secret_data(d) for d in docs if d["kind"] == "Secret"}
        self.services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
        self.workloads = [
            Workload(d["kind"], d["metadata"]["name"], d["spec"]["template"]["spec"], container)
            for d in docs
            if d["kind"] in WORKLOAD_KINDS
            for container in d["spec"]["template"]["spec"]["containers"]
        ]
        self._labels = {
            d["metadata"]["name"]: d["spec"]["template"]["metadata"].get("labels", {})
            for d in docs
            if d["kind"] in SERVING_KINDS
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


def secret_data(secret: dict[str, Any]) -> dict[str, str]:
    """A Secret's values: `data` is base64, `stringData` plain and wins (as the API server merges them)."""
    values = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    values.update(secret.get("stringData") or {})
    return values
