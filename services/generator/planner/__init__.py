"""Offline text-to-CAD planner: prompt → interpretation → feature tree → CadQuery solid.

Public entry points: `generate(prompt)` for a first turn, `refine(tree, message)` for
chat follow-ups, `rebuild(tree, values)` for manifest edits. The feature tree (JSON,
schema in `schema.py`) is the state passed between them.
"""

from __future__ import annotations

from printforge_services.generator.planner.chat import refine
from printforge_services.generator.planner.interpret import (
    NotUnderstoodError,
    Plan,
    Result,
    generate,
    interpret,
    realise,
    rebuild,
)

__all__ = ["NotUnderstoodError", "Plan", "Result", "generate", "interpret", "realise", "rebuild", "refine"]
