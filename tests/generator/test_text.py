"""Bundled font, glyph coverage errors and text fitting (services/generator/text.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from printforge_services.generator import text
from printforge_services.generator.manifest import ParamError
from printforge_services.generator.render import tight_bbox


def ink_width_drawn(line: str, size: float) -> float:
    x0, _, _, x1, _, _ = tight_bbox(text.text_faces(line, size))
    return x1 - x0


def test_font_is_bundled_absolute_and_ofl() -> None:
    path = Path(text.font_path())
    assert path.is_absolute()
    assert path.is_file()
    assert path.parent == Path(text.__file__).resolve().parent / "fonts"
    assert path.stat().st_size < 1_000_000
    license_text = (path.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in license_text
    assert text.font_name() in license_text.replace("LiberationSans", "Liberation Sans")


def test_font_covers_latin1() -> None:
    latin1 = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x100))
    assert text.missing_characters(latin1) == []


@pytest.mark.parametrize("char", ["☃", "中", "😀"])
def test_missing_glyph_names_character_and_field(char: str) -> None:
    with pytest.raises(ParamError) as info:
        text.check_text(f"Hi {char}!", "primaryText")
    message = info.value.errors["primaryText"]
    assert repr(char) in message
    assert f"U+{ord(char):04X}" in message
    assert text.font_name() in message


def test_every_missing_character_is_listed_once() -> None:
    with pytest.raises(ParamError) as info:
        text.check_text("☃a☃中", "name")
    message = info.value.errors["name"]
    assert message.count("U+2603") == 1
    assert "U+4E2D" in message
    assert message.startswith("characters ")


def test_text_without_ink_is_rejected() -> None:
    with pytest.raises(ParamError, match="no visible characters"):
        text.check_text("   ", "primaryText")


def test_missing_font_file_is_an_error_not_a_fallback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(text, "FONT_FILE", tmp_path / "absent.ttf")
    with pytest.raises(FileNotFoundError, match=r"absent\.ttf"):
        text.text_faces("A", 10.0)


@pytest.mark.parametrize("line", ["AVATAR", "To Wa", "Jürgen ÄÖÜ ß", "fij"])
def test_measured_ink_matches_what_occt_draws(line: str) -> None:
    box = text.ink_box(line, 12.0)
    assert box is not None
    assert ink_width_drawn(line, 12.0) == pytest.approx(box.width, abs=1e-3)


def test_text_faces_are_flat_and_centred() -> None:
    x0, y0, z0, x1, y1, z1 = tight_bbox(text.text_faces("Hello", 10.0))
    assert (x0 + x1) / 2 == pytest.approx(0.0, abs=1e-6)
    assert (y0 + y1) / 2 == pytest.approx(0.0, abs=1e-6)
    assert z0 == pytest.approx(0.0, abs=1e-6) and z1 == pytest.approx(0.0, abs=1e-6)


def test_fit_keeps_size_when_there_is_room() -> None:
    assert text.fit_size("Hi", "f", 12.0, 1000.0) == 12.0


def test_fit_scales_down_to_the_available_width() -> None:
    line = "Happy Birthday"
    natural = text.ink_box(line, 20.0)
    assert natural is not None
    room = natural.width * 0.6
    size = text.fit_size(line, "f", 20.0, room)
    assert size == pytest.approx(12.0)
    assert ink_width_drawn(line, size) <= room + 1e-3


def test_fit_refuses_text_below_the_printable_size() -> None:
    line = "A rather long message"
    unit = text.ink_box(line, 1.0)
    assert unit is not None
    room = unit.width * text.min_font_size() * 0.9
    with pytest.raises(ParamError) as info:
        text.fit_size(line, "secondaryText", 20.0, room)
    assert "too long" in info.value.errors["secondaryText"]


def test_min_font_size_keeps_stems_printable() -> None:
    assert ink_width_drawn("l", text.min_font_size()) >= text.MIN_FEATURE_MM
