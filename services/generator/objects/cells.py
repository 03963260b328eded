"""Battery cells a holder or box takes: diameter and length (IEC 60086 / manufacturer sheets)."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject


def _cell(id_: str, title: str, aliases: tuple[str, ...], d: float, h: float, source: str) -> MakerObject:
    return MakerObject(id_, title, aliases, (d, d, h), source, {"diameter": d, "length": h})


OBJECTS = (
    # AA (R6 / LR6): max 14.5 mm x 50.5 mm. Source: IEC 60086-2 table for R6.
    _cell(
        "aa_cell",
        "aa battery",
        ("aa batteries", "aa cell", "aa cells", "aa", "double a"),
        14.5,
        50.5,
        "IEC 60086-2 R6",
    ),
    # AAA (R03 / LR03): max 10.5 mm x 44.5 mm. Source: IEC 60086-2 table for R03.
    _cell(
        "aaa_cell",
        "aaa battery",
        ("aaa batteries", "aaa cell", "aaa cells", "aaa", "triple a"),
        10.5,
        44.5,
        "IEC 60086-2 R03",
    ),
    # 18650 Li-ion: 18.5 mm x 65.2 mm max (unprotected). Source: Panasonic NCR18650B datasheet.
    _cell(
        "cell_18650",
        "18650 cell",
        ("18650", "18650s", "18650 battery", "18650 batteries", "18650 cells"),
        18.5,
        65.2,
        "Panasonic NCR18650B datasheet",
    ),
    # 21700 Li-ion: 21.7 mm x 70.8 mm max. Source: Samsung INR21700-50E datasheet.
    _cell(
        "cell_21700",
        "21700 cell",
        ("21700", "21700 battery", "21700 cells"),
        21.7,
        70.8,
        "Samsung INR21700-50E datasheet",
    ),
    # C (R14): 26.2 mm x 50.0 mm; D (R20): 34.2 mm x 61.5 mm. Source: IEC 60086-2.
    _cell("c_cell", "c battery", ("c batteries", "c cell", "c cells"), 26.2, 50.0, "IEC 60086-2 R14"),
    _cell("d_cell", "d battery", ("d batteries", "d cell", "d cells"), 34.2, 61.5, "IEC 60086-2 R20"),
    # CR2032 coin cell: 20.0 mm x 3.2 mm. Source: IEC 60086-3 / Energizer CR2032 datasheet.
    _cell("cr2032", "cr2032", ("coin cell", "cr2032 battery"), 20.0, 3.2, "Energizer CR2032 datasheet"),
)
