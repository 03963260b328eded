"""Mechanical parts: L-bracket, pipe flange, involute spur gear, NEMA motor plate.

These carry domain rules the generic families lack: bolt holes "in each leg", a
flange's default bolt circle, gear outside diameter m·(z+2), NEMA screw spacing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.planner import standards
from printforge_services.generator.planner.families.base import Family, Outline, Site, count, first, length
from printforge_services.generator.planner.phrases import Context


class LBracket(Family):
    name = "l_bracket"
    title = "L-bracket / angle bracket"
    keywords = (
        (r"\bl[- ]?(?:shaped )?brackets?\b|\bangle brackets?\b|\bcorner brackets?\b|\bangle iron\b", 10),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "width": "width",
        "thickness": "thickness",
        "leg": "leg_a",
        "length": "leg_a",
        "height": "leg_b",
    }
    hole_default = "per_leg"

    def params(self) -> tuple[Param, ...]:
        return (
            length("width", "Width (along the bend)", 30),
            length("leg_a", "Horizontal leg length", 40),
            length("leg_b", "Vertical leg length", 40),
            length("thickness", "Thickness", 4),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        group = ctx.take_group("legs (x width)")
        width = ctx.take("width")
        thickness = ctx.take("thickness")
        if group is not None and len(group) in (2, 3):  # 'L bracket 40x40' / '40x30x20'
            leg_a, leg_b = group[0], group[1]
            width = first(width, group[2] if len(group) == 3 else None)
        else:
            leg_a, leg_b = self._legs(ctx)
        for key, value in (("width", width), ("leg_a", leg_a), ("leg_b", leg_b), ("thickness", thickness)):
            if value is not None:
                out[key] = value
        return out

    @staticmethod
    def _legs(ctx: Context) -> tuple[float | None, float | None]:
        """Leg lengths from role words ('legs 40 and 30 mm', '50 mm long, 30 mm high')."""
        leg_a = ctx.take("leg")
        leg_b = ctx.take("leg")
        if leg_a is None:
            leg_a = ctx.take("length")
            leg_b = first(leg_b, lambda: ctx.take("height"))
        elif leg_b is None:
            leg_b = first(ctx.take("length", "height"), lambda: ctx.take_bare("second leg"))
        if leg_a is not None and leg_b is None:
            leg_b = leg_a
            ctx.assumed.append("both legs equally long")
        return leg_a, leg_b

    def check(self, p: Mapping[str, Any]) -> None:
        if p["thickness"] >= min(p["leg_a"], p["leg_b"]):
            raise ParamError({"thickness": "legs must be longer than the bracket is thick"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        a, b, t = p["leg_a"], p["leg_b"], p["thickness"]
        pts = [(0, 0), (a, 0), (a, t), (t, t), (t, b), (0, b)]
        profile = cq.Workplane("XZ").polyline(pts).close().extrude(p["width"] / 2, both=True)
        return profile.translate((-a / 2, 0, 0))

    def outline(self, p: Mapping[str, Any]) -> Outline:
        return Outline("rect", p["leg_a"], p["width"], p["thickness"])

    def sites(self, pattern: Mapping[str, Any], p: Mapping[str, Any]) -> list[Site] | None:
        if pattern["kind"] != "per_leg":
            return None
        a, b, t, w = p["leg_a"], p["leg_b"], p["thickness"], p["width"]
        n = pattern["count"]
        ys = [-w / 2 + w * (i + 0.5) / n for i in range(n)]
        horizontal = [Site(-a / 2 + (t + a) / 2, y, t, (0, 0, -1), t) for y in ys]
        vertical = [Site(-a / 2 + t, y, (t + b) / 2, (-1, 0, 0), t) for y in ys]
        return horizontal + vertical


class Flange(Family):
    name = "flange"
    title = "Pipe flange"
    keywords = ((r"\bflanges?\b", 10), (r"\bpipe\b|\bblind\b|\bslip[- ]on\b", 1))
    roles: ClassVar[Mapping[str, str]] = {
        "od": "outer_diameter",
        "diameter": "outer_diameter",
        "thickness": "thickness",
        "bore": "bore",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            length("outer_diameter", "Outer diameter", 80),
            length("thickness", "Thickness", 10),
            length("bore", "Bore diameter", 30, minimum=0),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self._pipe_size(ctx)
        radius = ctx.take("radius")
        od = first(
            ctx.take("od", "diameter"),
            radius * 2 if radius else None,
            lambda: ctx.take_bare("outer diameter"),
        )
        thickness = ctx.take("thickness", "height")
        bore = ctx.take("bore", "id")
        if od is None and bore is not None:
            od = self.ring_for(bore)
            ctx.understood.append(f"outer diameter = {od:g} mm: a bolt ring around the {bore:g} mm bore")
        for key, value in (("outer_diameter", od), ("thickness", thickness), ("bore", bore)):
            if value is not None:
                out[key] = value
        return out

    @staticmethod
    def _pipe_size(ctx: Context) -> None:
        """'a flange for a 32 mm pipe': the pipe's size is the bore it slips into, not the flange's."""
        for m in ctx.measures():
            if m.used or m.q.is_group or m.q.thread:
                continue
            if re.match(r"\s*(?:od |outside diameter )?(?:pipes?|tubes?|tubing)\b", ctx.text[m.q.end :]):
                m.role = "bore"

    @staticmethod
    def ring_for(bore: float) -> float:
        """Outside diameter that leaves a ring for bolt holes of about a quarter of the bore
        (at least 4.5 mm), each with a hole's width of material either side."""
        hole = max(4.5, min(18.0, bore / 4))
        return round(bore + 6 * hole, 1)

    def check(self, p: Mapping[str, Any]) -> None:
        if p["bore"] >= p["outer_diameter"]:
            raise ParamError({"bore": "bore must be smaller than the outer diameter"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        body = cq.Workplane("XY").circle(p["outer_diameter"] / 2)
        if p["bore"] > 0:
            body = body.circle(p["bore"] / 2)
        return body.extrude(p["thickness"])

    def outline(self, p: Mapping[str, Any]) -> Outline:
        od = p["outer_diameter"]
        return Outline("circle", od, od, p["thickness"], inner=p["bore"])

    def feature_defaults(self, kind: str, p: Mapping[str, Any]) -> dict[str, Any]:
        """Bolt holes a third of the ring wide, so a ring of material is left either side."""
        if kind != "hole":
            return {}
        ring = (p["outer_diameter"] - p["bore"]) / 2
        return {"diameter": round(max(3.0, min(ring / 3, 18.0)), 1)}

    def default_features(self, p: Mapping[str, Any], features: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if any(f["type"] == "hole" for f in features):
            return []
        return [{"type": "hole", "diameter": None, "depth": None, "pattern": {"kind": "circle", "count": 4}}]


class SpurGear(Family):
    name = "spur_gear"
    title = "Spur gear (involute)"
    keywords = (
        (r"\b(?:spur|involute) gears?\b", 10),
        (r"\bgears?\b|\bcog(?:wheel)?s?\b|\bpinions?\b|\bgear ?wheels?\b", 8),
    )
    roles: ClassVar[Mapping[str, str]] = {
        "thickness": "thickness",
        "height": "thickness",
        "width": "thickness",
        "bore": "bore",
        "id": "bore",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            Param("module", "Module", "number", 1.0, unit="mm", min=0.2, max=20, step=0.05, group="teeth"),
            count("teeth", "Number of teeth", 20, minimum=6, maximum=300),
            Param(
                "pressure_angle", "Pressure angle", "number", 20.0, unit="°", min=14.5, max=30, group="teeth"
            ),
            length("thickness", "Thickness", 8),
            length("bore", "Bore diameter", 5, minimum=0),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        module = ctx.take_raw("module", "module")
        if module is None:
            thread = ctx.take_thread()  # gear people write the module as 'm2' / 'M1.5'
            if thread is not None:
                module = thread.raw[0]
                ctx.assumed.append(f"'m{module:g}' read as module {module:g}")
        teeth = ctx.take_count("teeth", "teeth")
        angle = ctx.take_raw("angle", "pressure angle")
        ctx.has(r"\bpressure angle\b|\binvolute\b")
        od = ctx.take("od", "diameter")
        if od is not None and module is None and teeth:
            module = round(od / (teeth + 2), 3)
        if od is not None and teeth is None:
            module = first(module, 1.0)
            teeth = max(6, round(od / module - 2))
        for key, value in (
            ("module", module),
            ("teeth", teeth),
            ("pressure_angle", angle),
            ("thickness", ctx.take("thickness", "height", "width")),
            ("bore", ctx.take("bore", "id")),
        ):
            if value is not None:
                out[key] = value
        return out

    def check(self, p: Mapping[str, Any]) -> None:
        root = p["module"] * (p["teeth"] - 2.5)
        if p["bore"] >= root - 2 * p["module"]:
            raise ParamError({"bore": f"bore must leave material inside the root diameter {root:.2f} mm"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        outer = gear_wire(p["module"], p["teeth"], math.radians(p["pressure_angle"]))
        inner = [cq.Wire.makeCircle(p["bore"] / 2, cq.Vector(), cq.Vector(0, 0, -1))] if p["bore"] > 0 else []
        face = cq.Face.makeFromWires(outer, inner)
        return cq.Workplane("XY").add(cq.Solid.extrudeLinear(face, cq.Vector(0, 0, p["thickness"])))

    def outline(self, p: Mapping[str, Any]) -> Outline:
        root = p["module"] * (p["teeth"] - 2.5)
        return Outline("circle", root, root, p["thickness"], inner=p["bore"])


def gear_wire(module: float, teeth: int, alpha: float, steps: int = 5) -> cq.Wire:
    """Closed involute spur-gear outline, tooth 0 centred on +X with its tip at r = m(z+2)/2.

    Each flank is one spline through involute points, tips and roots are arcs, so a
    20-tooth gear has ~100 edges instead of hundreds of polyline segments.
    """
    rp = module * teeth / 2
    rb = rp * math.cos(alpha)
    ra = rp + module
    rf = rp - 1.25 * module

    def inv(a: float) -> float:
        return math.tan(a) - a

    half = math.pi / (2 * teeth) + inv(alpha)

    def flank_angle(r: float) -> float:
        return half - inv(math.acos(min(1.0, rb / r)))

    def at(r: float, a: float) -> cq.Vector:
        return cq.Vector(r * math.cos(a), r * math.sin(a), 0)

    start = max(rf, rb)
    radii = [start + (ra - start) * i / steps for i in range(steps + 1)]
    pitch = 2 * math.pi / teeth
    edges: list[cq.Edge] = []
    for i in range(teeth):
        c = i * pitch
        left = [at(r, c - flank_angle(r)) for r in radii]
        right = [at(r, c + flank_angle(r)) for r in reversed(radii)]
        root_in, root_out = at(rf, c - flank_angle(start)), at(rf, c + flank_angle(start))
        if rf < rb:
            edges.append(cq.Edge.makeLine(root_in, left[0]))
        edges.append(cq.Edge.makeSpline(left))
        edges.append(cq.Edge.makeThreePointArc(left[-1], at(ra, c), right[0]))
        edges.append(cq.Edge.makeSpline(right))
        if rf < rb:
            edges.append(cq.Edge.makeLine(right[-1], root_out))
        next_in = at(rf, c + pitch - flank_angle(start))
        edges.append(
            cq.Edge.makeThreePointArc(root_out if rf < rb else right[-1], at(rf, c + pitch / 2), next_in)
        )
    return cq.Wire.assembleEdges(edges)


# Rubber grommets for M3 (e.g. 8 mm OD, 4.5 mm groove): a slot they sit in, and the margin of
# plate around the motor face that carries the four slots.
GROMMET_SLOT = (4.5, 9.0)
GROMMET_MARGIN = 12.0
DAMPING = r"\bvibration[- ]?damp\w*|\banti[- ]?vibration\b|\bdamp(?:ed|ing|ener|eners)\b|\brubber grommets?\b"

# 'NEMA 17 plate 5 mm': a lone small number is the thickness (the plate is at least the motor face).
MAX_BARE_THICKNESS = 20.0


class NemaPlate(Family):
    name = "nema_plate"
    title = "NEMA stepper motor mount plate"
    keywords = ((r"\bnema[\s-]*\d+", 11), (r"\bstepper\b|\bmotor (?:mount|plate|bracket)\b", 8))
    roles: ClassVar[Mapping[str, str]] = {
        "thickness": "thickness",
        "height": "thickness",
        "size": "size",
        "width": "size",
        "side": "size",
    }

    def params(self) -> tuple[Param, ...]:
        return (
            Param("nema", "NEMA frame size", "enum", 17, options=tuple(standards.NEMA), group="motor"),
            length("thickness", "Thickness", 5),
            length(
                "size",
                "Plate size",
                0,
                minimum=0,
                description="0 = the motor face width, plus the grommet margin when damped",
            ),
            length("pilot_clearance", "Pilot hole clearance", 0.5, minimum=0, maximum=5, group="motor"),
            Param(
                "damping",
                "Vibration damping (grommet slots)",
                "boolean",
                False,
                group="motor",
                description="4 slots outside the motor for rubber grommets; the plate grows to hold them",
            ),
        )

    def fill(self, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        match = re.search(r"\bnema[\s-]*(\d+)", ctx.text)
        if match:
            ctx.take_span(match.start(), match.end())
            frame = int(match.group(1))
            if frame in standards.NEMA:
                out["nema"] = frame
            else:
                ctx.notes.append(f"NEMA {frame} is not a known frame; known: {sorted(standards.NEMA)}")
        ctx.has(r"\bstepper\b|\bmotor\b|\bmount(?:ing)?\b|\bplate\b")
        thickness = ctx.take("thickness", "height")
        bare = next((m for m in ctx.measures() if not m.used and m.role is None and not m.q.is_group), None)
        if thickness is None and bare is not None and bare.q.value <= MAX_BARE_THICKNESS:
            thickness = ctx.take_bare("thickness")
        if thickness is not None:
            out["thickness"] = thickness
        size = first(ctx.take("size", "width", "side"), lambda: (ctx.take_group("plate size") or (None,))[0])
        if size is not None:
            out["size"] = size
        if ctx.has(DAMPING):
            out["damping"] = True
            ctx.approximated.append(
                "vibration-damping: approximated by 4 slots for rubber grommets outside the motor face"
            )
        return out

    def dims(self, p: Mapping[str, Any]) -> tuple[float, float, float, float]:
        face, spacing, pilot, screw = standards.NEMA[p["nema"]]
        auto = face + (2 * GROMMET_MARGIN if p["damping"] else 0.0)
        return p["size"] or auto, spacing, pilot + p["pilot_clearance"], screw

    def derived(self, p: Mapping[str, Any]) -> dict[str, Any]:
        return {} if p["size"] else {"size": round(self.dims(p)[0], 2)}

    def pattern_defaults(self, kind: str, p: Mapping[str, Any]) -> dict[str, Any]:
        """Captive nuts and inserts hold the motor screws, so they sit under the screw holes."""
        if kind not in ("nut_pocket", "insert"):
            return {}
        size, spacing, _, _ = self.dims(p)
        return {"kind": "corners", "count": 4, "offset": round((size - spacing) / 2, 3)}

    def default_features(self, p: Mapping[str, Any], features: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not p["damping"] or any(f["type"] == "slot" for f in features):
            return []
        pattern = {"kind": "corners", "count": 4, "offset": GROMMET_MARGIN / 2}
        return [{"type": "slot", "width": GROMMET_SLOT[0], "length": GROMMET_SLOT[1], "pattern": pattern}]

    def check(self, p: Mapping[str, Any]) -> None:
        size, spacing, _, screw = self.dims(p)
        if size < spacing + standards.thread(screw).clearance() + 2:
            raise ParamError({"size": f"{size:g} mm plate cannot hold screws {spacing:g} mm apart"})

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        size, spacing, pilot, screw = self.dims(p)
        hole = standards.thread(screw).clearance()
        t = p["thickness"]
        half = spacing / 2
        screws = [(-half, -half), (-half, half), (half, -half), (half, half)]
        cutters = (
            cq.Workplane("XY")
            .circle(pilot / 2)
            .extrude(t + 2)
            .union(cq.Workplane("XY").pushPoints(screws).circle(hole / 2).extrude(t + 2))
            .translate((0, 0, -1))
        )
        return cq.Workplane("XY").box(size, size, t, centered=(True, True, False)).cut(cutters)

    def outline(self, p: Mapping[str, Any]) -> Outline:
        size, _, pilot, _ = self.dims(p)
        return Outline("rect", size, size, p["thickness"], inner=pilot)


FAMILIES: tuple[Family, ...] = (LBracket(), Flange(), SpurGear(), NemaPlate())
