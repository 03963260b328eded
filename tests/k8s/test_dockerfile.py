"""The Dockerfile's two images install what the README's set-up installs, pinned, as the manifests expect.

No Docker engine is needed: the Dockerfile is read as text, the lock files are parsed. Drift
between it and scripts/setup.sh or pyproject.toml (a Debian package added for a new import, a new
dependency missing from a lock file, an unpinned base image) would otherwise only show as a pod
crashing at import time in a cluster, or as an image that differs from one build to the next.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO_ROOT

DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
SETUP_SH = REPO_ROOT / "scripts" / "setup.sh"
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
LOCKS = {"slim": REPO_ROOT / "requirements" / "slim.lock", "cad": REPO_ROOT / "requirements" / "cad.lock"}
# The pyproject extras each image adds to the core dependencies.
IMAGE_EXTRAS = {"slim": [], "cad": ["cad"]}
# Packages of setup.sh that the python:3.11 base image already provides in its own build.
PROVIDED_BY_BASE_IMAGE = {"python3-venv", "python3-dev"}
# What the slim image must do without: the CAD kernel and what only CAD work loads.
CAD_ONLY = {"cadquery", "cadquery-ocp", "vtk", "scikit-image", "open3d", "pymeshlab"}
DIGEST = re.compile(r"^[\w.\-/:]+:[\w.\-]+@sha256:[0-9a-f]{64}$")


def _lines() -> list[str]:
    """Instructions with continuation lines joined, runs of blanks made one, and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    return [" ".join(line.split()) for line in joined.splitlines() if line.strip() and line.split()[0] != "#"]


def _stages() -> dict[str, list[tuple[str, str]]]:
    """Each stage's (instruction, arguments), by stage name."""
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in _lines():
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            name = rest.split(" AS ")[-1].strip() if " AS " in rest else f"stage{len(stages)}"
            current = stages.setdefault(name, [])
        if current is not None:
            current.append((word.upper(), rest))
    return stages


def _in(stage: str, instruction: str) -> list[str]:
    """`instruction`'s arguments in `stage` and in the stages it is built FROM."""
    stages = _stages()
    found = []
    while stage in stages:
        found = [rest for word, rest in stages[stage] if word == instruction] + found
        parent = next(rest for word, rest in stages[stage] if word == "FROM").split(" AS ")[0].strip()
        stage = parent
    return found


def _build_args() -> dict[str, str]:
    return dict(
        line.split(None, 1)[1].split("=", 1)
        for line in _lines()
        if line.startswith("ARG ") and "=" in line and line.index("ARG") < line.index("=")
    )


def _setup_runtime_packages() -> set[str]:
    match = re.search(r"^apt_packages=\(([^)]*)\)", SETUP_SH.read_text(), re.M)
    assert match, "scripts/setup.sh no longer declares apt_packages=(...)"
    return set(match.group(1).split())


def _lock(image: str) -> dict[str, str]:
    """{name: version} of a lock file, after checking every entry is pinned with hashes."""
    text = LOCKS[image].read_text()
    pinned = r"^([A-Za-z0-9][\w.\-]*)==([^\s\\;]+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)"
    entries = re.findall(pinned, text, re.M)
    names = [line for line in text.splitlines() if line and not line[0].isspace() and line[0] != "#"]
    assert len(entries) == len(names), f"{image}.lock has entries without an exact pin or hashes"
    return {canonicalize_name(name): version for name, version, _ in entries}


def test_every_base_image_is_pinned_by_digest() -> None:
    stages = _stages()
    args = _build_args()
    for name, instructions in stages.items():
        image = instructions[0][1].split(" AS ")[0].strip()
        image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], image)
        if image in stages:
            continue
        assert DIGEST.match(image), f"stage {name}: FROM {image} is not pinned by a sha256 digest"
        assert image.startswith("python:3.11-slim-bookworm@"), image


def test_digest_check_refuses_a_tag_alone() -> None:
    assert not DIGEST.match("python:3.11-slim-bookworm")
    assert not DIGEST.match("python:3.11-slim-bookworm@sha256:1234")


def test_two_images_run_as_the_pods_user() -> None:
    deployment = yaml.safe_load((REPO_ROOT / "k8s" / "base" / "auth.yaml").read_text().split("\n---")[0])
    pod_security = deployment["spec"]["template"]["spec"]["securityContext"]
    for image in IMAGE_EXTRAS:
        user = _in(image, "USER")[-1]
        assert user == f"{pod_security['runAsUser']}:{pod_security['runAsGroup']}", "non-root numeric user"
        assert _in(image, "WORKDIR") == ["/app"]
        assert _in(image, "ENTRYPOINT") == ['["printforge"]']
        assert "PATH=/app/.venv/bin:$PATH" in " ".join(_in(image, "ENV"))


