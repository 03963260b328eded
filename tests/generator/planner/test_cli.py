"""`printforge chat` and `printforge image2cad` end to end through the real CLI entry point."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import trimesh
from PIL import Image, ImageDraw

from printforge_cli.main import main


def test_chat_writes_stl_with_followups(tmp_path: Path) -> None:
    out = tmp_path / "part.stl"
    assert main(["chat", "a 40x20x10 mm box", "make it 15 mm tall", "-o", str(out)]) == 0
    mesh = trimesh.load(out)
    assert sorted(mesh.extents.round(3)) == [15, 20, 40]
    assert mesh.volume == pytest.approx(12000, rel=1e-3)


@pytest.mark.parametrize("suffix", [".step", ".glb", ".3mf"])
def test_chat_formats(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"washer{suffix}"
    assert main(["chat", "M5 washer", "-o", str(out)]) == 0
    assert out.stat().st_size > 100


def test_chat_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "M6 hex nut", "-o", str(tmp_path / "n.stl"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tree"]["family"] == "hex_nut"
    assert {"understood", "assumed", "unused", "confidence"} <= set(data["report"])
    assert any(p["name"] == "size" for p in data["paramManifest"])


def test_chat_errors_are_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "hello there", "-o", str(tmp_path / "x.stl")]) == 1
    assert "I can make" in capsys.readouterr().err
    assert main(["chat", "a cube", "-o", str(tmp_path / "x.obj")]) == 1


def test_chat_not_understood_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.stl"
    assert main(["chat", "a dragon", "-o", str(out), "--json"]) == 1
    captured = capsys.readouterr()
    answer = json.loads(captured.out)
    assert answer["status"] == "not_understood" and answer["unknown_words"] == ["dragon"]
    assert answer["closest"] and "dragon" in captured.err and not out.exists()


def test_image2cad_cli(tmp_path: Path) -> None:
    image = Image.new("L", (120, 120), 255)
    ImageDraw.Draw(image).ellipse((20, 20, 100, 100), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    src = tmp_path / "dot.png"
    src.write_bytes(buffer.getvalue())
    out = tmp_path / "cutter.stl"
    assert main(["image2cad", str(src), "--kind", "cookie_cutter", "--width", "60", "-o", str(out)]) == 0
    mesh = trimesh.load(out)
    assert mesh.is_watertight and mesh.extents.max() == pytest.approx(60 + 2 * (1 + 4), abs=0.5)
    assert main(["image2cad", str(tmp_path / "missing.png"), "--kind", "stencil", "-o", str(out)]) == 1


def test_chat_says_what_the_named_object_sized(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "wall hook for a bike helmet", "-o", str(tmp_path / "hook.stl")]) == 0
    out = capsys.readouterr().out
    assert "understood: Reach = 60 mm from the bike helmet" in out and "not used" not in out
