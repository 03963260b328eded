"""The one-machine overrides: what a workload's command, environment and config files must change
to run here as a local process instead of in a pod.

Each pod of an overlay has its own IP, volumes and image; here they all share one loopback, one
filesystem and the venv. Only that is rewritten, each by one rule, so that whatever else is wrong
in a manifest (a wrong subcommand, a misnamed variable, a missing migration) still fails:
- the in-image executable (`printforge`, `envoy`) becomes the local one the `Image` names;
- PRINTFORGE_DATABASE_URL keeps its driver but names the local test database;
- `service:port` addresses (Kubernetes Service DNS) become 127.0.0.1 and the port of the process
  behind that Service; `*_PORT` variables and Envoy's sockets get free ports;
- paths under a volume mount become directories under `root` (ConfigMaps and Secrets written out,
  and paths inside the YAML config files among them, such as Envoy's certificate files);
- a wildcard bind host becomes 127.0.0.1 (tests stay on loopback).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from tests.integration.mesh import free_port
from tests.k8s.binaries import VENV_BIN
from tests.k8s.loopback import LOOPBACK, POD_LOCAL, WILDCARDS
from tests.k8s.manifest_env import Image
from tests.k8s.rendered_manifest import Manifest, Workload

# `host:port` inside any value, e.g. `auth:50051` or `http://minio:9000`.
ADDRESS = re.compile(r"(?P<host>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[-a-z0-9]+)*):(?P<port>\d+)")


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
        """The local address of a Service's `host:port`, or None when host is no Service of ours."""
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
        mounts = workload.container.get("volumeMounts", [])
        out = {m["mountPath"]: self.root / workload.name / m["name"] / m.get("subPath", "") for m in mounts}
        for mount in mounts:
            local = out[mount["mountPath"]]
            if not local.exists():
                self._materialize(workload, volumes[mount["name"]], local, out)
        return out

    def _materialize(
        self, workload: Workload, volume: dict[str, Any], local: Path, mounts: dict[str, Path]
    ) -> None:
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
                config = self._paths(self._sockets(workload, yaml.safe_load(text)), mounts)
                text = yaml.safe_dump(config, sort_keys=False)
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

    def _paths(self, node: Any, mounts: dict[str, Path]) -> Any:
        """Every string of a config file that is a path under a mount, made local (Envoy's files)."""
        if isinstance(node, list):
            return [self._paths(item, mounts) for item in node]
        if isinstance(node, dict):
            return {k: self._paths(v, mounts) for k, v in node.items()}
        return self._path(node, mounts) if isinstance(node, str) else node

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
        """The manifest's environment, localized, plus what the host must provide itself."""
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
        """The manifest's command line with the image's executable and mount paths made local."""
        assert argv[0] in image.executables, f"{workload.name}: the image has no executable {argv[0]!r}"
        mounts = self.mounts(workload)
        return [image.executables[argv[0]], *(self._path(part, mounts) for part in argv[1:])]
