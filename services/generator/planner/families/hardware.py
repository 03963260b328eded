"""Metric hardware: ISO 7089 washers, ISO 4032 hex nuts, ISO 4017 hex bolts, standoffs.

The metric size (`M8`) is the main parameter; every dimension defaults to 0, meaning
"take it from the standard table for this size", so changing the size in the manifest
or saying "make it M10" in chat updates all dependent dimensions at once, while an
explicit value ("10 mm tall") still overrides the table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.planner import standards
from printforge_services.generator.planner.families.base import Family, Outline, length
from printforge_services.generator.planner.phrases import Context

COS30 = math.cos(math.pi / 6)


def size_param(default: str) -> Param:
    return Param(
        "size",
        "Metric size",
        "enum",
        default,
        options=standards.SIZE_NAMES,
        group="size",
        description="ISO metric thread size; dimensions left at 0 follow the standard for it",
    )


def std(name: str, label: str, what: str) -> Param:
    return length(name, label, 0, minimum=0, group="dimensions", description=f"0 = {what}")


def read_size(ctx: Context, *, bare: bool = True) -> str | None:
    """'M8' / 'M8x40' → 'M8'; with `bare`, a standard number ('8 mm washer') is read as M8 too."""
    q = ctx.take_thread()
    if q is not None:
        ctx.has(r"\b(?:size|threads?|threaded|metric|screws?|bolts?)\b")
        return standards.thread(q.raw[0]).name
    for m in ctx.measures() if bare else ():
        if not m.used and m.role is None and not m.q.is_group and m.q.value in standards.SIZES:
            value = ctx.take_bare("metric size")
            ctx.assumed.append(f"{value:g} mm read as metric size M{value:g}")
            return f"M{value:g}"
    return None


def thread_of(p: Mapping[str, Any]) -> standards.Thread:
    return standards.thread(p["size"])


def hexagon(across_flats: float, height: float) -> cq.Workplane:
    return cq.Workplane("XY").polygon(6, across_flats / COS30).extrude(height)


class StandardSized(Family):
    """Hardware whose 0-valued dimensions come from the standard table: `dims(p)` lists them in
    the order of `STANDARD` (then any others), so reports show the values built."""

    STANDARD: ClassVar[tuple[str, ...]] = ()

    def dims(self, p: Mapping[str, Any]) -> tuple[float, ...]:
        raise NotImplementedError

    def derived(self, p: Mapping[str, Any]) -> dict[str, Any]:
        return {n: v for n, v in zip(self.STANDARD, self.dims(p), strict=False) if not p[n]}


class Washer(StandardSized):
    name = "washer"
    title = "Washer (ISO 7089)"
    keywords = ((r"\bwashers?\b", 9), (r"\biso\s*7089\b|\bdin\s*125\b", 10))
    STANDARD = ("inner_diameter", "outer_diameter", "thickness")
    roles: ClassVar[Mapping[str, str]] = {
        "od": "outer_diameter",
        "diameter": "outer_diameter",
        "id": "inner_diameter",
        "thickness": "thickness",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            size_param("M5"),
            std("inner_diameter", "Inner diameter", "ISO 7089 d1"),
            std("outer_diameter", "Outer diameter", "ISO 7089 d2"),
            std("thickness", "Thickness", "ISO 7089 h"),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        ctx.has(r"\b(?:flat|plain)\b")
        size = read_size(ctx)
        if size:
            out["size"] = size
        for role, key in (("od", "outer_diameter"), ("diameter", "outer_diameter"), ("id", "inner_diameter")):
            value = ctx.take(role)
            if value is not None:
                out.setdefault(key, value)
        thickness = ctx.take("thickness", "height")
        if thickness is not None:
            out["thickness"] = thickness
        return out

    def dims(self, p: Mapping[str, Any]) -> tuple[float, float, float]:
        d1, d2, h = thread_of(p).washer
        return p["inner_diameter"] or d1, p["outer_diameter"] or d2, p["thickness"] or h

    def check(self, p: Mapping[str, Any]) -> None:
        d1, d2, _ = self.dims(p)
        if d1 >= d2:
            raise ParamError(
                {"inner_diameter": f"{d1:g} mm is not smaller than the outer diameter {d2:g} mm"}
            )

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        d1, d2, h = self.dims(p)
        return cq.Workplane("XY").circle(d2 / 2).circle(d1 / 2).extrude(h)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        d1, d2, h = self.dims(p)
        return Outline("circle", d2, d2, h, inner=d1)


class HexNut(StandardSized):
    name = "hex_nut"
    title = "Hex nut (ISO 4032)"
    STANDARD = ("across_flats", "height")
    keywords = (
        (r"\bhex(?:agon(?:al)?)? nuts?\b|\biso\s*4032\b|\bdin\s*934\b", 10),
        (r"\bnuts?\b", 8),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "across_flats": "across_flats",
        "height": "height",
        "thickness": "height",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            size_param("M6"),
            std("across_flats", "Across flats", "ISO 4032 s"),
            std("height", "Height", "ISO 4032 m"),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        size = read_size(ctx)
        if size:
            out["size"] = size
        af = ctx.take("across_flats", "width")
        if af is not None:
            out["across_flats"] = af
        height = ctx.take("height", "thickness")
        if height is not None:
            out["height"] = height
        return out

    def dims(self, p: Mapping[str, Any]) -> tuple[float, float, float]:
        t = thread_of(p)
        s, m = t.nut
        return p["across_flats"] or s, p["height"] or m, t.size

    def check(self, p: Mapping[str, Any]) -> None:
        s, _, d = self.dims(p)
        if s <= d:
            raise ParamError({"across_flats": f"{s:g} mm leaves no wall around the M{d:g} hole"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        s, m, d = self.dims(p)
        return hexagon(s, m).faces(">Z").workplane().hole(d)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        s, m, d = self.dims(p)
        return Outline("hex", s, s, m, inner=d)


class HexBolt(StandardSized):
    name = "hex_bolt"
    title = "Hex bolt (ISO 4017, unthreaded shank)"
    STANDARD = ("head_across_flats", "head_height")
    keywords = (
        (
            r"\bhex(?:agon(?:al)?)? (?:head |cap )?(?:bolt|screw)s?\b|\bcap ?screws?\b"
            r"|\biso\s*401[47]\b|\bdin\s*93[13]\b",
            10,
        ),
        # A set or grub screw is a feature of the part around it (a knob's), not a bolt to make.
        (r"\bbolts?\b|(?<!set )(?<!grub )\bscrews?\b", 8),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "length": "length",
        "height": "length",
        "across_flats": "head_across_flats",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            size_param("M8"),
            length("length", "Shank length", 30, group="size"),
            std("head_across_flats", "Head across flats", "ISO 4017 s"),
            std("head_height", "Head height", "ISO 4017 k"),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        q = ctx.take_thread()
        if q is not None:
            ctx.has(r"\b(?:size|threads?|threaded|metric)\b")
            out["size"] = standards.thread(q.raw[0]).name
            if len(q.raw) > 1:
                out["length"] = q.raw[1]
        else:
            size = read_size(ctx)
            if size:
                out["size"] = size
        bolt_length = ctx.take("length", "height")
        if bolt_length is not None:
            out["length"] = bolt_length
        af = ctx.take("across_flats")
        if af is not None:
            out["head_across_flats"] = af
        return out

    def dims(self, p: Mapping[str, Any]) -> tuple[float, float, float, float]:
        t = thread_of(p)
        s, k = t.head
        return p["head_across_flats"] or s, p["head_height"] or k, t.size, p["length"]

    def check(self, p: Mapping[str, Any]) -> None:
        s, _, d, _ = self.dims(p)
        if s <= d:
            raise ParamError({"head_across_flats": f"{s:g} mm head is not wider than the M{d:g} shank"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        s, k, d, shank = self.dims(p)
        head = hexagon(s, k)
        chamfer = min(d * 0.1, shank / 4)
        rod = (
            cq.Workplane("XY").circle(d / 2).extrude(shank).faces(">Z").chamfer(chamfer).translate((0, 0, k))
        )
        return head.union(rod)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        s, k, _, shank = self.dims(p)
        return Outline("none", s, s, k + shank)


class Standoff(StandardSized):
    name = "standoff"
    title = "Standoff / spacer (round or hex)"
    STANDARD = ("outer", "hole_diameter")
    keywords = ((r"\bstand[- ]?offs?\b", 10), (r"\bspacers?\b", 8))
    roles: ClassVar[Mapping[str, str]] = {
        "od": "outer",
        "diameter": "outer",
        "across_flats": "outer",
        "height": "height",
        "length": "height",
        "id": "hole_diameter",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            size_param("M3"),
            Param("shape", "Shape", "enum", "round", options=("round", "hex"), group="size"),
            length("height", "Height", 10, group="size"),
            std("outer", "Outer diameter / across flats", "twice the thread size"),
            std("hole_diameter", "Hole diameter", "ISO 273 medium clearance for the size"),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if ctx.has(r"\bhex(?:agon(?:al)?)?\b"):
            out["shape"] = "hex"
        ctx.has(r"\bround\b|\bcylindrical\b")
        thread = next((m.q for m in ctx.measures() if m.q.thread and not m.used), None)
        size = read_size(ctx, bare=False)
        if size:
            out["size"] = size
        if thread is not None and len(thread.raw) > 1:
            out["height"] = thread.raw[1]
            ctx.understood.append(
                f"height = {thread.raw[1]:g} mm from 'M{thread.raw[0]:g}x{thread.raw[1]:g}'"
            )
        outer = ctx.take("od", "diameter", "across_flats", "width")
        if outer is not None:
            out["outer"] = outer
        height = ctx.take("height", "length")
        if height is None and "height" not in out:
            height = ctx.take_bare("height")
        if height is not None:
            out["height"] = height
        hole = ctx.take("id", "bore")
        if hole is not None:
            out["hole_diameter"] = hole
        return out

    def dims(self, p: Mapping[str, Any]) -> tuple[float, float]:
        t = thread_of(p)
        return p["outer"] or max(2 * t.size, t.size + 3), p["hole_diameter"] or t.clearance()

    def check(self, p: Mapping[str, Any]) -> None:
        outer, hole = self.dims(p)
        if hole >= outer:
            raise ParamError({"hole_diameter": f"{hole:g} mm hole does not fit in {outer:g} mm"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        outer, hole = self.dims(p)
        if p["shape"] == "hex":
            body = hexagon(outer, p["height"])
        else:
            body = cq.Workplane("XY").circle(outer / 2).extrude(p["height"])
        return body.faces(">Z").workplane().hole(hole)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        outer, hole = self.dims(p)
        return Outline("hex" if p["shape"] == "hex" else "circle", outer, outer, p["height"], inner=hole)


FAMILIES: tuple[Family, ...] = (Washer(), HexNut(), HexBolt(), Standoff())
