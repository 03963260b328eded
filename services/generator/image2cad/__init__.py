"""Image-to-CAD: trace a shape or logo from PNG/JPEG bytes and build a printable part.

`image_to_cad(data, kind, values)` with kind in keychain | stencil | cookie_cutter |
lithophane; `PARAMS[kind]` is the parameter manifest of each kind.
"""

from __future__ import annotations

from printforge_services.generator.image2cad.build import (
    KINDS,
    PARAMS,
    Image2CadError,
    ImageResult,
    image_to_cad,
)
from printforge_services.generator.image2cad.trace import ImageError

__all__ = ["KINDS", "PARAMS", "Image2CadError", "ImageError", "ImageResult", "image_to_cad"]
