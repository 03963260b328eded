"""A template: parameter manifest + a pure build function from resolved values to a solid.

Starters and gifts share this one shape so the renderer, the gRPC server and the CLI
treat them identically. `build` receives values already validated by
`manifest.resolve` and `check`, so CAD code never has to defend against bad input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import cadquery as cq

from printforge_services.generator.manifest import Param, ParamError, manifest_json, resolve

TemplateKind = Literal["starter", "gift"]
BuildFn = Callable[[dict[str, Any]], "cq.Workplane | cq.Shape"]
CheckFn = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Template:
    """One parametric part. `check` enforces cross-field constraints by raising ParamError."""

    id: str
    kind: TemplateKind
    title: str
    description: str
    params: tuple[Param, ...]
    build: BuildFn
    check: CheckFn | None = field(default=None)
    # Nouns makers use for this part besides its title ("enclosure", "case"): the planner
    # routes a prompt to the starter when one of them is the prompt's part noun.
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError(f"template {self.id!r}: duplicate parameter names")
        if self.kind not in ("starter", "gift"):
            raise ValueError(f"template {self.id!r}: unknown kind {self.kind!r}")

    def resolve(self, values: Mapping[str, object]) -> dict[str, Any]:
        """Validated full values: per-field checks first, then cross-field `check`."""
        resolved = resolve(self.params, values)
        if self.check is not None:
            self.check(resolved)
        return resolved

    def manifest(self) -> list[dict[str, Any]]:
        return manifest_json(self.params)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "description": self.description,
            "params": self.manifest(),
        }


def require(condition: bool, field_name: str, message: str, errors: dict[str, str]) -> None:
    """Collect a cross-field error; call `raise_if(errors)` once all checks ran."""
    if not condition:
        errors.setdefault(field_name, message)


def raise_if(errors: Mapping[str, str]) -> None:
    if errors:
        raise ParamError(errors)
