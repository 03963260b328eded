"""A container's environment and command line, assembled the way the kubelet assembles them.

Reading env values straight off a manifest misses what actually reaches the process: envFrom
sources (and their precedence), Secret and ConfigMap key references, the downward API, the
image's own ENV, and `$(VAR)` expansion in values, command and args. A misnamed variable or a
wrong subcommand only shows once all of that is applied, so the smoke test runs exactly this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.k8s.loopback import LOOPBACK
from tests.k8s.rendered_manifest import Manifest, Workload

VAR_REF = re.compile(r"\$\$|\$\((?P<name>[-._a-zA-Z][-._a-zA-Z0-9]*)\)")


@dataclass(frozen=True)
class Image:
    """What an image adds to a container spec: ENTRYPOINT, CMD, ENV, and where its executables are here."""

    entrypoint: list[str]
    cmd: list[str]
    env: dict[str, str]
    executables: dict[str, str]


def expand(text: str, env: dict[str, str]) -> str:
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
            env[var["name"]] = expand(var["value"], env)
            continue
        value = _value_from(manifest, workload, var["valueFrom"])
        if value is not None:
            env[var["name"]] = value
    return env


def _value_from(manifest: Manifest, workload: Workload, source: dict[str, Any]) -> str | None:
    """One `valueFrom`: a ConfigMap or Secret key, or a downward-API field of the local pod."""
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
    return [expand(part, env) for part in (*command, *args)]


def required(env: dict[str, str], name: str, where: str) -> str:
    """`env[name]`, failing with the workload's name when the manifest does not set it."""
    assert name in env, f"{where}: the manifest sets no {name}"
    return env[name]
