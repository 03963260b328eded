"""Flat and box-like families: blocks, open boxes, plates (rectangular, round,
triangular), keychain tags and coasters. They share the `length × width × height`
reading of `40x20x10` groups, so that logic lives here once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.planner.families.base import Family, Outline, first, length, rounded_rect
from printforge_services.generator.planner.phrases import Context


def read_box(ctx: Context, *, flat: bool = False) -> dict[str, float]:
    """length/width/height from a group ('40x20x10') and/or role words ('50 mm long').

    For flat parts the smallest member of a triple is the thickness whatever its place.
    """
    out: dict[str, float] = {}
    group = ctx.take_group("length x width x height")
    if group:
        values = list(group)
        if flat and len(values) == 3:
            thickness = min(values)
            values.remove(thickness)
            values.append(thickness)
        out.update(zip(("length", "width", "height"), values, strict=False))
    for role, key in (
        ("length", "length"),
        ("width", "width"),
        ("height", "height"),
        ("thickness", "height"),
    ):
        value = ctx.take(role)
        if value is not None and key not in out:
            out[key] = value
    depth = ctx.take("depth")
    if depth is not None:
        key = "width" if "width" not in out else "height" if "height" not in out else "length"
        out[key] = depth
    # a lone bare size is the side of whatever is still unsized ('square plate 50 mm, 3 mm thick')
    footprint = "length" in out or "width" in out
    side = first(ctx.take("side", "size"), None if footprint else (lambda: ctx.take_bare("size")))
    if side is not None:
        for key in ("length", "width", "height"):
            out.setdefault(key, side)
    return out


class Box(Family):
    name = "box"
    title = "Box / block / cube"
    keywords = (
        (r"\bcubes?\b", 6),
        (r"\bcuboid|rectangular prism|\bbrick\b", 6),
        (r"\bblocks?\b", 5),
        (r"\bbox(?:es)?\b", 4),
        (r"\brectangular\b|\bsolid\b|\bsquare\b", 1),
        (r"\bspacer block|\bbrick\b", 5),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "length": "length",
        "width": "width",
        "height": "height",
        "thickness": "height",
        "depth": "height",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("length", "Length (X)", 40),
            length("width", "Width (Y)", 30),
            length("height", "Height (Z)", 20),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        dims = read_box(ctx)
        if ctx.has(r"\bcube\b") and dims:
            side = next(iter(dims.values()))
            for key in ("length", "width", "height"):
                dims.setdefault(key, side)
        return dims

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        return cq.Workplane("XY").box(p["length"], p["width"], p["height"], centered=(True, True, False))

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("rect", p["length"], p["width"], p["height"])


class OpenBox(Family):
    name = "open_box"
    title = "Open-top box / tray / enclosure"
    keywords = (
        (r"open[- ]?top(?:ped)? (?:box|container|case)|open box|\btray\b|\benclosure\b|\bcontainer\b", 8),
        (r"\bhollow box\b|\bstorage box\b|\bproject box\b|\bcase\b|\bbin\b", 6),
        (
            r"\b(?:no|without(?: an?| the)?) (?:lid|top|cover)\b|\blidless\b|\btopless\b"
            r"|\bopen (?:at|on) (?:the )?top\b|\bopen[- ]?top(?:ped)?\b",
            8,
        ),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "length": "length",
        "width": "width",
        "height": "height",
        "depth": "height",
        "wall": "wall",
        "thickness": "wall",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("length", "Length (X)", 60),
            length("width", "Width (Y)", 40),
            length("height", "Height (Z)", 30),
            length("wall", "Wall thickness", 2, group="walls", minimum=0.4, maximum=50),
            length("floor", "Floor thickness", 2, group="walls", minimum=0.4, maximum=50),
            length("corner_radius", "Outer corner radius", 0, group="walls", minimum=0, maximum=100),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        ctx.has(r"\bbox(?:es)?\b")
        wall = ctx.take("wall")
        out: dict[str, Any] = read_box(ctx)
        wall = first(wall, lambda: ctx.take("thickness"))
        if wall is not None:
            out["wall"] = wall
            floor = ctx.take("floor")
            out["floor"] = first(floor, wall)
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        errors = {}
        if 2 * p["wall"] >= min(p["length"], p["width"]):
            errors["wall"] = "walls leave no room inside"
        if p["floor"] >= p["height"]:
            errors["floor"] = "floor is as thick as the box is tall"
        if 2 * p["corner_radius"] >= min(p["length"], p["width"]):
            errors["corner_radius"] = "corner radius exceeds half the smaller side"
        if errors:
            raise ParamError(errors)

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        r = p["corner_radius"]
        outer = rounded_rect(p["length"], p["width"], r).extrude(p["height"])
        inner_r = max(r - p["wall"], 0.0)
        inner = (
            rounded_rect(p["length"] - 2 * p["wall"], p["width"] - 2 * p["wall"], inner_r)
            .extrude(p["height"])
            .translate((0, 0, p["floor"]))
        )
        return outer.cut(inner)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("rect", p["length"], p["width"], p["floor"])


class Plate(Family):
    name = "plate"
    title = "Rectangular plate / bar"
    keywords = (
        (r"\bplates?\b|\bsheet\b|\bslab\b|\bpanel\b|\bbase ?plate\b", 5),
        (r"\bbar\b|\bstrip\b|\bflat bar\b|\bbracket plate\b|\bshim\b", 4),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "length": "length",
        "width": "width",
        "height": "thickness",
        "thickness": "thickness",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("length", "Length (X)", 60),
            length("width", "Width (Y)", 40),
            length("thickness", "Thickness", 4),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        dims = read_box(ctx, flat=True)
        if "height" in dims:
            dims["thickness"] = dims.pop("height")
        if ctx.has(r"\bbar\b|\bstrip\b") and "width" not in dims and "length" in dims:
            dims["width"] = max(10.0, round(dims["length"] / 5))
        return dims

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        return cq.Workplane("XY").box(p["length"], p["width"], p["thickness"], centered=(True, True, False))

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("rect", p["length"], p["width"], p["thickness"])


class RoundPlate(Family):
    name = "round_plate"
    title = "Round plate"
    keywords = ((r"\b(?:round|circular) (?:plate|base|panel|sheet)\b", 8),)
    roles: ClassVar[Mapping[str, str]] = {
        "diameter": "diameter",
        "od": "diameter",
        "thickness": "thickness",
        "height": "thickness",
    }

    def params(self) -> tuple[Param, ...]:
        return (length("diameter", "Diameter", 60), length("thickness", "Thickness", 4))

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        radius = ctx.take("radius")
        diameter = first(ctx.take("diameter", "od", "size"), radius * 2 if radius else None)
        diameter = first(diameter, lambda: ctx.take_bare("diameter"))
        if diameter is not None:
            out["diameter"] = diameter
        thickness = ctx.take("thickness", "height")
        if thickness is not None:
            out["thickness"] = thickness
        return out

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        return cq.Workplane("XY").circle(p["diameter"] / 2).extrude(p["thickness"])

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("circle", p["diameter"], p["diameter"], p["thickness"])


class TrianglePlate(Family):
    name = "triangle_plate"
    title = "Triangular plate (equilateral)"
    keywords = ((r"\btriang(?:le|ular)\b", 8),)
    roles: ClassVar[Mapping[str, str]] = {
        "side": "side",
        "length": "side",
        "thickness": "thickness",
        "height": "thickness",
    }

    def params(self) -> tuple[Param, ...]:
        return (length("side", "Side length", 50), length("thickness", "Thickness", 4))

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        ctx.has(r"\bplates?\b|\bequilateral\b")
        side = first(ctx.take("side", "length", "size"), lambda: ctx.take_bare("side"))
        if side is not None:
            out["side"] = side
        thickness = first(ctx.take("thickness", "height"), lambda: ctx.take_bare("thickness"))
        if thickness is not None:
            out["thickness"] = thickness
        return out

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        s = p["side"]
        h = s * math.sqrt(3) / 2
        pts = [(-s / 2, -h / 3), (s / 2, -h / 3), (0, 2 * h / 3)]
        return cq.Workplane("XY").polyline(pts).close().extrude(p["thickness"])

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("tri", p["side"], p["side"] * math.sqrt(3) / 2, p["thickness"])


class Keychain(Family):
    name = "keychain"
    title = "Keychain tag"
    keywords = ((r"key ?chain|key ?ring|key ?fob|\bkey tag\b", 9), (r"\b(?:name |luggage )?tags?\b", 6))
    roles: ClassVar[Mapping[str, str]] = {
        "length": "length",
        "width": "width",
        "height": "thickness",
        "thickness": "thickness",
    }
    hole_default = "end"

    def params(self) -> tuple[Param, ...]:
        return (
            length("length", "Length (X)", 50),
            length("width", "Width (Y)", 25),
            length("thickness", "Thickness", 3),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        dims = read_box(ctx, flat=True)
        if "height" in dims:
            dims["thickness"] = dims.pop("height")
        return dims

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        return cq.Workplane("XY").box(p["length"], p["width"], p["thickness"], centered=(True, True, False))

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("rect", p["length"], p["width"], p["thickness"])

    def default_features(self, p: Mapping[str, Any], features: list[dict[str, Any]]) -> list[dict[str, Any]]:
        added: list[dict[str, Any]] = []
        if not any(f["type"] == "hole" for f in features):
            d = min(5.0, p["width"] / 3)
            added.append(_end_hole(d))
        if not any(f["type"] == "fillet" for f in features):
            added.append(
                {"type": "fillet", "radius": round(min(4.0, p["width"] / 5), 2), "edges": "vertical"}
            )
        return added


class Coaster(Family):
    name = "coaster"
    title = "Coaster"
    keywords = ((r"\bcoasters?\b", 9),)
    roles: ClassVar[Mapping[str, str]] = {
        "diameter": "size",
        "od": "size",
        "side": "size",
        "thickness": "thickness",
        "height": "thickness",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            Param("shape", "Shape", "enum", "round", options=("round", "square", "hexagon"), group="size"),
            length("size", "Diameter / side", 90, maximum=400),
            length("thickness", "Thickness", 5, maximum=50),
            length("rim", "Rim width", 3, group="rim", minimum=0, maximum=50),
            length("recess", "Recess depth", 1, group="rim", minimum=0, maximum=20),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if ctx.has(r"\bsquare\b"):
            out["shape"] = "square"
        elif ctx.has(r"\bhex(?:agon(?:al)?)?\b"):
            out["shape"] = "hexagon"
        ctx.has(r"\bround\b|\bcircular\b")
        radius = ctx.take("radius")
        size = first(
            ctx.take("diameter", "od", "side", "size", "width", "across_flats"),
            radius * 2 if radius else None,
        )
        size = first(size, lambda: ctx.take_bare("size"))
        if size is not None:
            out["size"] = size
        thickness = first(ctx.take("thickness", "height"), lambda: ctx.take_bare("thickness"))
        if thickness is not None:
            out["thickness"] = thickness
        rim = ctx.take("rim")
        if rim is not None:
            out["rim"] = rim
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        errors = {}
        if p["recess"] >= p["thickness"]:
            errors["recess"] = "recess is deeper than the coaster is thick"
        if 2 * p["rim"] >= p["size"]:
            errors["rim"] = "rim is wider than half the coaster"
        if errors:
            raise ParamError(errors)

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        body = _coaster_profile(p["shape"], p["size"]).extrude(p["thickness"])
        if p["recess"] > 0 and p["rim"] > 0:
            inner = _coaster_profile(p["shape"], p["size"] - 2 * p["rim"]).extrude(p["recess"])
            body = body.cut(inner.translate((0, 0, p["thickness"] - p["recess"])))
        return body

    def outline(self, p: Mapping[str, Any]) -> Outline:
        kind = {"round": "circle", "square": "rect", "hexagon": "hex"}[p["shape"]]
        return Outline(kind, p["size"], p["size"], p["thickness"])


def _coaster_profile(shape: str, size: float) -> cq.Workplane:
    if shape == "square":
        return rounded_rect(size, size, min(5.0, size / 8))
    if shape == "hexagon":
        return cq.Workplane("XY").polygon(6, size / math.cos(math.pi / 6))
    return cq.Workplane("XY").circle(size / 2)


def _end_hole(diameter: float) -> dict[str, Any]:
    return {
        "type": "hole",
        "diameter": round(diameter, 2),
        "depth": None,
        "pattern": {"kind": "end", "count": 1},
    }


FAMILIES: tuple[Family, ...] = (
    Box(),
    OpenBox(),
    Plate(),
    RoundPlate(),
    TrianglePlate(),
    Keychain(),
    Coaster(),
)
