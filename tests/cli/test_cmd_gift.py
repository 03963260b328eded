"""`printforge gift`: one real process end to end, error paths in-process (no CAD start-up each)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from printforge_cli.main import main
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_io import load_mesh
from tests.conftest import REPO_ROOT

SCRIPT = Path(sys.executable).with_name("printforge")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "printforge_cli.main"]


def test_process_writes_a_healthy_3mf(tmp_path: Path) -> None:
    out = tmp_path / "tag.3mf"
    proc = subprocess.run(
        [*COMMAND, "gift", "keychain", "--config", '{"name": "Zoë"}', "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert str(out) in proc.stdout
    assert zipfile.is_zipfile(out)
    report = analyze(load_mesh(out.read_bytes(), out.name))
    assert report["status"] == "healthy"


@pytest.mark.parametrize("suffix", [".step", ".stl", ".glb"])
def test_format_follows_the_extension(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"bookmark{suffix}"
    assert main(["gift", "bookmark", "--config", '{"primaryText": "Ch. 1"}', "-o", str(out)]) == 0
    data = out.read_bytes()
    if suffix == ".step":
        assert data.startswith(b"ISO-10303-21")
    elif suffix == ".glb":
        assert data[:4] == b"glTF"
    else:
        assert analyze(load_mesh(data, out.name))["status"] == "healthy"
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith(f"wrote {out}")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["gift", "coaster", "--config", '{"primaryText": "snow ☃"}'], "primaryText: character '☃' (U+2603)"),
        (["gift", "coaster", "--config", "{bad json"], "--config is not valid JSON"),
        (["gift", "coaster", "--config", "[1, 2]"], "must be a JSON object"),
        (["gift", "teapot"], "unknown gift 'teapot'; available: bookmark, coaster"),
        (["gift", "coaster", "--config", '{"diameter": 5, "colour": "red"}'], "diameter: 5.0 is below"),
        (["gift", "coaster", "--config", '{"colour": "red"}'], "colour: unknown parameter"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    out = tmp_path / "part.stl"
    assert main([*argv, "-o", str(out)]) == 2
    assert fragment in capsys.readouterr().err
    assert not out.exists()


def test_unknown_extension_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gift", "coaster", "-o", str(tmp_path / "part.obj")]) == 2
    assert "cannot tell the format" in capsys.readouterr().err


def test_unwritable_output_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gift", "coaster", "-o", str(tmp_path / "missing-dir" / "part.stl")]) == 1
    assert "cannot write" in capsys.readouterr().err
