"""Parametric starters, one module per part, each exposing `TEMPLATE`.

Modules are discovered rather than listed so adding a starter touches one file.
"""

from __future__ import annotations

import importlib
import pkgutil

from printforge_services.generator.catalog.template import Template


def _discover() -> dict[str, Template]:
    found: dict[str, Template] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        template = importlib.import_module(f"{__name__}.{info.name}").TEMPLATE
        if template.id in found or template.kind != "starter":
            raise ValueError(f"starter module {info.name}: duplicate id or wrong kind for {template.id!r}")
        found[template.id] = template
    return found


STARTERS: dict[str, Template] = _discover()
