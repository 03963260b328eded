"""The language-model path, verified: a proposed feature tree is accepted only once it is a part.

A model's tree must validate against the schema, name a family we have, pass that family's
parameter checks, build into one solid with every feature applied, be printable on a desktop
printer (size, thinnest extent) and, when the prompt names a real object, fit it (the family
made for that object, with the object's sizes). Anything else is sent back to the model with
the reason, at most `retries` times; the result's report says the model made it and after how
many attempts, and a model that never gets there fails the request with the last reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from printforge_services.generator.manifest import ParamError, resolve
from printforge_services.generator.planner import schema, sizing
from printforge_services.generator.planner.build import BuildError, build
from printforge_services.generator.planner.families import UnknownFamilyError, all_families, get_family
from printforge_services.generator.planner.llm import DEFAULT_RETRIES, ModelError, Rejected
from printforge_services.generator.planner.phrases import analyse
from printforge_services.generator.planner.report import Report

# A desktop printer's build volume bounds a part (mm per axis); a nozzle bounds its thinnest extent.
MAX_EXTENT = 400.0
MIN_EXTENT = 0.8
# How far a model's size for a named object may stray from the object's own (fraction).
FIT_TOLERANCE = 0.15


class Unfit(ValueError):
    """The tree builds but is not printable or does not fit the object it is for."""


def plan_with_model(model: Any, prompt: str) -> tuple[dict[str, Any], Report]:
    """Ask `model` for a tree until one is verified; (tree, report) or ModelError with the last reason."""
    families = sorted(all_families())
    found = sizing.find(analyse(prompt))
    retries = int(getattr(model, "retries", DEFAULT_RETRIES))
    rejected: list[Rejected] = []
    for attempt in range(1, retries + 2):
        answer = ""
        try:
            tree = model.plan(prompt, families, rejected)
            answer = json.dumps(tree)
            verify(tree, found)
        except ModelError as exc:
            rejected.append(Rejected(exc.answer or "", str(exc)))
            continue
        except (schema.TreeError, ParamError, BuildError, UnknownFamilyError, Unfit) as exc:
            rejected.append(Rejected(answer, f"{type(exc).__name__}: {exc}"))
            continue
        family = get_family(tree["family"])
        report = Report(
            family=family.name,
            title=family.title,
            understood=[f"part: {family.title} (planned by the language model, attempt {attempt})"],
            notes=[
                "the offline planner did not recognise the prompt; a language model produced the feature "
                "tree, which was validated, built and checked for printability and fit",
                *(f"attempt {i} rejected: {r.error}" for i, r in enumerate(rejected, 1)),
            ],
            confidence=0.5,
            source="llm",
        )
        return tree, report
    raise ModelError(
        f"the language model proposed no buildable part in {retries + 1} attempt(s); "
        f"last reason: {rejected[-1].error}"
    )


def verify(tree: Mapping[str, Any], found: list[sizing.Found]) -> None:
    """Raise when `tree` is not a buildable, printable part that fits the named object."""
    schema.validate(tree)
    family = get_family(tree["family"])
    params = resolve(family.params(), tree["params"])
    family.check(params)
    built = build(tree)
    skipped = [w for w in built.warnings if "skipped" in w]
    if skipped:
        raise BuildError("; ".join(skipped))
    box = built.shape.BoundingBox()
    extents = (box.xlen, box.ylen, box.zlen)
    if max(extents) > MAX_EXTENT:
        raise Unfit(f"the part is {max(extents):.0f} mm long; a printer takes at most {MAX_EXTENT:g} mm")
    if min(extents) < MIN_EXTENT:
        raise Unfit(f"the part is {min(extents):.2f} mm thin; print at least {MIN_EXTENT:g} mm")
    if found:
        _fits(tree["family"], params, found[0])


def _fits(family_name: str, params: Mapping[str, Any], item: sizing.Found) -> None:
    families = all_families()
    made_for = [name for name in sizing.FAMILIES_FOR[item.category] if name in families]
    if made_for and family_name not in made_for:
        raise Unfit(f"a part for the {item.obj.title} must be one of {made_for}, not {family_name}")
    family = families[family_name]
    wanted = sizing.size([item], family, {}, analyse(""))
    for name, value in wanted.items():
        given = params.get(name)
        numeric = isinstance(value, float) and isinstance(given, int | float) and value > 0
        if numeric and abs(given - value) > FIT_TOLERANCE * value:
            raise Unfit(f"{name} = {given:g} does not fit the {item.obj.title}: it needs about {value:g}")
