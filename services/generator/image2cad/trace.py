"""Image → simplified outlines in millimetres.

Otsu picks the ink/background threshold without a user knob; the ink is whichever
side of the threshold does not dominate the image border. Contours come from
scikit-image's marching squares (no OpenCV dependency), are simplified with
Douglas-Peucker, nested by containment (even depth = outline, odd depth = hole),
scaled to the requested width and flipped so the image's up is +Y.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError
from skimage import filters, measure

MAX_PIXELS = 40_000_000
WORK_SIZE = 512


class ImageError(ValueError):
    """The upload is not a usable image (unreadable, empty, or with nothing to trace)."""


@dataclass(frozen=True)
class Shape:
    """One filled region: an outer ring and the holes inside it, (x, y) in mm."""

    outer: np.ndarray
    holes: tuple[np.ndarray, ...]


def load_gray(data: bytes, max_side: int = WORK_SIZE) -> np.ndarray:
    """Decode PNG/JPEG bytes to a float grayscale array in [0, 1], longest side ≤ max_side."""
    if not data:
        raise ImageError("the image is empty")
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ImageError(
                f"image is {image.width}x{image.height}; at most {MAX_PIXELS} pixels are accepted"
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageError(f"cannot read the image: {exc}") from None
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    gray = image.convert("L")
    scale = max_side / max(gray.size)
    if scale < 1:
        gray = gray.resize(
            (max(1, round(gray.width * scale)), max(1, round(gray.height * scale))), Image.LANCZOS
        )
    return np.asarray(gray, dtype=np.float64) / 255.0


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Boolean mask of the drawing: Otsu threshold, ink = the side not owning the border."""
    if gray.max() - gray.min() < 1e-6:
        raise ImageError("the image has a single colour: nothing to trace")
    threshold = filters.threshold_otsu(gray)
    dark = gray < threshold
    border = np.concatenate([dark[0], dark[-1], dark[:, 0], dark[:, -1]])
    return ~dark if border.mean() > 0.5 else dark


def trace(
    data: bytes, width_mm: float, *, tolerance_px: float = 1.0, min_area_frac: float = 0.002
) -> list[Shape]:
    """Outlines of the ink in `data`, scaled so the drawing is `width_mm` wide."""
    mask = ink_mask(load_gray(data))
    padded = np.pad(mask.astype(np.float64), 1)
    rings = []
    for contour in measure.find_contours(padded, 0.5):
        simple = measure.approximate_polygon(contour, tolerance_px)
        if len(simple) >= 4:
            rings.append(simple[:-1] if np.allclose(simple[0], simple[-1]) else simple)
    if not rings:
        raise ImageError("no shape found in the image")
    areas = np.array([abs(_area(r)) for r in rings])
    keep = areas >= areas.max() * min_area_frac
    rings = [r for r, k in zip(rings, keep, strict=True) if k]
    depth = [
        sum(_inside(r[0], other) for j, other in enumerate(rings) if j != i) for i, r in enumerate(rings)
    ]
    outers = [i for i, d in enumerate(depth) if d % 2 == 0]
    all_pts = np.vstack([rings[i] for i in outers])
    (rmin, cmin), (rmax, cmax) = all_pts.min(axis=0), all_pts.max(axis=0)
    span = max(cmax - cmin, 1e-9)
    scale = width_mm / span
    centre = np.array([(cmin + cmax) / 2, (rmin + rmax) / 2])

    def to_mm(ring: np.ndarray) -> np.ndarray:
        xy = np.column_stack([ring[:, 1], ring[:, 0]]) - centre
        xy[:, 1] *= -1
        return xy * scale

    shapes = []
    for i in outers:
        holes = tuple(
            to_mm(rings[j])
            for j, d in enumerate(depth)
            if d == depth[i] + 1 and _inside(rings[j][0], rings[i])
        )
        shapes.append(Shape(to_mm(rings[i]), holes))
    return sorted(shapes, key=lambda s: -abs(_area(s.outer)))


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _inside(point: np.ndarray, ring: np.ndarray) -> bool:
    return bool(measure.points_in_poly(point[None, :], ring)[0])


def brightness(data: bytes, columns: int) -> np.ndarray:
    """Grayscale in [0, 1] resampled to `columns` wide (rows follow the aspect ratio)."""
    gray = load_gray(data)
    rows = max(2, round(columns * gray.shape[0] / gray.shape[1]))
    image = Image.fromarray((gray * 255).astype(np.uint8)).resize((columns, rows), Image.BILINEAR)
    return np.asarray(image, dtype=np.float64) / 255.0
