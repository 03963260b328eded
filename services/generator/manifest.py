"""Parameter manifest: the OpenSCAD-Customizer idea expressed as plain data.

Every template (starter or gift) declares its knobs as `Param`s. The same list is
(1) serialised as JSON for the UI / REST `paramManifest`, and (2) used by `resolve` to
validate user overrides before any CAD runs. Validation happens here, not in the CAD
code, so a bad request is rejected in microseconds with one message per bad field
instead of failing deep inside OCCT minutes later.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

ParamType = Literal["number", "integer", "boolean", "enum", "text"]
PARAM_TYPES: tuple[str, ...] = ("number", "integer", "boolean", "enum", "text")
DEFAULT_TEXT_MAX = 64


class ParamError(ValueError):
    """One or more parameter values are invalid; `errors` maps each bad field to why."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        detail = "; ".join(f"{name}: {msg}" for name, msg in self.errors.items())
        super().__init__(f"invalid parameters: {detail}")


@dataclass(frozen=True)
class Param:
    """One user-editable parameter of a template.

    For `text`, `min`/`max` bound the string length (max defaults to 64 characters).
    """

    name: str
    label: str
    type: ParamType
    default: Any
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: Sequence[Any] | None = None
    group: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in PARAM_TYPES:
            raise ValueError(f"param {self.name!r}: unknown type {self.type!r}")
        if self.type == "enum" and not self.options:
            raise ValueError(f"param {self.name!r}: enum needs options")
        if self.options is not None:
            object.__setattr__(self, "options", tuple(self.options))
        error = _check(self, self.default)[1]
        if error is not None:
            raise ValueError(f"param {self.name!r}: default {self.default!r} is invalid: {error}")

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict; optional fields that are unset are omitted."""
        out: dict[str, Any] = {"name": self.name, "label": self.label, "type": self.type}
        out["default"] = self.default
        for key in ("unit", "min", "max", "step", "group"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.options is not None:
            out["options"] = list(self.options)
        if self.description:
            out["description"] = self.description
        return out


def manifest_json(params: Sequence[Param]) -> list[dict[str, Any]]:
    """The whole manifest as a JSON-ready list, in declaration order."""
    return [p.to_json() for p in params]


def resolve(params: Sequence[Param], values: Mapping[str, object]) -> dict[str, Any]:
    """Validate `values` against `params` and return every param's value (defaults filled).

    Raises ParamError listing ALL bad fields at once (unknown names included).
    """
    by_name = {p.name: p for p in params}
    errors: dict[str, str] = {}
    for name in values:
        if name not in by_name:
            errors[str(name)] = f"unknown parameter; expected one of {sorted(by_name)}"
    resolved: dict[str, Any] = {}
    for param in params:
        if param.name not in values:
            resolved[param.name] = param.default
            continue
        value, error = _check(param, values[param.name])
        if error is not None:
            errors[param.name] = error
        else:
            resolved[param.name] = value
    if errors:
        raise ParamError(errors)
    return resolved


def _check(param: Param, value: object) -> tuple[Any, str | None]:
    """Coerce `value` to the param's type; return (value, None) or (None, error message)."""
    if param.type == "boolean":
        if isinstance(value, bool):
            return value, None
        return None, f"expected a boolean, got {type(value).__name__}"
    if param.type in ("number", "integer"):
        return _check_numeric(param, value)
    if param.type == "enum":
        assert param.options is not None
        for option in param.options:
            if option == value and not _bool_posing_as_number(value, param.options):
                return option, None  # the canonical option, e.g. 25.4 for an input of 25.40
        return None, f"{value!r} is not one of {list(param.options)}"
    if not isinstance(value, str):
        return None, f"expected text, got {type(value).__name__}"
    low = int(param.min) if param.min is not None else 0
    high = int(param.max) if param.max is not None else DEFAULT_TEXT_MAX
    if not low <= len(value) <= high:
        return None, f"text length {len(value)} is outside {low}..{high} characters"
    if any(not ch.isprintable() for ch in value):
        return None, "text contains control characters"
    return value, None


def _check_numeric(param: Param, value: object) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"expected a {param.type}, got {type(value).__name__}"
    if not math.isfinite(value):
        return None, f"expected a finite {param.type}, got {value!r}"
    if param.type == "integer":
        if float(value) != int(value):
            return None, f"expected an integer, got {value!r}"
        value = int(value)
    else:
        value = float(value)
    if param.min is not None and value < param.min:
        return None, f"{value} is below the minimum {param.min}"
    if param.max is not None and value > param.max:
        return None, f"{value} is above the maximum {param.max}"
    return value, None


def _bool_posing_as_number(value: object, options: Sequence[Any]) -> bool:
    """`True in (1, 2)` is true in Python; an enum of numbers must not accept booleans."""
    return isinstance(value, bool) and not any(isinstance(o, bool) for o in options)
