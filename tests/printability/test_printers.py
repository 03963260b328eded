"""Printer build-volume table lookups."""

from __future__ import annotations

import pytest

from printforge_services.printability.printers import (
    PRINTERS,
    UnknownPrinterError,
    lookup_printer,
    printer_names,
)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Prusa MK4", "Prusa MK4"),
        ("prusa-mk4", "Prusa MK4"),
        ("BAMBU X1C", "Bambu Lab X1 Carbon"),
        ("a1 mini", "Bambu Lab A1 mini"),
        ("Ender 3 V3", "Creality Ender-3 V3"),
        ("voron 2.4 350", "Voron 2.4 350"),
    ],
)
def test_lookup_is_case_and_punctuation_insensitive(query: str, name: str) -> None:
    assert lookup_printer(query).name == name


def test_unknown_printer_lists_known_names() -> None:
    with pytest.raises(UnknownPrinterError) as info:
        lookup_printer("Makerbot Replicator 1987")
    assert isinstance(info.value, ValueError), "callers catch ValueError for bad request input"
    message = str(info.value)
    assert "Makerbot Replicator 1987" in message
    assert "Prusa MK4" in message and "Voron 2.4 350" in message


def test_table_is_sane() -> None:
    assert len(set(printer_names())) == len(PRINTERS)
    for printer in PRINTERS:
        assert len(printer.build_volume_mm) == 3
        assert all(50 <= size <= 1000 for size in printer.build_volume_mm)
    assert lookup_printer("Prusa MINI+").build_volume_mm == (180.0, 180.0, 180.0)