def test_only_the_cad_image_has_the_debian_packages_of_the_setup_script() -> None:
    (install,) = [run for run in _in("cad", "RUN") if "apt-get install" in run]
    installed = {
        word
        for word in install.split("apt-get install", 1)[1].split("&&")[0].split()
        if not word.startswith("-")
    }
    assert installed == _setup_runtime_packages() - PROVIDED_BY_BASE_IMAGE
    assert not [run for run in _in("slim", "RUN") if "apt-get" in run], "the slim image needs no OpenGL"


@pytest.mark.parametrize("image", sorted(IMAGE_EXTRAS))
def test_each_image_installs_its_lock_file_and_nothing_else(image: str) -> None:
    assert f"requirements/{image}.lock requirements/" in _in(image, "COPY")
    installs = [run for run in _in(image, "RUN") if "pip install" in run]
    assert installs == [
        f"python3.11 -m venv .venv && .venv/bin/python -m pip install -q --require-hashes --no-deps "
        f"-r requirements/{image}.lock",
        ".venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .",
    ]


@pytest.mark.parametrize("image", sorted(IMAGE_EXTRAS))
def test_the_lock_files_pin_what_pyproject_asks_for(image: str) -> None:
    locked = _lock(image)
    wanted = [*PYPROJECT["project"]["dependencies"], *PYPROJECT["build-system"]["requires"]]
    for extra in IMAGE_EXTRAS[image]:
        wanted += PYPROJECT["project"]["optional-dependencies"][extra]
    for spec in map(Requirement, wanted):
        name = canonicalize_name(spec.name)
        assert name in locked, f"{image}.lock lacks {spec}: run scripts/lock_requirements.sh"
        version = locked[name]
        assert spec.specifier.contains(version, prereleases=True), f"{image}.lock: {name}=={version}, {spec}"


def test_the_slim_image_has_no_cad_stack_and_the_cad_image_the_set_up_extras() -> None:
    assert not CAD_ONLY & set(_lock("slim")), CAD_ONLY & set(_lock("slim"))
    extras = re.search(r'^extras="([^"]+)"', SETUP_SH.read_text(), re.M)
    assert extras, "scripts/setup.sh no longer sets its runtime extras"
    assert IMAGE_EXTRAS["cad"] == extras.group(1).split(","), "the CAD image installs what setup.sh does"


def test_the_slim_images_services_start_without_the_cad_stack() -> None:
    """gateway and auth import, and build their app and servicer, with CadQuery & co. missing."""
    blocked = sorted({"cadquery", "OCP", "skimage", "open3d", "pymeshlab", "fontTools"})
    script = f"""
import sys
for name in {blocked!r}:
    sys.modules[name] = None  # `import name` now raises ImportError, as in the slim image
import tempfile
from printforge.runtime.config import Settings
from printforge_services.gateway.app import create_app
from printforge_services.auth.server import build_spec
import printforge_services.gateway.__main__, printforge_services.auth.__main__, printforge_cli.main
settings = Settings.from_env({{"PRINTFORGE_DATA_DIR": tempfile.mkdtemp()}})
create_app(settings)
build_spec(settings)
print("ok")
"""
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]


def _module_owners() -> dict[str, set[str]]:
    """{top-level module: distributions installing it}, compiled modules included (Python 3.11's
    importlib.metadata.packages_distributions sees only .py files, so it misses manifold3d's .so)."""
    from importlib.metadata import distributions

    owners: dict[str, set[str]] = {}
    for dist in distributions():
        for file in dist.files or ():
            top = file.parts[0] if len(file.parts) > 1 else file.name.split(".")[0]
            if not top.endswith((".dist-info", ".data")) and top not in ("..", "__pycache__"):
                owners.setdefault(top, set()).add(dist.metadata["Name"])
    return owners


def _imported_distributions(package_dirs: list[str]) -> dict[str, str]:
    """{distribution: a module that imports it} for every import, lazy ones included, in the code."""
    import ast

    owners = _module_owners()
    found: dict[str, str] = {}
    for directory in package_dirs:
        for path in sorted((REPO_ROOT / directory).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    tops = [alias.name.split(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    tops = [node.module.split(".")[0]]
                else:
                    continue
                for top in tops:
                    for dist in owners.get(top, ()):
                        found.setdefault(canonicalize_name(dist), str(path.relative_to(REPO_ROOT)))
    return found


def test_the_cad_image_holds_every_package_the_code_imports() -> None:
    """A package only a test extra brings (as manifold3d was) would pass every test here and
    fail the first build of a part in the CAD image and under `./dev up`."""
    locked = set(_lock("cad"))
    missing = {
        dist: where
        for dist, where in _imported_distributions(["printforge", "printforge_cli", "services"]).items()
        if dist not in locked and dist != "printforge"
    }
    assert not missing, f"imported by the services but in no runtime dependency: {missing}"
