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

from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param
from printforge_services.generator.planner.families import starter_options as options
from printforge_services.generator.planner.families.base import Family, Outline
from printforge_services.generator.planner.phrases import ROLE_PATTERNS, Context

ROLE_NAMES = frozenset(role for _, role in ROLE_PATTERNS)
# A phrase alias ('project box') names the starter; a one-word alias ('box', 'case', 'bracket')
# is a noun many parts share, so it loses to a built-in family that claims the word (a plain
# '40x20x10 box' stays a block) and only decides when nothing else matches.
ALIAS_WEIGHT = 7.0
WORD_ALIAS_WEIGHT = 3.0
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
        alias_patterns = tuple(
            (r"\b" + re.escape(a.lower()) + r"s?\b", ALIAS_WEIGHT if " " in a.strip() else WORD_ALIAS_WEIGHT)
            for a in template.aliases
        )
        synonyms = tuple((pattern, options.STRONG) for pattern in options.SYNONYMS.get(template.id, ()))
        self.keywords = ((id_pattern, 7.0), (title_pattern, 7.0), *alias_patterns, *synonyms)
        self.roles = {}
        for param in template.params:
            if param.type in ("number", "integer"):
                for token in param.name.lower().split("_"):
                    role = ALIASES.get(token, token)
                    if role in ROLE_NAMES and role not in self.roles:
                        self.roles[role] = param.name
        names = {p.name for p in template.params}
        for role, name in options.ROLE_OVERRIDES.get(template.id, {}).items():
            if name is None:
                self.roles.pop(role, None)
            elif name in names:
                self.roles[role] = name

    def params(self) -> tuple[Param, ...]:
        return self.template.params

    def fill(self, ctx: Context) -> dict[str, Any]:
        out = self._options(ctx)
        self._nouns(ctx, out)
        self._group(ctx, out)
        self._thread(ctx, out)
        for role, name in self.roles.items():
            if name in out:
                continue
            value = ctx.take(role)
            if value is not None:
                out[name] = value
        bare = options.BARE.get(self.template.id)
        if bare is not None and bare not in out:
            value = ctx.take_bare(bare.replace("_", " "))
            if value is not None:
                out[bare] = value
        text_params = [p for p in self.template.params if p.type == "text"]
        if text_params and ctx.quotes:
            out[text_params[0].name] = ctx.quotes[0]
        for param in self.template.params:
            if param.type == "integer" and param.name in out:
                out[param.name] = round(out[param.name])
        return out

    def _options(self, ctx: Context) -> dict[str, Any]:
        """The starter's option words ('2 dividers', '7 drainage holes'); their clauses stop being
        generic features (a plant pot's drainage holes are its own, not holes drilled on top)."""
        out: dict[str, Any] = {}
        names = {p.name for p in self.template.params}
        taken: list[tuple[int, int]] = []
        generic = options.generic_options(self.template.params)
        for option in (*options.OPTIONS.get(self.template.id, ()), *generic):
            if option.param is not None and option.param not in names:
                continue
            for match in re.finditer(option.pattern, ctx.text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                taken.append(match.span())
                _consume(ctx, *match.span())
                value = option.value(match) if callable(option.value) else option.value
                if option.param is None:
                    ctx.understood.append(f"'{match.group()}': {value}")
                elif value is None:
                    ctx.understood.append(f"'{match.group()}': the {self.title.lower()}'s own {option.param}")
                elif option.param not in out:
                    out[option.param] = value
                    ctx.understood.append(f"{option.param} = {value} from '{match.group()}'")
        return out

    def _nouns(self, ctx: Context, out: dict[str, Any]) -> None:
        """'for a 6 mm shaft': a length right before a noun the starter knows sizes that param."""
        names = {p.name for p in self.template.params}
        for noun, name in options.NOUNS.get(self.template.id, ()):
            if name not in names or name in out:
                continue
            for m in ctx.measures():
                after = ctx.text[m.q.end :]
                if m.used or m.q.is_group or m.q.thread or not re.match(rf"\s*(?:[a-z-]+\s)?{noun}\b", after):
                    continue
                noun_end = m.q.end + re.match(rf"\s*(?:[a-z-]+\s)?{noun}\b", after).end()
                ctx.take_span(m.q.start, noun_end)
                out[name] = m.q.value
                ctx.understood.append(f"{name} = {m.q.value:g} mm from '{ctx.text[m.q.start : m.q.end]}'")
                break

    def _group(self, ctx: Context, out: dict[str, Any]) -> None:
        """'100x60x40' → the starter's size params in order."""
        params = {p.name for p in self.template.params}
        box = ("length", "width", "height")
        order = options.GROUPS.get(self.template.id) or (box if params >= set(box) else ())
        names = [n for n in order if n not in out]
        if not names:
            return
        kinds = {p.name: p.type for p in self.template.params}
        unitless = kinds.get(names[0]) == "integer"
        group = ctx.take_group(" x ".join(names), unitless=unitless)
        for name, value in zip(names, group or (), strict=False):
            out[name] = round(value) if kinds.get(name) == "integer" else value

    def _thread(self, ctx: Context, out: dict[str, Any]) -> None:
        """'M4 screws' sets a starter's metric-size enum (a box lid's screws), or else the nominal
        diameter of its screw param (a wall hook's countersunk screws)."""
        sizes = [p for p in self.template.params if p.type == "enum" and str(p.options[0]).startswith("M")]
        diameters = [p for p in self.template.params if p.type == "number" and "screw" in p.name]
        target = (sizes or diameters or [None])[0]
        if target is None:
            return
        q = ctx.take_thread()
        if q is None:
            return
        ctx.has(r"\b(?:screws?|bolts?)\b")
        size = f"M{q.raw[0]:g}"
        if target.type == "number":
            out[target.name] = q.raw[0]
        elif size in target.options:
            out[target.name] = size
        else:
            choices = ", ".join(map(str, target.options))
            ctx.notes.append(f"{size} is not a {target.label.lower()} option ({choices})")

    def check(self, p: Mapping[str, Any]) -> None:
        if self.template.check is not None:
            self.template.check(dict(p))

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        built = self.template.build(dict(p))
        return built if isinstance(built, cq.Workplane) else cq.Workplane("XY").add(built)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        box = self.build(p).val().BoundingBox()
        return Outline("rect", box.xlen, box.ylen, box.zmax)


def _consume(ctx: Context, start: int, end: int) -> None:
    """Mark [start, end) used, numbers in feature clauses included, and un-feature those clauses."""
    ctx.take_span(start, end)
    for seg in ctx.segments:
        if seg.start < end and start < seg.end:
            for m in seg.measures:
                if start <= m.q.start < end:
                    m.used = True
            if seg.feature is not None and start <= seg.start + _anchor(seg) < end:
                seg.feature = None


def _anchor(seg: Any) -> int:
    """Offset of the feature word in a feature clause (the clause start when none is found)."""
    from printforge_services.generator.planner.features import ANCHORS

    pattern = dict(ANCHORS).get(seg.feature)
    match = re.search(pattern, seg.text) if pattern else None
    return match.start() if match else 0


def starter_families() -> list[StarterFamily]:
    """Every registered starter; empty while the catalog has none."""
    from printforge_services.generator.catalog import list_templates

    return [StarterFamily(t) for t in list_templates("starter")]
