"""The Dockerfile must install what the README's set-up installs, and agree with the manifests.

No Docker engine is needed: the Dockerfile is read as text. Drift between it and
scripts/setup.sh (a Debian package added for a new import, a new pip extra) would otherwise only
show as a pod crashing at import time in a cluster.
"""

from __future__ import annotations

import re

import yaml

from tests.conftest import REPO_ROOT

DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
SETUP_SH = REPO_ROOT / "scripts" / "setup.sh"
# Packages of setup.sh that the python:3.11 base image already provides in its own build.
PROVIDED_BY_BASE_IMAGE = {"python3-venv", "python3-dev"}


def _instructions(name: str) -> list[str]:
    """The arguments of every `name` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(f"{name} ")]


def _setup_runtime_packages() -> set[str]:
    match = re.search(r"^apt_packages=\(([^)]*)\)", SETUP_SH.read_text(), re.M)
    assert match, "scripts/setup.sh no longer declares apt_packages=(...)"
    return set(match.group(1).split())


def test_base_image_and_user() -> None:
    assert _instructions("FROM") == ["python:3.11-slim-bookworm"]
    user = _instructions("USER")[-1]
    deployment = yaml.safe_load((REPO_ROOT / "k8s" / "base" / "auth.yaml").read_text().split("\n---")[0])
    pod_security = deployment["spec"]["template"]["spec"]["securityContext"]
    assert user == f"{pod_security['runAsUser']}:{pod_security['runAsGroup']}", "non-root numeric user"


def test_debian_packages_match_the_setup_script() -> None:
    install = next(run for run in _instructions("RUN") if "apt-get install" in run)
    installed = {
        word
        for word in install.split("apt-get install", 1)[1].split("&&")[0].split()
        if not word.startswith("-")
    }
    assert installed == _setup_runtime_packages() - PROVIDED_BY_BASE_IMAGE


def test_python_install_matches_the_setup_script() -> None:
    extras = re.search(r'^extras="([^"]+)"', SETUP_SH.read_text(), re.M)
    assert extras, "scripts/setup.sh no longer sets its runtime extras"
    runs = " ".join(_instructions("RUN"))
    assert "python3.11 -m venv .venv" in runs
    assert f"pip install -q -e '.[{extras.group(1)}]'" in runs
    assert _instructions("WORKDIR") == ["/app"]
    assert _instructions("ENTRYPOINT") == ['["printforge"]']
    assert "PATH=/app/.venv/bin:$PATH" in " ".join(_instructions("ENV"))
