"""`printforge analyze` run as a real process, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.fixtures_meshes import binary_stl, cube

SCRIPT = Path(sys.executable).with_name("printforge")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "printforge.cli.main"]


def printforge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "analyze", *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False
    )


@pytest.fixture
def cube_stl(tmp_path: Path) -> Path:
    path = tmp_path / "cube.stl"
    path.write_bytes(binary_stl(*cube(10.0)))
    return path


def test_json_output(cube_stl: Path) -> None:
    proc = printforge(str(cube_stl), "--json", "--printer", "Prusa MINI")
    assert proc.returncode == 0, proc.stderr
    block = json.loads(proc.stdout)
    assert block["_version"] == "v1"
    assert block["status"] == "healthy"
    assert block["metrics"]["volume"] == pytest.approx(1e-6)
    assert block["extra"]["fits_printer"]["printer"] == "Prusa MINI+"
    assert block["extra"]["fits_printer"]["fits"] is True


def test_unit_option_scales_volume(cube_stl: Path) -> None:
    proc = printforge(str(cube_stl), "--json", "--unit", "cm")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["metrics"]["volume"] == pytest.approx(1e-3)


def test_human_summary(tmp_path: Path) -> None:
    vertices, faces = cube(10.0)
    path = tmp_path / "open.stl"
    path.write_bytes(binary_stl(vertices, faces[1:]))
    proc = printforge(str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("open.stl: error (1 errors, 1 warnings)")
    assert "holes:              1" in proc.stdout


def test_file_without_triangles_reports_unknown(tmp_path: Path) -> None:
    path = tmp_path / "empty.stl"
    path.write_bytes(b"solid empty\nendsolid empty\n")
    proc = printforge(str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "unknown"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.stl", binary_stl(*cube(1.0))[:-20], "binary STL is truncated"),
        ("junk.glb", b"glTF" + b"\xff" * 40, "GLB"),
        ("missing.stl", None, "cannot read"),
        ("notes.txt", b"hello", "unsupported file type"),
    ],
)
def test_unreadable_files_fail_cleanly(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    proc = printforge(str(path), "--json")
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_printer(cube_stl: Path) -> None:
    proc = printforge(str(cube_stl), "--printer", "Replicator 1987")
    assert proc.returncode != 0
    assert "unknown printer 'Replicator 1987'" in proc.stderr and "Prusa MK4" in proc.stderr


@pytest.mark.shared
def test_corpus_file_through_the_cli(shared_dir: Path) -> None:
    expected = json.loads((shared_dir / "corpus" / "expected-printability.json").read_text())["pyramids.3mf"]
    proc = printforge(str(shared_dir / "corpus" / "meshes" / "pyramids.3mf"), "--json")
    assert proc.returncode == 0, proc.stderr
    block = json.loads(proc.stdout)
    assert block["status"] == expected["status"]
    assert block["metrics"]["volume"] == pytest.approx(expected["metrics"]["volume"], rel=1e-6)
