"""Real dimensions of the things makers print parts for: boards, motors, fans, helmets, spools, ...

A part that holds, encloses or mounts an object is sized from that object, not from a default:
"a wall hook for a bike helmet" needs the helmet's size. Each entry is data with its source in a
comment, so the planner (prompt words -> object) and the catalog's fit tests (a solid of the
object placed where it belongs) read the same numbers.

Entries live in one module per class of object (`boards.py`, `motors.py`, ...); each module
exposes `OBJECTS: tuple[MakerObject, ...]`, and this package gathers them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MakerObject:
    """One real object. `dims` are millimetres (or grams where the key ends in `_g`).

    `size` is the object's bounding box (x, y, z) in its natural resting pose; `features`
    holds what a mating part needs beyond the box (hole patterns, shaft diameters, ...).
    """

    id: str
    title: str
    aliases: tuple[str, ...]
    size: tuple[float, float, float]
    source: str
    features: dict[str, object] = field(default_factory=dict)

    def patterns(self) -> tuple[str, ...]:
        """Regexes that name this object in a prompt (title and aliases, plural allowed)."""
        names = (self.title, *self.aliases)
        return tuple(r"\b" + r"[\s-]*".join(map(re.escape, n.lower().split())) + r"s?\b" for n in names)


def _discover() -> dict[str, MakerObject]:
    found: dict[str, MakerObject] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        for obj in importlib.import_module(f"{__name__}.{info.name}").OBJECTS:
            if obj.id in found:
                raise ValueError(f"objects module {info.name}: duplicate object id {obj.id!r}")
            found[obj.id] = obj
    return found


OBJECTS: dict[str, MakerObject] = _discover()


def find_objects(text: str) -> list[MakerObject]:
    """Objects named in `text`, longest name first so 'raspberry pi 4' beats 'raspberry pi'."""
    lowered = text.lower()
    hits: list[tuple[int, MakerObject]] = []
    for obj in OBJECTS.values():
        best = max((len(m.group(0)) for p in obj.patterns() for m in re.finditer(p, lowered)), default=0)
        if best:
            hits.append((best, obj))
    return [obj for _, obj in sorted(hits, key=lambda h: -h[0])]
