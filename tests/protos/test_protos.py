"""The protos lint clean under buf STANDARD and the committed Python code matches them."""

from __future__ import annotations

import filecmp
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import gen_protos


def _buf() -> str:
    local = REPO_ROOT / ".tools" / "node_modules" / ".bin" / "buf"
    found = str(local) if local.exists() else shutil.which("buf")
    if found is None:
        pytest.skip("buf is not installed (scripts/setup.sh test installs it from npm: @bufbuild/buf)")
    return found


def test_buf_lint_standard_passes() -> None:
    result = subprocess.run([_buf(), "lint"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_lint_catches_a_violation(tmp_path: Path) -> None:
    """The lint really runs STANDARD rules: a service without the Service suffix fails."""
    shutil.copy(REPO_ROOT / "buf.yaml", tmp_path / "buf.yaml")
    bad = tmp_path / "protos" / "printforge" / "bad" / "v1"
    bad.mkdir(parents=True)
    (bad / "bad.proto").write_text(
        'syntax = "proto3";\npackage printforge.bad.v1;\n'
        "service Bad { rpc Do(DoRequest) returns (DoResponse); }\n"
        "message DoRequest {}\nmessage DoResponse {}\n"
    )
    result = subprocess.run([_buf(), "lint"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SERVICE_SUFFIX" in result.stdout + result.stderr or "Service" in result.stdout


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    gen_protos.generate(tmp_path)
    for generated in tmp_path.rglob("*_pb2*.py*"):
        committed = REPO_ROOT / generated.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is missing: run scripts/gen_protos.py"
        assert filecmp.cmp(generated, committed, shallow=False), (
            f"{committed} is stale: run scripts/gen_protos.py"
        )


@pytest.mark.parametrize("service", ["task", "auth", "generator", "printability"])
def test_generated_packages_import_cleanly(service: str) -> None:
    module = importlib.import_module(f"printforge.{service}.v1.{service}_pb2")
    assert module.DESCRIPTOR.package == f"printforge.{service}.v1"
