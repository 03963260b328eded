"""Catalog starters as planner families, so "a cable organizer" reaches the starter of
that name written by the catalog owner without this package re-implementing it.

The adapter reads the template's manifest: numeric params are filled from role words
that appear in their names ('width' ← '60 mm wide'), the first text param from quoted
text. Building and validation stay the template's own (`Template.resolve` / `build`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import cadquery as cq

from services.generator.catalog.template import Template
from services.generator.manifest import Param
from services.generator.planner.families.base import Family, Outline
from services.generator.planner.phrases import ROLE_PATTERNS, Context

ROLE_NAMES = frozenset(role for _, role in ROLE_PATTERNS)
ALIASES = {"od": "diameter", "size": "width", "thickness": "thickness", "depth": "depth"}


class StarterFamily(Family):
    """One catalog starter, named `starter:<id>`."""

    roles: Mapping[str, str]

    def __init__(self, template: Template) -> None:
        self.template = template
        self.name = f"starter:{template.id}"
        self.title = template.title
        words = [re.escape(w) for w in re.split(r"[_\s-]+", template.id.lower()) if w]
        id_pattern = r"\b" + r"[ _-]?".join(words) + r"s?\b"
        title_pattern = r"\b" + re.escape(template.title.lower()) + r"s?\b"
        alias_patterns = tuple((r"\b" + re.escape(a.lower()) + r"s?\b", 7.0) for a in template.aliases)
        self.keywords = ((id_pattern, 7.0), (title_pattern, 7.0), *alias_patterns)
        self.roles = {}
        for param in template.params:
            if param.type in ("number", "integer"):
                for token in param.name.lower().split("_"):
                    role = ALIASES.get(token, token)
                    if role in ROLE_NAMES and role not in self.roles:
                        self.roles[role] = param.name

    def params(self) -> tuple[Param, ...]:
        return self.template.params

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for role, name in self.roles.items():
            value = ctx.take(role)
            if value is not None:
                out[name] = value
        text_params = [p for p in self.template.params if p.type == "text"]
        if text_params and ctx.quotes:
            out[text_params[0].name] = ctx.quotes[0]
        for param in self.template.params:
            if param.type == "integer" and param.name in out:
                out[param.name] = round(out[param.name])
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        if self.template.check is not None:
            self.template.check(dict(p))

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        built = self.template.build(dict(p))
        return built if isinstance(built, cq.Workplane) else cq.Workplane("XY").add(built)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        box = self.build(p).val().BoundingBox()
        return Outline("rect", box.xlen, box.ylen, box.zmax)


def starter_families() -> list[StarterFamily]:
    """Every registered starter; empty while the catalog has none."""
    from services.generator.catalog import list_templates

    return [StarterFamily(t) for t in list_templates("starter")]
