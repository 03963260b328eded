"""Holders sized by what they hold: a hex key stand and a battery cell holder.

Both are a block with one pocket per object, the pocket being the object's own section
plus the printer clearance (`PRINT_CLEARANCE`, 0.2 mm a side unless the prompt says
otherwise), so a key or a cell from `printforge_services.generator.objects` drops in and stays.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.objects.cells import OBJECTS as CELLS
from printforge_services.generator.objects.hex_keys import SET_SIZES
from printforge_services.generator.planner.families.base import Family, Outline, count, length
from printforge_services.generator.planner.phrases import Context

PRINT_CLEARANCE = 0.2
WALL = 3.0
COS30 = math.cos(math.pi / 6)
CELL_NAMES = {cell.title.split()[0].upper(): cell for cell in CELLS}


class HexKeyHolder(Family):
    """A row of hex sockets, one per ISO 2936 key from `smallest` to `largest`, keys standing up."""

    name = "hex_key_holder"
    title = "Hex key holder"
    keywords = (
        (
            r"\b(?:hex|allen)[- ]?(?:key|wrench)(?: set)?s? "
            r"(?:holder|stand|organi[sz]er|rack|block|caddy)s?\b",
            14,
        ),
        (
            r"\b(?:holder|stand|organi[sz]er|rack|block)s? for "
            r"(?:my |a |the )?(?:hex|allen) (?:keys?|wrench)",
            14,
        ),
    )
    roles: ClassVar[Mapping[str, str]] = {"depth": "depth", "height": "depth"}

    def params(self) -> tuple[Param, ...]:
        sizes = tuple(SET_SIZES)
        return (
            Param(
                "smallest", "Smallest key (across flats)", "enum", 1.5, unit="mm", options=sizes, group="keys"
            ),
            Param(
                "largest", "Largest key (across flats)", "enum", 10.0, unit="mm", options=sizes, group="keys"
            ),
            length("depth", "Socket depth", 20, minimum=5, maximum=60),
            length("clearance", "Printer clearance per side", PRINT_CLEARANCE, minimum=0, maximum=1),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        ctx.has(r"\b(?:hex|allen)\b|\bkeys?\b|\bwrench(?:es)?\b|\bset\b|\bholder\b|\bstand\b|\bmetric\b")
        named = sorted(m.q.value for m in ctx.measures() if not m.used and m.q.value in SET_SIZES)
        if named:
            for m in ctx.measures():
                if not m.used and m.q.value in SET_SIZES:
                    ctx.take_span(m.q.start, m.q.end)
            out["smallest"], out["largest"] = named[0], named[-1]
            ctx.understood.append(f"keys {named[0]:g}-{named[-1]:g} mm")
        depth = ctx.take("depth", "height")
        if depth is not None:
            out["depth"] = depth
        return out

    def sizes(self, p: Mapping[str, Any]) -> list[float]:
        return [s for s in SET_SIZES if p["smallest"] <= s <= p["largest"]]

    def check(self, p: Mapping[str, Any]) -> None:
        if p["smallest"] > p["largest"]:
            raise ParamError({"smallest": "the smallest key must not be larger than the largest"})

    def layout(self, p: Mapping[str, Any]) -> tuple[list[tuple[float, float]], float, float]:
        """(x, socket corner width) per key, block length, block width."""
        corners = [(s + 2 * p["clearance"]) / COS30 for s in self.sizes(p)]
        xs, x = [], WALL
        for c in corners:
            xs.append((x + c / 2, c))
            x += c + WALL
        return xs, x, max(corners) + 2 * WALL

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        xs, total, width = self.layout(p)
        height = p["depth"] + WALL
        body = cq.Workplane("XY").box(total, width, height, centered=(False, True, False))
        for x, corner in xs:
            socket = cq.Workplane("XY").polygon(6, corner).extrude(p["depth"] + 1).translate((x, 0, WALL))
            body = body.cut(socket)
        return body.translate((-total / 2, 0, 0))

    def outline(self, p: Mapping[str, Any]) -> Outline:
        _, total, width = self.layout(p)
        return Outline("rect", total, width, p["depth"] + WALL)


class CellHolder(Family):
    """A block with round pockets for battery cells (AA, AAA, 18650, ...), half their length deep."""

    name = "cell_holder"
    title = "Battery holder"
    keywords = (
        (r"\bbatter(?:y|ies) (?:holder|organi[sz]er|storage|box|case|caddy|rack|tray)s?\b", 14),
        (
            r"\b(?:holder|organi[sz]er|storage|box|case|caddy|rack|tray)s? for (?:\w+ ){0,2}"
            r"(?:batter(?:y|ies)|cells?|aa|aaa|18650s?|21700s?)\b",
            14,
        ),
        (r"\b(?:aa|aaa|18650|21700|cell) (?:holder|organi[sz]er|rack|tray)s?\b", 14),
    )
    roles: ClassVar[Mapping[str, str]] = {}

    def params(self) -> tuple[Param, ...]:
        return (
            Param("cell", "Cell type", "enum", "AA", options=tuple(CELL_NAMES), group="cells"),
            count("columns", "Cells per row", 4, maximum=20),
            count("rows", "Rows", 1, maximum=20),
            length("clearance", "Printer clearance per side", PRINT_CLEARANCE, minimum=0, maximum=1),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        ctx.has(r"\bbatter(?:y|ies)\b|\bcells?\b|\bholder\b|\bstorage\b|\borgani[sz]er\b|\bfor\b")
        for name in sorted(CELL_NAMES, key=len, reverse=True):
            pattern = r"\b" + re.escape(name.lower()) + r"s?\b"
            hit = re.search(pattern, ctx.text)
            if hit:
                out["cell"] = name
                ctx.take_span(*hit.span())
                break
        grid = ctx.take_group("cell grid", unitless=True)
        if grid and len(grid) == 2:
            out["columns"], out["rows"] = int(grid[0]), int(grid[1])
        else:
            n = next((m for m in ctx.measures() if not m.used and m.q.is_integer and m.q.unit is None), None)
            if n is not None:
                total = int(ctx.take_bare("number of cells", integer=True) or 1)
                out["columns"] = min(total, 10)
                out["rows"] = math.ceil(total / out["columns"])
        return out

    def pocket(self, p: Mapping[str, Any]) -> tuple[float, float]:
        cell = CELL_NAMES[p["cell"]]
        return float(cell.features["diameter"]) + 2 * p["clearance"], float(cell.features["length"])

    def extents(self, p: Mapping[str, Any]) -> tuple[float, float, float]:
        d, h = self.pocket(p)
        pitch = d + WALL / 2
        return p["columns"] * pitch + WALL * 1.5, p["rows"] * pitch + WALL * 1.5, max(h / 2, 3.0) + WALL

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        d, _ = self.pocket(p)
        lx, ly, lz = self.extents(p)
        pitch = d + WALL / 2
        points = [
            ((i - (p["columns"] - 1) / 2) * pitch, (j - (p["rows"] - 1) / 2) * pitch)
            for i in range(p["columns"])
            for j in range(p["rows"])
        ]
        body = cq.Workplane("XY").box(lx, ly, lz, centered=(True, True, False))
        pockets = cq.Workplane("XY").workplane(offset=WALL).pushPoints(points).circle(d / 2).extrude(lz)
        return body.cut(pockets)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        lx, ly, lz = self.extents(p)
        return Outline("rect", lx, ly, lz)


FAMILIES: tuple[Family, ...] = (HexKeyHolder(), CellHolder())
