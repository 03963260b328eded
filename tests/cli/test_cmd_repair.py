"""`printforge repair`: writes a healthy file in the requested format and fails cleanly on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh

from printforge_cli.main import main
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import load_mesh
from tests.conftest import REPO_ROOT


def _broken_stl(path: Path) -> Path:
    box = trimesh.creation.box(extents=(20, 20, 20)).subdivide().subdivide()
    box.merge_vertices()
    broken = trimesh.Trimesh(box.vertices, np.delete(box.faces, [3, 50], axis=0), process=False)
    path.write_bytes(broken.export(file_type="stl"))
    return path


def test_repair_writes_healthy_stl_and_reports(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = _broken_stl(tmp_path / "box.stl")
    out = tmp_path / "fixed.stl"
    assert main(["repair", str(src), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "before: error" in printed and "after:  healthy" in printed and "fill_holes" in printed
    fixed = load_mesh(out.read_bytes(), out.name)
    assert analyze(fixed)["status"] == "healthy"
    assert fixed.vertices.max() == np.float32(10.0)  # millimetres in, millimetres out


def test_output_format_follows_extension_and_json(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = _broken_stl(tmp_path / "box.stl")
    out = tmp_path / "fixed.glb"
    assert main(["repair", str(src), "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["before"]["metrics"]["holes"] == 2 and report["after"]["status"] == "healthy"
    assert "fill_holes" in report["steps_ran"]
    fixed = load_mesh(out.read_bytes(), out.name)
    assert analyze(fixed)["status"] == "healthy"
    assert fixed.vertices.max() == pytest.approx(10.0, rel=1e-6)  # metres in the file, mm after loading


def test_unreadable_input_exits_nonzero_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.stl"
    bad.write_bytes(b"\x00" * 80 + (1000).to_bytes(4, "little") + b"\x00" * 60)  # truncated
    done = subprocess.run(
        [sys.executable, "-m", "printforge_cli.main", "repair", str(bad), "-o", str(tmp_path / "o.stl")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 1
    assert "printforge repair: cannot read" in done.stderr and "Traceback" not in done.stderr


def test_missing_file_and_empty_mesh_are_clean_errors(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["repair", str(tmp_path / "nope.stl"), "-o", str(tmp_path / "o.stl")]) == 1
    empty = tmp_path / "empty.obj"
    empty.write_text("v 0 0 0\n")
    assert main(["repair", str(empty), "-o", str(tmp_path / "o.obj")]) == 1
    err = capsys.readouterr().err
    assert "cannot read" in err and "no triangles" in err


def _sheet_stl(path: Path) -> Path:
    """One single-sided 30 x 20 mm panel: zero volume, a sheet to thicken."""
    v = np.array([[0, 0, 0], [30, 0, 0], [30, 20, 0], [0, 20, 0]], float)
    path.write_bytes(trimesh.Trimesh(v, [[0, 1, 2], [0, 2, 3]], process=False).export(file_type="stl"))
    return path


def test_min_wall_sets_the_thickness_a_sheet_is_printed_with(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = _sheet_stl(tmp_path / "panel.stl")
    out = tmp_path / "fixed.stl"
    assert main(["repair", str(src), "-o", str(out), "--min-wall", "0.8", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["shell_wall_mm"] == 0.8 and report["faithfulness"]["p99_input_to_output_pct"] == 0.0
    fixed = analyze(load_mesh(out.read_bytes(), out.name))
    assert fixed["status"] == "healthy"
    assert fixed["metrics"]["volume"] * 1e9 == pytest.approx(30 * 20 * 0.8, rel=1e-5)  # float32 STL
    assert main(["repair", str(src), "-o", str(out)]) == 0
    assert "sheets: thickened to 1 mm shells" in capsys.readouterr().out


def test_min_wall_that_is_not_positive_is_a_clean_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = _sheet_stl(tmp_path / "panel.stl")
    assert main(["repair", str(src), "-o", str(tmp_path / "o.stl"), "--min-wall", "0"]) == 1
    assert "minimum wall must be a positive number" in capsys.readouterr().err
