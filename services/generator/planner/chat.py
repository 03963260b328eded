"""Chat follow-ups: a message edits the current feature tree and yields a new version.

Handled: absolute sizes ("make it 15 mm tall"), ratios ("twice as tall", "50% wider",
"scale by 2"), metric size swaps ("make it M10"), adding features ("add four 4 mm
holes in the corners"), changing them ("round the corners 3 mm", "make the holes 6 mm"),
removing them ("remove the holes") and switching part type ("make it a cylinder").
Sizes are read by the family's own `fill`, so a follow-up understands exactly the
words a first prompt would.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from printforge_services.generator.manifest import ParamError, resolve
from printforge_services.generator.planner import features as feats
from printforge_services.generator.planner import schema
from printforge_services.generator.planner.families import Family, detect, get_family
from printforge_services.generator.planner.interpret import NotUnderstoodError, Plan, TreeModel, interpret
from printforge_services.generator.planner.phrases import Context, analyse
from printforge_services.generator.planner.report import Report

RATIO_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0, "half": 0.5, "halve": 0.5}
DIM_WORDS = {
    "tall": "height",
    "taller": "height",
    "high": "height",
    "higher": "height",
    "height": "height",
    "long": "length",
    "longer": "length",
    "length": "length",
    "wide": "width",
    "wider": "width",
    "width": "width",
    "thick": "thickness",
    "thicker": "thickness",
    "thickness": "thickness",
    "deep": "depth",
    "deeper": "depth",
    "shorter": "height",
    "narrower": "width",
    "thinner": "thickness",
}
SHRINK = ("shorter", "narrower", "thinner", "smaller")
_RATIO = re.compile(
    r"\b(?P<word>twice|double|triple|thrice|half|halve)\b(?: the| as)?\s*(?P<dim>[a-z]+)?"
    r"|\b(?P<n>\d+(?:\.\d+)?)\s*(?:times|x)\s*(?:as\s+)?(?P<dim2>[a-z]+)"
    r"|\b(?P<pct>\d+(?:\.\d+)?)\s*%\s*(?P<dim3>[a-z]+)"
    r"|\bscale(?:d)?(?: it)?(?: up| down)? by (?P<scale>\d+(?:\.\d+)?)(?P<spct>\s*%)?"
)
_REMOVE = re.compile(r"\b(?:remove|delete|drop|without|no more|get rid of|no)\b")
_SWITCH = re.compile(r"\b(?:make it|turn it into|change it (?:in)?to|instead|convert it to)\b.*?\b(?:a|an)\b")
_MODIFY = re.compile(r"\b(?:make|change|set|resize|increase|decrease|enlarge|shrink|round)\b")
_ADD = re.compile(r"\b(?:add|with|put|include|plus|drill|cut)\b")


def refine(tree: dict[str, Any], message: str, model: TreeModel | None = None) -> Plan:
    """Apply one follow-up `message` to `tree`; returns the new tree and what changed."""
    schema.validate(tree)
    family = get_family(tree["family"])
    ctx = analyse(message)
    feats.classify(ctx, followup=True)
    switched = _switch(ctx, tree)
    if switched is not None:
        return switched
    new = copy.deepcopy(tree)
    changes: list[str] = []
    _remove(ctx, new, changes)
    _ratios(ctx, family, new, changes)
    _deltas(ctx, family, new, changes)
    _features(ctx, family, new, changes)
    _sizes(ctx, family, new, changes)
    if not changes:
        if model is not None:
            return interpret(f"{message}", model)
        raise NotUnderstoodError(
            f"could not apply {message!r} to the {family.title.lower()}: try e.g. 'make it 20 mm tall', "
            "'twice as wide', 'add four 4 mm holes in the corners', 'round the corners 3 mm', "
            "'remove the holes'"
        )
    family.check(resolve(family.params(), new["params"]))
    schema.validate(new)
    unused = ctx.unused_words()
    report = Report(
        family=family.name,
        title=family.title,
        understood=changes,
        assumed=ctx.assumed,
        unused=unused,
        notes=ctx.notes,
        approximated=ctx.approximated,
        confidence=round(max(0.1, 1.0 - 0.08 * len(unused)), 2),
    )
    return Plan(new, report)


def _switch(ctx: Context, tree: dict[str, Any]) -> Plan | None:
    """'make it a cylinder (instead)': re-plan as the new family, carrying shared params."""
    if not _SWITCH.search(ctx.text):
        return None
    detection = detect(ctx)
    if detection is None or detection.family.name == tree["family"] or detection.score < 4:
        return None
    plan = interpret(ctx.raw)
    carried = {}
    for param in detection.family.params():
        if param.name in tree["params"] and param.name not in plan.tree["params"]:
            carried[param.name] = tree["params"][param.name]
    merged = {**carried, **plan.tree["params"]}
    try:
        detection.family.check(resolve(detection.family.params(), merged))
        plan.tree["params"] = merged
    except ParamError:
        carried = {}
    plan.tree["features"] = [*tree["features"], *plan.tree["features"]]
    schema.validate(plan.tree)
    plan.report.understood.insert(0, f"switched from {tree['family']} to {detection.family.name}")
    if carried:
        plan.report.understood.append(f"kept {', '.join(sorted(carried))}")
    return plan


def _remove(ctx: Context, tree: dict[str, Any], changes: list[str]) -> None:
    match = _REMOVE.search(ctx.text)
    if not match:
        return
    rest = ctx.text[match.end() :]
    for kind, pattern in feats.ANCHORS:
        if re.search(pattern, rest):
            before = len(tree["features"])
            tree["features"] = [f for f in tree["features"] if f["type"] != kind]
            if len(tree["features"]) < before:
                changes.append(f"removed {before - len(tree['features'])} {kind} feature(s)")
            for seg in ctx.segments:
                if seg.feature == kind:
                    seg.feature = "removed"
    ctx.mark(match.start(), len(ctx.text))


def _ratios(ctx: Context, family: Family, tree: dict[str, Any], changes: list[str]) -> None:
    for match in _RATIO.finditer(ctx.text):
        if match.group("word"):
            factor, dim = RATIO_WORDS[match.group("word")], match.group("dim")
        elif match.group("n"):
            factor, dim = float(match.group("n")), match.group("dim2")
        elif match.group("pct"):
            pct = float(match.group("pct")) / 100
            dim = match.group("dim3")
            factor = 1 - pct if dim in (*SHRINK, "less") else 1 + pct
        else:
            value = float(match.group("scale"))
            factor, dim = (value / 100 if match.group("spct") else value), None
        targets = _dims_for(family, dim)
        for name in targets:
            tree["params"][name] = round(tree["params"].get(name, _default(family, name)) * factor, 4)
        if targets:
            ctx.take_span(match.start(), match.end())
            changes.append(f"scaled {', '.join(targets)} by {factor:g}")


GROW_WORDS = ("increase", "raise", "extend", "grow", "lengthen", "widen", "thicken", "enlarge", "add")
SHRINK_VERBS = ("decrease", "reduce", "shrink", "lower", "shorten", "trim", "cut")
_COMPARATIVE = re.compile(
    r"\s*(?P<word>taller|higher|longer|wider|thicker|deeper|bigger|larger|more|extra"
    r"|shorter|narrower|thinner|shallower|smaller|lower|less)\b"
)
_BY = re.compile(r"\b(?P<verb>" + "|".join(GROW_WORDS + SHRINK_VERBS) + r")\b[^,;.]*\bby\s+$")
_ADD_TO = re.compile(r"^[^,;.]*?\bto\b")
_DIM_NOUN = re.compile(r"\b(height|length|width|thickness|depth)\b")
DECREASE_WORDS = frozenset((*SHRINK, *SHRINK_VERBS, "shallower", "lower", "less"))


def _deltas(ctx: Context, family: Family, tree: dict[str, Any], changes: list[str]) -> None:
    """'5 mm taller', 'increase the height by 5 mm', 'add 5 mm to the length': relative sizes."""
    for seg in ctx.segments:
        for m in seg.measures:
            if m.used or m.q.thread or m.q.is_group:
                continue
            before, after = ctx.text[: m.q.start], ctx.text[m.q.end :]
            comparative, by = _COMPARATIVE.match(after), _BY.search(before)
            added = re.search(r"\badd\s+$", before) and _ADD_TO.search(after)
            if comparative:
                word = comparative.group("word")
                dim = _named_dim(ctx.text) or (word if word in DIM_WORDS else None)
                sign = -1.0 if word in DECREASE_WORDS else 1.0
            elif by or added:
                verb = by.group("verb") if by else "add"
                dim, sign = _named_dim(ctx.text), (-1.0 if verb in SHRINK_VERBS else 1.0)
            else:
                continue
            targets = _dims_for(family, dim)
            if dim is None or not targets:
                continue
            for name in targets:
                current = tree["params"].get(name, _default(family, name))
                tree["params"][name] = round(current + sign * m.q.value, 4)
            m.used = True
            ctx.take_span(m.q.start, m.q.end + (comparative.end() if comparative else 0))
            changes.append(f"{', '.join(targets)} {'+' if sign > 0 else '-'}{m.q.value:g} mm")


def _named_dim(text: str) -> str | None:
    """The dimension a message names with a noun ('... in length'), which beats a comparative."""
    match = _DIM_NOUN.search(text)
    return match.group(1) if match else None


def _dims_for(family: Family, dim: str | None) -> list[str]:
    """Params a ratio applies to: one dimension, or every length for 'bigger'/'scale'."""
    role = DIM_WORDS.get(dim or "")
    if role and role in family.roles:
        return [family.roles[role]]
    lengths = [
        p.name
        for p in family.params()
        if p.type == "number" and p.unit == "mm" and p.default not in (0, 0.0) and p.min not in (0, 0.0)
    ]
    if role is None:
        return lengths
    return []


def _default(family: Family, name: str) -> float:
    return next(p.default for p in family.params() if p.name == name)


def _features(ctx: Context, family: Family, tree: dict[str, Any], changes: list[str]) -> None:
    params = resolve(family.params(), tree["params"])
    for seg in ctx.segments:
        if seg.feature in (None, "removed"):
            continue
        parsed = feats.parse_segment(ctx, seg)
        existing = [f for f in tree["features"] if f["type"] == parsed["type"]]
        adding = bool(_ADD.search(seg.text)) or not existing or parsed.get("pattern", {}).get("count")
        if existing and _MODIFY.search(ctx.text) and not _ADD.search(seg.text):
            adding = False
        if adding:
            tree["features"].append(feats.resolve(parsed, family, params, ctx))
            changes.append(f"added {parsed['type']}")
            continue
        for feature in existing:
            for key in ("diameter", "radius", "size", "thickness", "width", "length", "depth", "thread"):
                if parsed.get(key) is not None:
                    feature[key] = parsed[key]
                    changes.append(f"{feature['type']} {key} → {parsed[key]}")
    for feature in feats.body_features(ctx):
        tree["features"].append(feats.resolve(feature, family, params, ctx))
        changes.append(f"added {feature['type']}")


def _sizes(ctx: Context, family: Family, tree: dict[str, Any], changes: list[str]) -> None:
    thread = next((m.q for m in ctx.measures() if m.q.thread and not m.used), None)
    values = family.fill(ctx)
    if thread is not None and "size" in values:
        for param in family.params():
            if param.description.startswith("0 = ") and param.name not in values:
                values[param.name] = 0.0
    for name, value in values.items():
        if tree["params"].get(name) != value:
            tree["params"][name] = value
            changes.append(f"{name} → {value}")
    if thread is not None and "size" not in values:
        from printforge_services.generator.planner import standards

        size = standards.thread(thread.raw[0])
        for feature in tree["features"]:
            if feature["type"] == "hole" and feature.get("thread"):
                feature["thread"], feature["diameter"] = size.name, size.clearance()
                changes.append(f"hole → {size.name} clearance {size.clearance():g} mm")
            elif feature["type"] in ("nut_pocket", "insert"):
                feature["thread"] = size.name
                changes.append(f"{feature['type']} → {size.name}")
