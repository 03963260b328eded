"""The images the dev overlay's containers run, as `Image`s whose executables exist on this machine.

Kubernetes takes a container's ENTRYPOINT, CMD and ENV from its image; the smoke test has no
images, so it reads the printforge image from the Dockerfile itself (the test follows the image
it stands in for) and describes Envoy's upstream image, pointing both at local executables.
"""

from __future__ import annotations

import json
import re
import shlex

from tests.conftest import REPO_ROOT
from tests.k8s.binaries import VENV_BIN
from tests.k8s.manifest_env import Image

DOCKERFILE = REPO_ROOT / "Dockerfile"

NO_IMAGE = Image(entrypoint=[], cmd=[], env={}, executables={})
"""For the stand-in workloads (MinIO, PostgreSQL): only the environment their manifest gives them matters."""


def printforge_image() -> Image:
    """ENTRYPOINT, CMD and ENV of the Dockerfile, with `printforge` being the venv's."""
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


def envoy_image(binary: str) -> Image:
    """envoyproxy/envoy's distroless image: ENTRYPOINT /usr/local/bin/envoy, CMD -c /etc/envoy/envoy.yaml."""
    return Image(
        entrypoint=["/usr/local/bin/envoy"],
        cmd=["-c", "/etc/envoy/envoy.yaml"],
        env={},
        executables={"/usr/local/bin/envoy": binary, "envoy": binary},
    )
