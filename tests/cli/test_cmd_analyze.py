"""`printforge analyze` run as a real process, as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.fixtures_meshes import binary_stl, cube

SCRIPT = Path(sys.executable).with_name("printforge")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "printforge_cli.main"]


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


def _t_with_fin_stl(tmp_path: Path) -> Path:
    """A T (200 mm^2 of bar overhanging 20 mm) with a 0.3 mm fin on its bar, as a binary STL."""
    import trimesh

    def box(size: tuple[float, ...], center: tuple[float, ...]) -> trimesh.Trimesh:
        part = trimesh.creation.box(size)
        part.apply_translation(center)
        return part

    parts = [box((10, 10, 20), (0, 0, 10)), box((30, 10, 5), (0, 0, 22.5)), box((0.3, 8, 4), (0, 0, 27))]
    part = trimesh.boolean.union(parts, engine="manifold")
    path = tmp_path / "t.stl"
    path.write_bytes(binary_stl(part.vertices, part.faces))
    return path


def _prep_cli(*args: str, slicer: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if slicer is not None:
        env["PRINTFORGE_SLICER_PATH"] = slicer
    return subprocess.run(
        [*COMMAND, "analyze", *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, env=env
    )


def test_print_prep_report(tmp_path: Path) -> None:
    if shutil.which("prusa-slicer") is None and not os.environ.get("CI"):
        pytest.skip("prusa-slicer is not installed (scripts/setup.sh installs it)")
    proc = _prep_cli(str(_t_with_fin_stl(tmp_path)), "--printer", "Prusa MK3S+", "--material", "PLA")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "print prep (nozzle 0.4 mm, printer profile):" in out
    assert "thin walls:         1 regions below 0.4 mm, thinnest 0.3 mm" in out
    assert "supports as placed: 200 mm^2 overhang, 4000 mm^3 support, 100 mm^2 on the plate" in out
    line = next(ln for ln in out.splitlines() if "slicer estimate:" in ln)
    assert "PLA on Prusa MK3S+ (PrusaSlicer 2.5" in line and "current orientation" in line


def test_print_prep_json_without_the_slicer_says_why(tmp_path: Path) -> None:
    stl = _t_with_fin_stl(tmp_path)
    proc = _prep_cli(
        str(stl), "--json", "--printer", "mk3s", "--auto-orient", slicer="/nonexistent/prusa-slicer"
    )
    assert proc.returncode == 0, proc.stderr
    prep = json.loads(proc.stdout)["print_prep"]
    estimate = prep["print_estimate"]
    assert estimate["print_time_s"] is None and estimate["filament_g"] is None
    assert "/nonexistent/prusa-slicer" in estimate["reason"] and estimate["orientation"] == "best"
    assert (
        prep["overhangs"]["best"]["support_volume_mm3"] < prep["overhangs"]["current"]["support_volume_mm3"]
    )
    text = _prep_cli(str(stl), "--material", "petg", slicer="/nonexistent/prusa-slicer")
    assert "slicer estimate:    unavailable: no printer given" in text.stdout


def test_unknown_material(cube_stl: Path) -> None:
    proc = printforge(str(cube_stl), "--material", "wood")
    assert proc.returncode == 1
    assert "unknown material 'wood'; known materials: PLA, PETG, ABS" in proc.stderr
