from __future__ import annotations

from pathlib import Path

import pytest

from printforge.runtime.config import Settings, slicer_path_from_env, slicer_timeout_from_env


def test_slicer_settings_default_to_prusa_slicer_on_the_path(tmp_path: Path) -> None:
    settings = Settings.from_env({"PRINTFORGE_DATA_DIR": str(tmp_path)})
    assert (settings.slicer_path, settings.slicer_timeout_s) == ("prusa-slicer", 120.0)
    assert slicer_path_from_env({}) == "prusa-slicer" and slicer_timeout_from_env({}) == 120.0


def test_slicer_settings_from_the_environment(tmp_path: Path) -> None:
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_SLICER_PATH": "/opt/slicer/bin/prusa-slicer",
        "PRINTFORGE_SLICER_TIMEOUT_S": "30",
    }
    settings = Settings.from_env(env)
    assert (settings.slicer_path, settings.slicer_timeout_s) == ("/opt/slicer/bin/prusa-slicer", 30.0)
    with pytest.raises(ValueError, match="PRINTFORGE_SLICER_TIMEOUT_S must be a number"):
        slicer_timeout_from_env({"PRINTFORGE_SLICER_TIMEOUT_S": "soon"})
