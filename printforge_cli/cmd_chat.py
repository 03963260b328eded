"""`printforge chat PROMPT [FOLLOW-UP ...] -o OUT [--json]`: text-to-CAD offline, in-process.

Runs the planner chain the generator service runs (interpret → feature tree → build),
with each extra argument applied as a chat follow-up turn, and writes the last version.
The format follows the extension (.step .stl .glb .3mf). `--json` prints the final
feature tree, interpretation report and parameter manifest — or, for a prompt that names
nothing the planner makes, `{"status": "not_understood", ...}` with the closest families.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import cadquery as cq

FORMATS = {".step": "step", ".stp": "step", ".stl": "stl", ".glb": "glb", ".3mf": "3mf"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="turn a text prompt (plus follow-up edits) into a STEP/STL/GLB/3MF part, offline",
        description="Plan and build a part from a prompt; each extra argument is a follow-up edit.",
    )
    parser.add_argument("prompt", help="what to make, e.g. 'a 40x20x10 mm box with a 5 mm hole'")
    parser.add_argument("followups", nargs="*", metavar="FOLLOW-UP", help="edits, e.g. 'make it 15 mm tall'")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output file: .step .stl .glb .3mf")
    parser.add_argument("--json", action="store_true", help="print the interpretation as JSON")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from printforge_services.generator.manifest import ParamError
    from printforge_services.generator.planner import NotUnderstoodError, interpret, realise, refine
    from printforge_services.generator.planner.build import BuildError
    from printforge_services.generator.planner.llm import ModelError, from_env
    from printforge_services.generator.planner.schema import TreeError

    if FORMATS.get(args.output.suffix.lower()) is None:
        return _fail(f"cannot tell the format of {args.output}: use one of {', '.join(sorted(FORMATS))}")
    model = from_env()
    try:
        plan = interpret(args.prompt, model)
        for message in args.followups:
            plan = refine(plan.tree, message, model)
        result = realise(plan)
    except NotUnderstoodError as exc:
        if args.json:
            print(json.dumps(exc.to_json(), indent=2))
        return _fail(str(exc))
    except (ParamError, BuildError, TreeError, ModelError) as exc:
        return _fail(str(exc))
    try:
        write_shape(result.shape, args.output)
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    if args.json:
        print(json.dumps(result.to_json(), indent=2, default=str))
    else:
        box = result.shape.BoundingBox()
        report = result.report
        print(
            f"wrote {args.output} ({report.title}, {box.xlen:.1f} x {box.ylen:.1f} x {box.zlen:.1f} mm, "
            f"confidence {report.confidence:.2f})"
        )
        for line in report.understood[1:]:
            print(f"  understood: {line}")
        for line in report.assumed:
            print(f"  assumed: {line}")
        for line in report.approximated:
            print(f"  approximated: {line}")
        for line in report.unused:
            print(f"  not used: {line}")
        for line in report.notes:
            print(f"  note: {line}")
    return 0


def write_shape(shape: cq.Shape, path: Path) -> None:
    """Write `shape` in the format named by the extension, with the shared exporter."""
    from printforge_services.generator import export

    fmt = FORMATS[path.suffix.lower()]
    if fmt == "step":
        data = export.step_bytes(shape)
    else:
        mesh = export.tessellate(shape)
        data = {"stl": export.stl_bytes, "glb": export.glb_bytes, "3mf": export.threemf_bytes}[fmt](mesh)
    path.write_bytes(data)


def _fail(message: str) -> int:
    print(f"printforge chat: {message}", file=sys.stderr)
    return 1
