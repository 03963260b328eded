"""Registry of templates by kind, so callers look parts up by (kind, id) only.

Starters register eagerly (this package owns them). Gifts live in
`printforge_services.generator.catalog.gifts` (another module owner) and are imported lazily on
first lookup, so a broken or absent gift package never stops starters from working
and importing the catalog stays cheap.
"""

from __future__ import annotations

import importlib

from printforge_services.generator.catalog.starters import STARTERS
from printforge_services.generator.catalog.template import Template

GIFTS: dict[str, Template] = {}
KINDS: tuple[str, ...] = ("starter", "gift")
GIFTS_PACKAGE = "printforge_services.generator.catalog.gifts"


class UnknownTemplateError(LookupError):
    """No template with that kind/id; the message lists what exists."""


def _load_gifts() -> None:
    """Import the gift package; it may fill `GIFTS` itself or expose its own `GIFTS` dict."""
    try:
        module = importlib.import_module(GIFTS_PACKAGE)
    except ModuleNotFoundError as exc:
        if exc.name != GIFTS_PACKAGE:
            raise
        return
    own = getattr(module, "GIFTS", None)
    if own is not None and own is not GIFTS:
        GIFTS.update(own)


def _registry(kind: str) -> dict[str, Template]:
    if kind == "starter":
        return STARTERS
    if kind == "gift":
        _load_gifts()
        return GIFTS
    raise UnknownTemplateError(f"unknown template kind {kind!r}; expected one of {list(KINDS)}")


def list_templates(kind: str) -> list[Template]:
    """Templates of one kind, sorted by id."""
    registry = _registry(kind)
    return [registry[key] for key in sorted(registry)]


def get_template(kind: str, template_id: str) -> Template:
    registry = _registry(kind)
    try:
        return registry[template_id]
    except KeyError:
        raise UnknownTemplateError(
            f"unknown {kind} {template_id!r}; available: {', '.join(sorted(registry))}"
        ) from None


__all__ = ["GIFTS", "KINDS", "STARTERS", "Template", "UnknownTemplateError", "get_template", "list_templates"]
