from __future__ import annotations

from pathlib import Path

import pytest

from printforge_services.printability.printers import UnknownPrinterError, lookup_printer
from printforge_services.printability.printprep.profiles import PROFILE_DIR, SLICER_PROFILES, slicer_profile
from printforge_services.printability.printprep.request import MATERIALS
from scripts.gen_slicer_profiles import TARGETS, write_profiles

BUNDLES = Path("/usr/share/PrusaSlicer/profiles")


def test_every_profiled_printer_is_a_known_printer_with_every_material() -> None:
    for name, profile in SLICER_PROFILES.items():
        assert lookup_printer(name).name == name
        for material in MATERIALS:
            assert all(path.is_file() for path in profile.files(material)), (name, material)
        assert profile.nozzle_mm == 0.4


def test_aliases_find_the_profile_and_unprofiled_printers_have_none() -> None:
    assert slicer_profile("mk3s").printer == "Prusa MK3S+"
    assert slicer_profile("ender 3 v2").printer == "Creality Ender-3 V2"
    assert slicer_profile("Bambu X1C") is None
    with pytest.raises(UnknownPrinterError):
        slicer_profile("Replicator 1987")


def test_the_committed_profiles_are_what_the_generator_writes(tmp_path: Path) -> None:
    if not BUNDLES.is_dir():
        pytest.skip(f"{BUNDLES} is absent: prusa-slicer's vendor bundles are not installed")
    write_profiles(BUNDLES, tmp_path)
    written = {p.name: p.read_text() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text() for p in PROFILE_DIR.glob("*.ini")}
    assert written == committed
    assert set(TARGETS) == set(SLICER_PROFILES)
