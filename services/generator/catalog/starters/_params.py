"""Parameters several starters share, declared once so their names, units and meaning
(and therefore the planner's follow-ups: "add fillets", "render the lid") never drift."""

from __future__ import annotations

from printforge_services.generator.manifest import Param

PART = Param(
    "part",
    "Part",
    "enum",
    "box",
    options=["box", "lid"],
    group="Part",
    description="Render the box or its lid; use the same other values for both.",
)


def fillet_param(default: float, maximum: float, group: str = "Body", description: str = "") -> Param:
    """`fillet_radius`: the edge rounding a starter offers (0 = sharp), through catalog.finish."""
    return Param(
        "fillet_radius",
        "Edge fillet",
        "number",
        default,
        unit="mm",
        min=0,
        max=maximum,
        step=0.5,
        group=group,
        description=description
        or "Rounds the outer edges; a radius that does not fit is reduced (reported).",
    )
