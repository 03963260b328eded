"""What every part family provides to the planner.

A family turns role-tagged numbers into its parameters (`fill`), declares them as a
manifest (`params`), builds the base solid (`build`, bottom on z=0, centred in XY) and
describes its top face (`outline`) so generic features — hole patterns, fillets,
shells — can be placed on any family without family-specific code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import cadquery as cq

from printforge_services.generator.manifest import Param
from printforge_services.generator.planner.phrases import Context

OutlineKind = Literal["rect", "circle", "hex", "tri", "none"]


@dataclass(frozen=True)
class Outline:
    """The top face features are placed on: `length`×`width` extents, `top` height.

    `length` is the diameter for circles, the across-flats width for hexagons and the
    side for triangles; `inner` is a central bore already present (0 when solid).
    """

    kind: OutlineKind
    length: float
    width: float
    top: float
    inner: float = 0.0


@dataclass(frozen=True)
class Site:
    """Where one hole-like feature goes: a point on a face and the drilling direction."""

    x: float
    y: float
    z: float
    direction: tuple[float, float, float] = (0.0, 0.0, -1.0)
    depth: float | None = None  # material thickness along `direction`; None = outline top


class Family:
    """Base class; subclasses set the class attributes and override the methods."""

    name: ClassVar[str]
    title: ClassVar[str]
    keywords: ClassVar[tuple[tuple[str, float], ...]]
    roles: ClassVar[Mapping[str, str]] = {}
    hole_default: ClassVar[str] = "center"

    def params(self) -> tuple[Param, ...]:
        raise NotImplementedError

    def fill(self, ctx: Context) -> dict[str, Any]:
        raise NotImplementedError

    def check(self, p: Mapping[str, Any]) -> None:
        """Cross-field constraints; raise ParamError (see `manifest.ParamError`)."""

    def build(self, p: Mapping[str, Any]) -> cq.Workplane:
        raise NotImplementedError

    def outline(self, p: Mapping[str, Any]) -> Outline:
        raise NotImplementedError

    def default_features(self, p: Mapping[str, Any], features: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Features a family implies when the prompt names none (a flange's bolt holes)."""
        return []

    def derived(self, p: Mapping[str, Any]) -> dict[str, Any]:
        """Values a '0 = from the standard' param really takes, so reports show what is built."""
        return {}

    def feature_defaults(self, kind: str, p: Mapping[str, Any]) -> dict[str, Any]:
        """Sizes a feature of `kind` takes on this part when the prompt gives none (a flange's
        bolt holes are sized for its ring)."""
        return {}

    def pattern_defaults(self, kind: str, p: Mapping[str, Any]) -> dict[str, Any]:
        """Where a feature of `kind` goes on this part when the prompt does not say (a NEMA
        plate's nut pockets sit under its screw holes)."""
        return {}

    def sites(self, pattern: Mapping[str, Any], p: Mapping[str, Any]) -> list[Site] | None:
        """Family-specific hole placement (e.g. 'in each leg'); None → generic placement."""
        return None


def length(
    name: str,
    label: str,
    default: float,
    *,
    group: str = "size",
    minimum: float = 0.1,
    maximum: float = 2000.0,
    description: str = "",
) -> Param:
    return Param(
        name,
        label,
        "number",
        float(default),
        unit="mm",
        min=minimum,
        max=maximum,
        step=0.1,
        group=group,
        description=description,
    )


def count(name: str, label: str, default: int, *, minimum: int = 1, maximum: int = 200) -> Param:
    return Param(name, label, "integer", default, min=minimum, max=maximum, step=1, group="size")


def first(*values: float | Callable[[], float | None] | None) -> float | None:
    """The first value that is not None (role fallbacks: 'od' else 'diameter' else ...).

    A callable is only called when every value before it is None, so a fallback such as
    `lambda: ctx.take_bare(...)` does not use up a number the part did not need.
    """
    for value in values:
        resolved = value() if callable(value) else value
        if resolved is not None:
            return resolved
    return None


def rounded_rect(length_: float, width: float, radius: float) -> cq.Workplane:
    """A rectangle sketch with rounded corners on the XY plane (radius 0 = sharp)."""
    wp = cq.Workplane("XY").rect(length_, width)
    if radius > 0:
        wp = cq.Workplane("XY").sketch().rect(length_, width).vertices().fillet(radius).finalize()
    return wp
