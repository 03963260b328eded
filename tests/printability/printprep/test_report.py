from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from printforge_services.printability.printprep.report import print_prep
from printforge_services.printability.printprep.request import PrepRequest
from tests.printability.printprep.shapes import box, t_shape, union


def _run(part, **request) -> dict:  # type: ignore[no-untyped-def]
    return print_prep(np.asarray(part.vertices), np.asarray(part.faces), PrepRequest(**request))


def test_the_report_holds_every_check() -> None:
    part = union(t_shape(), box((0.3, 8, 4), (0, 0, 27)))  # a 0.3 mm fin on the bar
    prep = _run(part, printer="Prusa MK3S+", material="PETG", auto_orient=True)
    assert prep["_version"] == "v1"
    assert prep["nozzle_diameter_mm"] == 0.4 and prep["nozzle_source"] == "printer profile"
    assert prep["thin_walls"]["min_thickness_mm"] == pytest.approx(0.3, abs=1e-5)
    overhangs = prep["overhangs"]
    assert overhangs["current"]["support_volume_mm3"] == pytest.approx(4000)
    assert overhangs["best"]["support_volume_mm3"] < overhangs["current"]["support_volume_mm3"]
    estimate = prep["print_estimate"]
    assert estimate["orientation"] == "best" and estimate["material"] == "PETG"
    if shutil.which("prusa-slicer") is None and not os.environ.get("CI"):
        assert "not found" in estimate["reason"]  # test_slicer.py says why the run is skipped
    else:
        assert estimate["reason"] is None and estimate["print_time_s"] > 0


def test_without_a_printer_the_default_nozzle_and_no_estimate() -> None:
    prep = _run(box((20, 20, 20)), auto_orient=True)
    assert prep["nozzle_diameter_mm"] == 0.4 and prep["nozzle_source"] == "default"
    assert prep["print_estimate"]["print_time_s"] is None
    assert prep["print_estimate"]["reason"].startswith("no printer given")
    assert prep["print_estimate"]["material"] == "PLA"
