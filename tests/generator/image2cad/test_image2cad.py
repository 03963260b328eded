"""Image-to-CAD on images drawn in code: a circle, a star and a letter, every kind."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from printforge_services.generator.image2cad import KINDS, PARAMS, Image2CadError, ImageError, image_to_cad
from printforge_services.generator.image2cad.trace import trace
from tests.generator.planner.geometry import measure


def _png(draw, size: tuple[int, int] = (200, 200)) -> bytes:
    image = Image.new("L", size, 255)
    draw(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _star_points() -> list[tuple[float, float]]:
    return [
        (100 + r * math.cos(math.pi / 2 + i * math.pi / 5), 100 - r * math.sin(math.pi / 2 + i * math.pi / 5))
        for i, r in enumerate([80, 32] * 5)
    ]


CIRCLE = _png(lambda d: d.ellipse((40, 40, 160, 160), fill=0))
STAR = _png(lambda d: d.polygon(_star_points(), fill=0))
LETTER = _png(lambda d: d.text((30, 10), "A", fill=0, font=ImageFont.load_default(size=170)))
IMAGES = {"circle": CIRCLE, "star": STAR, "letter": LETTER}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(IMAGES))
def test_every_kind_is_one_watertight_solid(name: str, kind: str) -> None:
    result = image_to_cad(IMAGES[name], kind, {"width": 50})
    m = measure(result.shape)
    assert result.shape.isValid() and m.bodies == 1 and m.watertight
    assert {p.name for p in result.manifest} == {p.name for p in PARAMS[kind]}
    if kind == "stencil":
        margin = result.values["margin"]
        assert result.shape.BoundingBox().xlen == pytest.approx(50 + 2 * margin, abs=0.5)
        assert m.genus >= 1
    if kind == "keychain":
        assert m.genus >= 1  # the key-ring hole
    if kind == "cookie_cutter":
        assert m.genus == 1 and m.dims[0] == pytest.approx(result.values["height"])


def test_circle_traces_to_scaled_circle() -> None:
    (shape,) = trace(CIRCLE, 30)
    radii = np.hypot(shape.outer[:, 0], shape.outer[:, 1])
    assert radii == pytest.approx(15, abs=0.4)
    assert shape.outer[:, 0].max() - shape.outer[:, 0].min() == pytest.approx(30, abs=1e-6)


def test_letter_a_has_a_counter_hole() -> None:
    shapes = trace(LETTER, 40)
    assert len(shapes) == 1 and len(shapes[0].holes) == 1


def test_star_has_ten_corners_after_simplification() -> None:
    (shape,) = trace(STAR, 40, tolerance_px=2.0)
    assert 10 <= len(shape.outer) <= 14


def test_tiny_specks_are_dropped() -> None:
    data = _png(lambda d: (d.ellipse((40, 40, 160, 160), fill=0), d.rectangle((5, 5, 6, 6), fill=0)))
    assert len(trace(data, 30)) == 1


def test_light_on_dark_jpeg() -> None:
    image = Image.new("RGB", (200, 200), (0, 0, 0))
    ImageDraw.Draw(image).ellipse((40, 40, 160, 160), fill=(250, 250, 250))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    (shape,) = trace(buffer.getvalue(), 30)
    assert np.hypot(shape.outer[:, 0], shape.outer[:, 1]) == pytest.approx(15, abs=0.6)


def test_lithophane_thickness_follows_darkness() -> None:
    result = image_to_cad(CIRCLE, "lithophane", {"width": 40, "resolution": 40})
    volume = result.shape.Volume()
    area = 40 * 40
    assert 0.8 * area < volume < 3.0 * area
    dark_fraction = math.pi * 60**2 / 200**2
    expected = area * (0.8 + 2.2 * dark_fraction)
    assert volume == pytest.approx(expected, rel=0.1)


@pytest.mark.parametrize(
    ("data", "error"),
    [(b"", ImageError), (b"definitely not an image", ImageError), (_png(lambda d: None), ImageError)],
)
def test_bad_uploads_raise_clean_errors(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        image_to_cad(data, "keychain")


def test_unknown_kind_and_bad_params() -> None:
    with pytest.raises(Image2CadError, match="unknown kind"):
        image_to_cad(CIRCLE, "statue")
    with pytest.raises(ValueError, match="width"):
        image_to_cad(CIRCLE, "keychain", {"width": -5})
