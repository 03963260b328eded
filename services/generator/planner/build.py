"""Feature tree → one valid CadQuery solid.

The family builds the base body; features are applied in a fixed stage order
(corner rounding, edge finishing, shell, text, then every cut in one boolean) no
matter how the tree lists them, because a fillet after drilling fails in OCCT where
the same fillet before drilling succeeds. A feature that OCCT rejects is skipped and
reported rather than failing the whole part.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import cadquery as cq

from printforge_services.generator.planner import features as feats
from printforge_services.generator.planner import schema, standards
from printforge_services.generator.planner.families import Family, Outline, Site, get_family

STAGES = {
    "fillet": 10,
    "chamfer": 20,
    "shell": 30,
    "text": 40,
    "hole": 50,
    "slot": 50,
    "nut_pocket": 50,
    "insert": 50,
}
EPS = 1e-3
# Filleting hundreds of edges (a gear's flanks) takes OCCT tens of seconds; refuse instead.
MAX_FINISHED_EDGES = 120
# A fillet that fails is retried at half the radius, this many times in all, down to this size.
FILLET_TRIES = 4
MIN_FILLET = 0.2
# A piece under this share of the volume is a speck a cut left behind, not a part.
SPECK = 1e-3
# A part that keeps less than this share of its volume after the cuts is a sliver.
MIN_KEPT = 0.2


class BuildError(ValueError):
    """The tree is valid JSON but the part cannot be built; the message says why."""


@dataclass
class Built:
    shape: cq.Shape
    warnings: list[str] = field(default_factory=list)
    # (feature index, key, value) where the build used another value than the tree asked for
    # (a fillet radius that had to shrink to fit a thin wall); `realise` writes them back.
    adjusted: list[tuple[int, str, float]] = field(default_factory=list)


def build(tree: Mapping[str, Any]) -> Built:
    """Validate `tree` (schema + family parameters) and build the solid."""
    schema.validate(tree)
    family = get_family(tree["family"])
    params = resolve_params(family, tree["params"])
    body = family.build(params)
    outline = family.outline(params)
    warnings: list[str] = []
    adjusted: list[tuple[int, str, float]] = []
    cutters: list[cq.Shape] = []
    ordered = sorted(enumerate(tree["features"]), key=lambda item: (STAGES[item[1]["type"]], item[0]))
    for index, feature in ordered:
        label = f"feature {index + 1} ({feature['type']})"
        try:
            if feature["type"] == "fillet":
                body, radius = _fillet(body, feature, outline)
                if radius != feature["radius"]:
                    adjusted.append((index, "radius", radius))
                    warnings.append(
                        f"{label}: radius {feature['radius']:g} mm does not fit this part; {radius:g} mm used"
                    )
            elif STAGES[feature["type"]] < STAGES["hole"]:
                body = _apply(body, feature, outline)
            else:
                cutters.extend(_cutters(feature, family, params, outline))
        except Exception as exc:  # OCCT raises Standard_Failure subclasses, not only ValueError
            warnings.append(f"{label} skipped: {type(exc).__name__}: {exc}")
    shape = _single(body)
    whole = shape.Volume()
    if cutters:
        shape = shape.cut(*cutters).clean()
    return Built(_solid(shape, warnings, whole), warnings, adjusted)


def resolve_params(family: Family, values: Mapping[str, Any]) -> dict[str, Any]:
    from printforge_services.generator.manifest import resolve

    params = resolve(family.params(), values)
    family.check(params)
    return params


def _apply(body: cq.Workplane, feature: Mapping[str, Any], outline: Outline) -> cq.Workplane:
    kind = feature["type"]
    if kind in ("fillet", "chamfer"):
        edges = len(_edges(body, feature["edges"]).vals())
        if edges > MAX_FINISHED_EDGES:
            raise BuildError(f"{edges} edges are too many to {kind} (at most {MAX_FINISHED_EDGES})")
    if kind == "fillet":
        radius = feature["radius"]
        if feature["edges"] == "vertical" and outline.kind == "rect":
            radius = min(radius, min(outline.length, outline.width) / 2 - 0.05)
        return _edges(body, feature["edges"]).fillet(radius)
    if kind == "chamfer":
        return _edges(body, feature["edges"]).chamfer(feature["size"])
    if kind == "shell":
        return body.faces(">Z").shell(-feature["thickness"])
    if kind == "text":
        return _text(body, feature, outline)
    raise BuildError(f"unknown feature {kind!r}")


def _fillet(body: cq.Workplane, feature: Mapping[str, Any], outline: Outline) -> tuple[cq.Workplane, float]:
    """Fillet with the asked radius, or the largest of its halvings that OCCT can build: a radius
    larger than a wall or an edge fails (StdFail_NotDone), and 'add fillets' still means round it."""
    radius = feature["radius"]
    error: Exception | None = None
    for _ in range(FILLET_TRIES):
        try:
            rounded = _apply(body, {**feature, "radius": radius}, outline)
            _check_sound(rounded)
            return rounded, radius
        except Exception as exc:  # OCCT's StdFail_NotDone and friends, or an unsound result
            error = exc
            radius = round(radius / 2, 3)
            if radius < MIN_FILLET:
                break
    assert error is not None
    raise error


def _check_sound(body: cq.Workplane) -> None:
    """OCCT sometimes 'succeeds' with an invalid shape (a solid of negative volume); refuse it."""
    solids = body.solids().vals()
    if len(solids) != 1 or not solids[0].isValid() or solids[0].Volume() <= 0:
        raise BuildError("the rounded shape is not one valid solid")


def _edges(body: cq.Workplane, which: str) -> cq.Workplane:
    selector = {"vertical": "|Z", "top": ">Z", "bottom": "<Z"}.get(which)
    if which in ("top", "bottom"):
        return body.faces(selector).edges()
    if selector is None:
        return body.edges()
    return body.edges(selector)


def _text(body: cq.Workplane, feature: Mapping[str, Any], outline: Outline) -> cq.Workplane:
    depth = feature["depth"]
    top = body.val().BoundingBox().zmax if outline.kind == "none" else outline.top
    engrave = feature["mode"] == "engrave"
    glyphs = (
        cq.Workplane("XY")
        .workplane(offset=top - (depth if engrave else EPS))
        .text(
            feature["text"],
            feature["size"],
            depth + (EPS if not engrave else 1.0),
            combine=False,
            halign="center",
            valign="center",
        )
    )
    if engrave:
        return body.cut(glyphs)
    return body.union(glyphs)


def _sites(
    feature: Mapping[str, Any], family: Family, params: Mapping[str, Any], outline: Outline
) -> list[Site]:
    special = family.sites(feature["pattern"], params)
    if special is not None:
        return special
    return [Site(x, y, outline.top) for x, y in feats.points(feature["pattern"], outline)]


def _cutters(
    feature: Mapping[str, Any], family: Family, params: Mapping[str, Any], outline: Outline
) -> list[cq.Shape]:
    kind = feature["type"]
    tools: list[cq.Shape] = []
    sites = _sites(feature, family, params, outline)
    _check_spacing(sites, _footprint(feature))
    for site in sites:
        d = cq.Vector(*site.direction)
        origin = cq.Vector(site.x, site.y, site.z)
        through = (site.depth if site.depth is not None else outline.top) + 2.0
        if kind == "hole":
            tools.extend(_hole(feature, origin, d, through))
        elif kind == "insert":
            diameter, depth = standards.thread(feature["thread"]).insert
            tools.append(cq.Solid.makeCylinder(diameter / 2, depth + 1, origin - d, d))
        elif kind == "nut_pocket":
            t = standards.thread(feature["thread"])
            s, m = t.nut
            tools.append(cq.Solid.makeCylinder(t.clearance() / 2, through + 2, origin - d, d))
            bottom = origin + d * (through - 2.0)
            hexagon = cq.Workplane("XY").polygon(6, (s + 0.4) / math.cos(math.pi / 6)).extrude(m + 1.4).val()
            tools.append(hexagon.moved(cq.Location(bottom - cq.Vector(0, 0, 1.0))))
        elif kind == "slot":
            slot = cq.Workplane("XY").slot2D(feature["length"], feature["width"]).extrude(through + 2).val()
            tools.append(slot.moved(cq.Location(origin - cq.Vector(0, 0, through + 1))))
    return tools


def _footprint(feature: Mapping[str, Any]) -> float:
    """Diameter of the area one cut occupies on the face."""
    kind = feature["type"]
    if kind == "slot":
        return max(feature["width"], feature["length"])
    if kind == "nut_pocket":
        return standards.thread(feature["thread"]).nut[0] / math.cos(math.pi / 6)
    if kind == "insert":
        return standards.thread(feature["thread"]).insert[0]
    heads = [h["diameter"] for h in (feature.get("counterbore"), feature.get("countersink")) if h]
    return max([feature["diameter"], *heads])


def _check_spacing(sites: list[Site], size: float) -> None:
    """Cuts that overlap each other are a planning mistake, not a part: refuse them."""
    points = [(s.x, s.y, s.z) for s in sites]
    for i, a in enumerate(points):
        for b in points[i + 1 :]:
            if math.dist(a, b) < size:
                raise BuildError(
                    f"{len(points)} cuts of {size:g} mm would overlap ({math.dist(a, b):.2f} mm apart)"
                )


def _hole(feature: Mapping[str, Any], origin: cq.Vector, d: cq.Vector, through: float) -> list[cq.Shape]:
    r = feature["diameter"] / 2
    depth = feature["depth"]
    length = (depth + 1.0) if depth else through + 2.0
    tools: list[cq.Shape] = [cq.Solid.makeCylinder(r, length, origin - d, d)]
    cbore = feature.get("counterbore")
    if cbore:
        tools.append(cq.Solid.makeCylinder(cbore["diameter"] / 2, cbore["depth"] + 1.0, origin - d, d))
    csk = feature.get("countersink")
    if csk:
        big = csk["diameter"] / 2
        height = (big - r) / math.tan(math.radians(csk["angle"]) / 2)
        tools.append(cq.Solid.makeCone(big, r, height, origin, d))
        tools.append(cq.Solid.makeCylinder(big, 1.0, origin - d, d))
    return tools


def _single(body: cq.Workplane) -> cq.Shape:
    solids = body.solids().vals()
    if not solids:
        raise BuildError("the family produced no solid")
    shape = solids[0]
    if len(solids) > 1:
        shape = shape.fuse(*solids[1:]).clean()
    return shape


def _solid(shape: cq.Shape, warnings: list[str], whole: float) -> cq.Shape:
    """Exactly one valid solid that is still the part that was asked for.

    Specks (under `SPECK` of the volume) left by a cut are dropped with a warning; a part that
    falls into several real pieces, or that the cuts have mostly removed (a sliver), has lost
    its intent and fails with a message instead of shipping a fragment.
    """
    solids = sorted(shape.Solids(), key=lambda s: s.Volume(), reverse=True)
    if not solids:
        raise BuildError("the cuts removed the whole part")
    total = sum(s.Volume() for s in solids)
    pieces = [s for s in solids if s.Volume() > SPECK * total]
    if len(pieces) > 1:
        raise BuildError(
            f"the features split the part into {len(pieces)} separate pieces; "
            "make them smaller or move them so the part stays in one piece"
        )
    if len(solids) > 1:
        warnings.append(f"{len(solids) - 1} disconnected speck(s) dropped")
    if whole > 0 and solids[0].Volume() < MIN_KEPT * whole:
        raise BuildError(
            f"the features remove {100 * (1 - solids[0].Volume() / whole):.0f}% of the part, "
            f"leaving a sliver; make them smaller or the part bigger"
        )
    solid = solids[0]
    if not solid.isValid():
        solid = solid.fix()
        if not solid.isValid():
            raise BuildError("OCCT produced an invalid solid")
    return solid
