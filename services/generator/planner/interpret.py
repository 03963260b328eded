"""Prompt → interpretation → feature tree (the offline planner).

Steps: analyse the text (clauses + role-tagged numbers), mark feature clauses, detect
the family, let it fill its parameters, parse and resolve features, then report what
was used and assumed. Nothing here touches CAD except `generate`, which also builds.
When no family word is present the closest family is taken from the numbers alone
(and the report says so); only when nothing at all is understood does an error list
what the planner can make — or the optional language model is asked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError, resolve
from printforge_services.generator.planner import features as feats
from printforge_services.generator.planner import parameters, schema, sizing, verified
from printforge_services.generator.planner.build import build
from printforge_services.generator.planner.families import (
    Detection,
    Family,
    closest_families,
    detect,
    get_family,
)
from printforge_services.generator.planner.llm import Rejected
from printforge_services.generator.planner.phrases import Context, analyse
from printforge_services.generator.planner.report import Report, confidence

SHELL_FAMILIES = ("box", "cylinder", "hex_prism", "round_plate", "plate")


class NotUnderstoodError(ValueError):
    """The prompt names no part the planner can make: an honest answer instead of a wrong part.

    `words` are the prompt's words that were not understood ('dragon'); `closest` the families
    offered instead, as {family, title}. `to_json` is the `status: "not_understood"` result the
    API and the CLI hand back.
    """

    def __init__(
        self, message: str, words: list[str] | None = None, closest: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.words = list(words or [])
        self.closest = list(closest or [])

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.words, self.closest))

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "not_understood",
            "message": str(self),
            "unknown_words": self.words,
            "closest": self.closest,
        }


class TreeModel(Protocol):
    """Anything that can turn a prompt into a feature tree (see llm.py); `rejected` holds its
    earlier answers to this prompt and why each was refused."""

    retries: int

    def plan(
        self, prompt: str, families: list[str], rejected: list[Rejected] | None = None
    ) -> dict[str, Any]: ...


@dataclass
class Plan:
    tree: dict[str, Any]
    report: Report


@dataclass
class Result:
    """A generated part: tree + report + solid + editable manifest."""

    tree: dict[str, Any]
    report: Report
    shape: cq.Shape
    manifest: list[Param]
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "tree": self.tree,
            "report": self.report.to_json(),
            "paramManifest": [p.to_json() for p in self.manifest],
            "paramValues": self.values,
            "warnings": self.warnings,
        }


def interpret(prompt: str, model: TreeModel | None = None) -> Plan:
    """Plan a part from `prompt`; `model` is consulted only when the rules understand nothing."""
    if not prompt or not prompt.strip():
        raise not_understood("", [])
    ctx = analyse(prompt)
    feats.classify(ctx)
    found = sizing.find(ctx)
    detection = sizing.route(found, detect(ctx), ctx)
    if detection is not None:
        return plan_with(ctx, detection, found)
    # No family word: the numbers alone may still say what to make ('40x20x10 mm'), but only
    # when no other word names something else ('a dragon 50 mm tall' is not a box).
    closest = _closest(ctx)
    if closest is not None:
        plan = plan_with(ctx, closest)
        unknown = [w for w in plan.report.unused if not w.startswith("number ") and w not in VAGUE_NOUNS]
        if not unknown:
            return plan
    else:
        unknown = [w for w in ctx.unused_words() if w not in VAGUE_NOUNS]
    if model is not None:
        return _from_model(model, prompt)
    raise not_understood(prompt, unknown)


def plan_with(ctx: Context, detection: Detection, found: list[sizing.Found] | None = None) -> Plan:
    family = detection.family
    if detection.guessed_from:
        ctx.notes.append(f"spelling: read '{detection.words[0]}' as '{detection.guessed_from}'")
    values = _fill(ctx, family)
    values = _sized(ctx, family, values, found or [])
    params = resolve(family.params(), values)
    features = _features(ctx, family, params)
    explicit = set(values)
    derived = family.derived(params)
    for param in family.params():
        if param.name not in explicit:
            unit = f" {param.unit}" if param.unit else ""
            if param.name in derived:
                how = param.description.removeprefix("0 = ") or "derived"
                ctx.assumed.append(f"{param.label} = {_value(derived[param.name])}{unit} ({how})")
            else:
                ctx.assumed.append(f"{param.label} = {_value(params[param.name])}{unit} (default)")
    unused_numbers = ctx.unused_numbers() + [
        ctx.text[m.q.start : m.q.end] for m in feats.unused_feature_measures(ctx.segments)
    ]
    unused_words = ctx.unused_words()
    fallback = detection.score == 0
    report = Report(
        family=family.name,
        title=family.title,
        understood=[
            f"part: {family.title} (from {', '.join(repr(w) for w in detection.words[:3])})",
            *ctx.understood,
        ],
        assumed=ctx.assumed,
        unused=unused_words + [f"number {n}" for n in unused_numbers],
        notes=ctx.notes,
        approximated=ctx.approximated,
        confidence=confidence(
            assumed=len(ctx.assumed),
            unused_words=len(unused_words),
            unused_numbers=len(unused_numbers),
            fallback=fallback,
            guessed=detection.guessed_from is not None,
        ),
    )
    tree = schema.new_tree(family.name, values, features)
    schema.validate(tree)
    return Plan(tree, report)


def generate(prompt: str, model: TreeModel | None = None) -> Result:
    """interpret + build + manifest, timed."""
    start = time.perf_counter()
    plan = interpret(prompt, model)
    return realise(plan, start)


def realise(plan: Plan, start: float | None = None) -> Result:
    start = time.perf_counter() if start is None else start
    built = build(plan.tree)
    for index, key, value in built.adjusted:
        plan.tree["features"][index][key] = value
    manifest, values = parameters.manifest(plan.tree)
    plan.report.notes.extend(built.warnings)
    return Result(
        plan.tree, plan.report, built.shape, manifest, values, built.warnings, time.perf_counter() - start
    )


def rebuild(tree: dict[str, Any], values: dict[str, Any], report: Report | None = None) -> Result:
    """Apply manifest edits to a tree and rebuild (the 'edit a param' path)."""
    new_tree = parameters.apply_values(tree, values)
    family = get_family(new_tree["family"])
    base = report or Report(family.name, family.title)
    edited = Report(
        base.family, base.title, [f"edited: {', '.join(sorted(values))}"], [], [], [], base.confidence
    )
    return realise(Plan(new_tree, edited))


def _fill(ctx: Context, family: Family) -> dict[str, Any]:
    values = family.fill(ctx)
    for param in family.params():
        if param.type == "integer" and param.name in values:
            values[param.name] = round(values[param.name])
    for _ in range(3):
        try:
            family.check(resolve(family.params(), values))
            return values
        except ParamError as exc:
            bad = [name for name in exc.errors if name in values]
            for name, why in exc.errors.items():
                ctx.notes.append(f"ignored {name} = {values.get(name)!r}: {why}; using the default")
            if not bad:
                break
            for name in bad:
                values.pop(name)
    ctx.notes.append("the dimensions conflict; defaults used")
    values.clear()
    return values


def _value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _sized(ctx: Context, family: Family, values: dict[str, Any], found: list[sizing.Found]) -> dict[str, Any]:
    """Add what the named object implies; dropped as a whole (and said) if the family rejects it."""
    derived = sizing.size(found, family, values, ctx)
    if not derived:
        return values
    merged = {**derived, **values}
    try:
        family.check(resolve(family.params(), merged))
    except ParamError as exc:
        ctx.notes.append(f"sizes from the {found[0].obj.title} do not fit this part ({exc}); defaults used")
        return values
    return merged


def _features(ctx: Context, family: Family, params: dict[str, Any]) -> list[dict[str, Any]]:
    raw: list[dict[str, Any]] = []
    bore = ctx.take("bore")
    if bore is not None:
        raw.append(
            {"type": "hole", "diameter": bore, "depth": None, "pattern": {"kind": "center", "count": 1}}
        )
    for seg in ctx.segments:
        if seg.feature:
            raw.append(feats.parse_segment(ctx, seg))
    raw.extend(feats.body_features(ctx))
    wall = ctx.take("wall", "thickness") if family.name in SHELL_FAMILIES else None
    if family.name in SHELL_FAMILIES and (
        wall is not None or ctx.has(r"\bopen[- ]?top(?:ped)?\b|\bhollow(?:ed)?\b|\bshell(?:ed)?\b|\bcup\b")
    ):
        raw.append({"type": "shell", "thickness": wall})
    implied = family.default_features(params, raw)
    if implied:
        ctx.assumed.append(f"{family.title} usually has: {', '.join(f['type'] for f in implied)} (added)")
    raw.extend(implied)
    resolved: list[dict[str, Any]] = []
    inner = 0.0
    for feature in raw:
        done = feats.resolve(feature, family, params, ctx, inner)
        if done["type"] == "hole" and done["pattern"]["kind"] == "center":
            inner = max(inner, done["diameter"])
        resolved.append(done)
    return resolved


def _closest(ctx: Context) -> Detection | None:
    """No family word: guess from the numbers ('40x20x10 mm' → box, 'Ø30 x 50' → cylinder)."""
    measures = ctx.measures()
    if not measures:
        return None
    roles = {m.role for m in measures}
    if any(m.q.thread for m in measures):
        name = "hex_bolt" if any(len(m.q.raw) > 1 for m in measures if m.q.thread) else "hex_nut"
    elif roles & {"diameter", "radius", "od"}:
        name = "cylinder"
    elif any(m.q.unit for m in measures):
        name = "box"
    else:
        return None
    family = get_family(name)
    ctx.notes.append(f"no part type named; closest match from the dimensions: {family.title}")
    return Detection(family, 0.0, ("dimensions",))


def _from_model(model: TreeModel, prompt: str) -> Plan:
    """The language model's tree, accepted only once verified (see verified.py)."""
    tree, report = verified.plan_with_model(model, prompt)
    return Plan(tree, report)


# Words that stand for "a part" without naming one ('something 30 mm across').
VAGUE_NOUNS = frozenset(("something", "thing", "object", "item", "stuff", "widget", "thingy"))


def not_understood(prompt: str, words: list[str]) -> NotUnderstoodError:
    """The honest answer: which words were not understood and what can be made instead."""
    words = list(dict.fromkeys(words))
    offer = closest_families(words)
    named = ", ".join(repr(w) for w in words[:4])
    if words:
        what = f"I don't know how to make {named}"
    else:
        what = f"nothing in {prompt[:80]!r} names a part" if prompt.strip() else "the prompt is empty"
    titles = ", ".join(o["title"] for o in offer)
    message = f"{what}: it is not a part I can design. The closest things I can make: {titles}."
    return NotUnderstoodError(message, words, offer)
