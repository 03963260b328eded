"""Gift templates (personalised text parts), one module per gift, each exposing `TEMPLATE`.

Modules are discovered rather than listed so adding a gift touches one file; modules
whose name starts with "_" are shared helpers (layout, outlines, embossing).
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
        if template.id in found or template.kind != "gift":
            raise ValueError(f"gift module {info.name}: duplicate id or wrong kind for {template.id!r}")
        found[template.id] = template
    return found


GIFTS: dict[str, Template] = _discover()
