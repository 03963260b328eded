"""`printforge gift TEMPLATE --config JSON -o OUT`: render a personalised gift offline.

Runs the generator's own render path (same validation, same single-solid guarantee, same
exporters) so a file made here is byte-identical to what the API returns for the same
config. CadQuery is imported inside the handler: `printforge --help` must stay instant.
Bad input (JSON, template id, parameter values, output extension) exits with status 2 and
one line per problem on stderr; a failure writing or building the part exits with 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXTENSIONS = {".step": "step", ".stp": "step", ".stl": "stl", ".glb": "glb", ".3mf": "3mf", ".png": "png"}
PROG = "printforge gift"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gift",
        help="render a gift template (coaster, keychain, name_plate, ornament, bookmark) to a file",
        description="Render a gift template with a JSON config, e.g. "
        '`printforge gift coaster --config \'{"primaryText": "Cheers"}\' -o coaster.stl`. '
        "The output format follows the extension: " + ", ".join(sorted(EXTENSIONS)) + ".",
    )
    parser.add_argument("template", help="gift template id, e.g. coaster")
    parser.add_argument(
        "--config", default="{}", help="JSON object of parameter values (defaults fill the rest)"
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    parser.set_defaults(func=handle)


def _fail(message: str, status: int) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return status


def handle(args: argparse.Namespace) -> int:
    fmt = EXTENSIONS.get(args.output.suffix.lower())
    if fmt is None:
        return _fail(
            f"cannot tell the format of {args.output}: use one of {', '.join(sorted(EXTENSIONS))}", 2
        )
    try:
        config = json.loads(args.config)
    except json.JSONDecodeError as exc:
        return _fail(f"--config is not valid JSON: {exc}", 2)
    if not isinstance(config, dict):
        return _fail(f"--config must be a JSON object, got {type(config).__name__}", 2)

    from printforge_services.generator.catalog import UnknownTemplateError
    from printforge_services.generator.manifest import ParamError
    from printforge_services.generator.render import render
    from printforge_services.generator.solids import GeometryError

    try:
        result = render("gift", args.template, config, formats=(fmt,))
    except UnknownTemplateError as exc:
        return _fail(str(exc.args[0]), 2)
    except ParamError as exc:
        for name, why in exc.errors.items():
            print(f"{PROG}: {name}: {why}", file=sys.stderr)
        return 2
    except GeometryError as exc:
        return _fail(f"could not build {args.template}: {exc}", 1)
    try:
        args.output.write_bytes(result.files[fmt])
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}", 1)
    x, y, z = result.size_mm
    print(f"wrote {args.output} ({fmt}, {x:.1f} x {y:.1f} x {z:.1f} mm, {result.triangles} triangles)")
    return 0
