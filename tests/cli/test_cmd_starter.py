"""`printforge starters` and `printforge starter`: listing, rendering to each format, clear errors."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
import trimesh
from PIL import Image

from printforge_cli.main import main
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import load_mesh
from tests.conftest import REPO_ROOT

PRINTFORGE = REPO_ROOT / ".venv" / "bin" / "printforge"


def test_starters_lists_ids_and_params(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["starters"]) == 0
    out = capsys.readouterr().out
    assert "phone_stand" in out and "gridfinity_bin" in out
    assert "grid_x=2  [1..5] cells" in out


def test_starters_json_is_the_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["starters", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {entry["id"]: entry for entry in data}
    assert len(by_id) >= 13
    names = [p["name"] for p in by_id["phone_stand"]["params"]]
    assert "width" in names and "angle" in names


def test_starter_writes_stl_with_params(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "stand.stl"
    assert (
        main(["starter", "phone_stand", "--param", "width=90", "-p", "cable_notch=false", "-o", str(out)])
        == 0
    )
    assert "90.0" in capsys.readouterr().out
    report = analyze(load_mesh(out.read_bytes(), out.name))
    assert report["status"] == "healthy"
    assert report["extra"]["bounding_box_mm"]["size"][1] == pytest.approx(90.0, abs=0.01)


@pytest.mark.parametrize("suffix", [".step", ".glb", ".3mf", ".png"])
def test_starter_format_follows_extension(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"standoff{suffix}"
    assert main(["starter", "standoff", "-p", "shape=round", "-o", str(out)]) == 0
    data = out.read_bytes()
    if suffix == ".step":
        assert data.startswith(b"ISO-10303-21")
    elif suffix == ".png":
        assert Image.open(io.BytesIO(data)).format == "PNG"
    else:
        mesh = trimesh.load(io.BytesIO(data), file_type=suffix[1:], force="mesh")
        assert mesh.is_watertight


def test_bad_params_are_all_reported_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "knob.stl"
    code = main(
        ["starter", "knob", "-p", "diameter=5", "-p", "flutes=many", "-p", "colour=red", "-o", str(out)]
    )
    assert code != 0
    err = capsys.readouterr().err
    assert "diameter" in err and "flutes" in err and "colour" in err
    assert not out.exists()


def test_unknown_extension_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["starter", "knob", "-o", str(tmp_path / "knob.obj")]) != 0
    assert ".stl" in capsys.readouterr().err


def test_unknown_starter_via_console_script(tmp_path: Path) -> None:
    if not PRINTFORGE.exists():
        pytest.skip(f"{PRINTFORGE} is missing: run `.venv/bin/pip install -e . --no-deps`")
    proc = subprocess.run(
        [str(PRINTFORGE), "starter", "teapot", "-o", str(tmp_path / "t.stl")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    assert "unknown starter 'teapot'" in proc.stderr and "phone_stand" in proc.stderr
    assert proc.stdout == ""
