"""Turned and regular-prism families: cylinder/disc/rod, round and square tube, ring,
sphere, cone/frustum and hexagonal prism. They read diameters (or radii) and an axial
length, with the axis along Z and the base on the bed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.planner.families.base import Family, Outline, first, length
from printforge_services.generator.planner.phrases import Context

COS30 = math.cos(math.pi / 6)


def read_diameter(ctx: Context, *roles: str) -> float | None:
    """A diameter from the given roles, else twice a radius."""
    value = ctx.take(*roles)
    if value is None:
        radius = ctx.take("radius")
        value = radius * 2 if radius is not None else None
    return value


class Cylinder(Family):
    name = "cylinder"
    title = "Cylinder / disc / rod"
    keywords = (
        (r"(?<!hollow )\bcylinders?\b|\bcylindrical\b", 6),
        (r"\brods?\b|\bdowels?\b|\bshafts?\b|\bpins?\b|\bpucks?\b|\bpillars?\b|\bposts?\b|\bcolumns?\b", 5),
        (r"\bdis[ck]s?\b|\bround bar\b|\bcircle\b|\bround\b", 5),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "diameter": "diameter",
        "od": "diameter",
        "height": "height",
        "length": "height",
        "thickness": "height",
        "depth": "height",
    }

    def params(self) -> tuple[Param, ...]:
        return (length("diameter", "Diameter", 20), length("height", "Height", 30))

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        group = ctx.take_group("diameter x height")
        if group:
            out["diameter"], out["height"] = group[0], group[1]
        diameter = first(
            read_diameter(ctx, "diameter", "od", "size", "width"), lambda: ctx.take_bare("diameter")
        )
        if diameter is not None:
            out["diameter"] = diameter
        height = first(ctx.take("height", "length", "thickness", "depth"), lambda: ctx.take_bare("height"))
        if height is not None:
            out["height"] = height
        if "height" not in out and ctx.has(r"\bdis[ck]s?\b|\bpucks?\b") and "diameter" in out:
            out["height"] = max(2.0, round(out["diameter"] / 10, 1))
            ctx.assumed.append(f"disc thickness {out['height']:g} mm (a tenth of the diameter)")
        return out

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        return cq.Workplane("XY").circle(p["diameter"] / 2).extrude(p["height"])

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("circle", p["diameter"], p["diameter"], p["height"])


class Tube(Family):
    name = "tube"
    title = "Round tube / pipe"
    keywords = (
        (
            r"\btubes?\b|\btubing\b|\bpipes?\b|\bsleeves?\b|\bbushings?\b|\bbush\b"
            r"|\bhollow (?:cylinder|rod|shaft)s?\b",
            6,
        ),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "od": "outer_diameter",
        "diameter": "outer_diameter",
        "id": "inner_diameter",
        "bore": "inner_diameter",
        "length": "length",
        "height": "length",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("outer_diameter", "Outer diameter", 20),
            length("inner_diameter", "Inner diameter", 16),
            length("length", "Length", 50),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        group = ctx.take_group("outer diameter x inner diameter x length")
        sized = _tube_group(group) if group else {}
        od = first(read_diameter(ctx, "od", "diameter", "size"), sized.get("outer_diameter"))
        inner = first(ctx.take("id", "bore"), sized.get("inner_diameter"))
        wall = ctx.take("wall", "thickness")
        tube_length = first(ctx.take("length", "height", "depth"), sized.get("length"))
        od = first(od, lambda: ctx.take_bare("outer diameter"))
        if od is not None and inner is None and wall is None:
            inner = ctx.take_bare("inner diameter")
        if tube_length is None:
            tube_length = ctx.take_bare("length")
        if od is None and inner is not None and wall is not None:
            od = inner + 2 * wall
        if inner is None and od is not None:
            wall = first(wall, max(1.0, round(od / 10, 1)))
            inner = od - 2 * wall
        for key, value in (("outer_diameter", od), ("inner_diameter", inner), ("length", tube_length)):
            if value is not None:
                out[key] = value
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        if p["inner_diameter"] >= p["outer_diameter"]:
            raise ParamError({"inner_diameter": "must be smaller than the outer diameter"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        return (
            cq.Workplane("XY")
            .circle(p["outer_diameter"] / 2)
            .circle(p["inner_diameter"] / 2)
            .extrude(p["length"])
        )

    def outline(self, p: Mapping[str, Any]) -> Outline:
        od = p["outer_diameter"]
        return Outline("circle", od, od, p["length"], inner=p["inner_diameter"])


def _tube_group(group: tuple[float, ...]) -> dict[str, float]:
    """'20 x 16 x 100' → OD, ID, length; '20 x 100' → OD × length (ID left to the wall rule)."""
    if len(group) == 3 and group[1] < group[0]:
        return {"outer_diameter": group[0], "inner_diameter": group[1], "length": group[2]}
    return {"outer_diameter": group[0], "length": group[-1]}


class SquareTube(Family):
    name = "square_tube"
    title = "Square / rectangular tube"
    keywords = (
        (r"\b(?:square|rectangular|rect|box)[- ](?:tube|tubing|pipe|section|profile|hollow section)\b", 9),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "width": "width",
        "height": "height",
        "wall": "wall",
        "thickness": "wall",
        "length": "length",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("width", "Outer width (X)", 20),
            length("height", "Outer height (Y)", 20),
            length("wall", "Wall thickness", 2, minimum=0.4),
            length("length", "Length (Z)", 100),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        group = ctx.take_group("outer width x height")
        if group:
            out.update(zip(("width", "height", "length"), group, strict=False))
        for role, key in (("wall", "wall"), ("thickness", "wall"), ("length", "length"), ("width", "width")):
            value = ctx.take(role)
            if value is not None:
                out.setdefault(key, value)
        side = first(ctx.take("side", "size"), None if out else (lambda: ctx.take_bare("outer width")))
        if side is not None:
            out.setdefault("width", side)
        if "width" in out and "height" not in out:
            out["height"] = out["width"]
        if "length" not in out:
            bare = ctx.take_bare("length")
            if bare is not None:
                out["length"] = bare
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        if 2 * p["wall"] >= min(p["width"], p["height"]):
            raise ParamError({"wall": "walls leave no hollow inside"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        w, h, t = p["width"], p["height"], p["wall"]
        return cq.Workplane("XY").rect(w, h).rect(w - 2 * t, h - 2 * t).extrude(p["length"])

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("none", p["width"], p["height"], p["length"])


class Ring(Family):
    name = "ring"
    title = "Ring / band"
    keywords = ((r"\brings?\b|\bhoops?\b|\bbands?\b|\bannulus\b", 6),)
    roles: ClassVar[Mapping[str, str]] = {
        "id": "inner_diameter",
        "thickness": "band",
        "wall": "band",
        "width": "width",
        "height": "width",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("inner_diameter", "Inner diameter", 18),
            length("band", "Band thickness (radial)", 2),
            length("width", "Band width (axial)", 6),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        inner = first(ctx.take("id"), lambda: ctx.take("diameter"))
        od = ctx.take("od")
        if inner is None and od is None:
            inner = ctx.take_bare("inner diameter")
        if od is not None and inner is not None:
            # Both diameters fix the band, so 'thick' can only mean the axial width.
            band = (od - inner) / 2
            width = ctx.take("width", "height", "length", "thickness")
        else:
            band = ctx.take("thickness", "wall")
            width = ctx.take("width", "height", "length")
        if inner is None and od is not None and band is not None:
            inner = od - 2 * band
        if band is None and od is not None and inner is not None:
            band = (od - inner) / 2
        for key, value in (("inner_diameter", inner), ("band", band), ("width", width)):
            if value is not None:
                out[key] = value
        return out

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        r = p["inner_diameter"] / 2
        return cq.Workplane("XY").circle(r + p["band"]).circle(r).extrude(p["width"])

    def outline(self, p: Mapping[str, Any]) -> Outline:
        od = p["inner_diameter"] + 2 * p["band"]
        return Outline("circle", od, od, p["width"], inner=p["inner_diameter"])


class Sphere(Family):
    name = "sphere"
    title = "Sphere / hemisphere"
    keywords = ((r"\bspheres?\b|\bballs?\b|\borbs?\b|\bspherical\b", 7), (r"\bhemispheres?\b|\bdomes?\b", 8))
    roles: ClassVar[Mapping[str, str]] = {"diameter": "diameter", "od": "diameter", "size": "diameter"}

    def params(self) -> tuple[Param, ...]:
        return (
            length("diameter", "Diameter", 30),
            Param("hemisphere", "Hemisphere (flat bottom)", "boolean", False, group="shape"),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        diameter = first(
            read_diameter(ctx, "diameter", "od", "size", "width"), lambda: ctx.take_bare("diameter")
        )
        if diameter is not None:
            out["diameter"] = diameter
        if ctx.has(r"\bhemispheres?\b|\bdomes?\b|\bhalf[- ]sphere\b"):
            out["hemisphere"] = True
        return out

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        r = p["diameter"] / 2
        if p["hemisphere"]:
            sphere = cq.Workplane("XY").sphere(r)
            return sphere.intersect(
                cq.Workplane("XY").box(2 * r + 2, 2 * r + 2, r + 1, centered=(True, True, False))
            )
        return cq.Workplane("XY").sphere(r).translate((0, 0, r))

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("circle", p["diameter"], p["diameter"], p["diameter"] / (2 if p["hemisphere"] else 1))


class Cone(Family):
    name = "cone"
    title = "Cone / frustum"
    keywords = ((r"\bcones?\b|\bconical\b", 7), (r"\bfrustums?\b|\btruncated cone\b", 8))
    roles: ClassVar[Mapping[str, str]] = {
        "base_diameter": "base_diameter",
        "diameter": "base_diameter",
        "od": "base_diameter",
        "top_diameter": "top_diameter",
        "height": "height",
        "length": "height",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("base_diameter", "Base diameter", 40),
            length("top_diameter", "Top diameter (0 = pointed)", 0, minimum=0),
            length("height", "Height", 30),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        base = first(
            read_diameter(ctx, "base_diameter", "diameter", "od", "size", "width"),
            lambda: ctx.take_bare("base diameter"),
        )
        ctx.has(r"\b(?:at the )?base\b")
        top = ctx.take("top_diameter")
        height = first(ctx.take("height", "length"), lambda: ctx.take_bare("height"))
        if top is None and base is not None and ctx.has(r"\bfrustums?\b|\btruncated\b"):
            top = base / 2
            ctx.assumed.append(f"top diameter {top:g} mm (half the base)")
        for key, value in (("base_diameter", base), ("top_diameter", top), ("height", height)):
            if value is not None:
                out[key] = value
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        if p["top_diameter"] >= p["base_diameter"]:
            raise ParamError({"top_diameter": "must be smaller than the base diameter"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        solid = cq.Solid.makeCone(p["base_diameter"] / 2, p["top_diameter"] / 2, p["height"])
        return cq.Workplane("XY").add(solid)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("circle", p["base_diameter"], p["base_diameter"], p["height"])


class HexPrism(Family):
    name = "hex_prism"
    title = "Hexagonal prism"
    keywords = (
        (r"\bhex(?:agonal)? (?:prism|bar|rod|block|stock|column)s?\b", 8),
        (r"\bhexagons?\b|\bhexagonal\b", 6),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "across_flats": "across_flats",
        "height": "height",
        "length": "height",
        "thickness": "height",
    }

    def params(self) -> tuple[Param, ...]:
        return (length("across_flats", "Across flats", 20), length("height", "Height", 30))

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        af = ctx.take("across_flats", "width")
        if af is None:
            corners = ctx.take("across_corners")
            side = ctx.take("side")
            diameter = ctx.take("diameter")
            if diameter is not None:
                ctx.assumed.append("diameter read as across corners")
            corners = first(corners, diameter)
            af = corners * COS30 if corners is not None else side * math.sqrt(3) if side is not None else None
        af = first(af, lambda: ctx.take_bare("across flats"))
        height = first(ctx.take("height", "length", "thickness"), lambda: ctx.take_bare("height"))
        for key, value in (("across_flats", af), ("height", height)):
            if value is not None:
                out[key] = value
        return out

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        return cq.Workplane("XY").polygon(6, p["across_flats"] / COS30).extrude(p["height"])

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("hex", p["across_flats"], p["across_flats"], p["height"])


FAMILIES: tuple[Family, ...] = (Cylinder(), Tube(), SquareTube(), Ring(), Sphere(), Cone(), HexPrism())
