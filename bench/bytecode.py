"""Byte-compile this checkout's packages before a benchmark times whole `printforge` processes.

An installed printforge has bytecode (pip compiles on install) and an editable checkout writes it on
its first run, unless PYTHONDONTWRITEBYTECODE is set, as it is on the project's build machines. There,
every `printforge analyze` would recompile our modules from source (about 25 ms of a 0.45 s run), a
cost no user pays. The peers' site-packages are compiled already, so this keeps the comparison fair.
"""

from __future__ import annotations

import compileall
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("printforge", "printforge_cli", "services")  # directories


def compile_checkout() -> None:
    """Write __pycache__ for our packages (ignored by git), whatever PYTHONDONTWRITEBYTECODE says."""
    for package in PACKAGES:
        if not compileall.compile_dir(REPO_ROOT / package, quiet=1):
            raise SystemExit(f"byte-compiling {package}/ failed")
