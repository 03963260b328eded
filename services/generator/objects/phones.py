"""Phones and tablets a stand or dock holds: outside size in portrait (width x height x thickness)."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject


def _device(
    id_: str,
    title: str,
    aliases: tuple[str, ...],
    size: tuple[float, float, float],
    source: str,
    **extra: object,
) -> MakerObject:
    """A phone (case adds ~1.5 mm a side) or, with `tablet=True`, a tablet (~2 mm a side)."""
    allowance = 4.0 if extra.get("tablet") else 3.0
    return MakerObject(id_, title, aliases, size, source, {"case_allowance": allowance, **extra})


OBJECTS = (
    # A typical 6.1" smartphone, used when the prompt only says "phone": 147.6 x 71.6 x 7.8 mm
    # (iPhone 15). Source: apple.com/iphone-15/specs.
    _device(
        "phone",
        "phone",
        ("smartphone", "cell phone", "cellphone", "mobile phone", "mobile"),
        (71.6, 147.6, 7.8),
        "apple.com/iphone-15/specs",
    ),
    # iPhone 15 Pro Max: 159.9 x 76.7 x 8.25 mm. Source: apple.com/iphone-15-pro/specs.
    _device(
        "iphone_15_pro_max",
        "iphone 15 pro max",
        ("iphone pro max",),
        (76.7, 159.9, 8.25),
        "apple.com/iphone-15-pro/specs",
    ),
    # iPhone 15: 147.6 x 71.6 x 7.8 mm. Source: apple.com/iphone-15/specs.
    _device("iphone_15", "iphone 15", ("iphone",), (71.6, 147.6, 7.8), "apple.com/iphone-15/specs"),
    # Google Pixel 8: 150.5 x 70.8 x 8.9 mm. Source: store.google.com Pixel 8 tech specs.
    _device(
        "pixel_8",
        "pixel 8",
        ("google pixel 8", "pixel"),
        (70.8, 150.5, 8.9),
        "store.google.com Pixel 8 tech specs",
    ),
    # Samsung Galaxy S24: 147.0 x 70.6 x 7.6 mm. Source: samsung.com Galaxy S24 specifications.
    _device(
        "galaxy_s24",
        "galaxy s24",
        ("samsung galaxy s24", "samsung galaxy", "galaxy"),
        (70.6, 147.0, 7.6),
        "samsung.com Galaxy S24 specifications",
    ),
    # iPad (10th generation): 248.6 x 179.5 x 7.0 mm. Source: apple.com/ipad-10.9/specs.
    _device(
        "ipad", "ipad", ("tablet", "ipad air"), (179.5, 248.6, 7.0), "apple.com/ipad-10.9/specs", tablet=True
    ),
    # iPad mini (6th generation): 195.4 x 134.8 x 6.3 mm. Source: apple.com/ipad-mini/specs.
    _device(
        "ipad_mini",
        "ipad mini",
        ("mini tablet",),
        (134.8, 195.4, 6.3),
        "apple.com/ipad-mini/specs",
        tablet=True,
    ),
)
