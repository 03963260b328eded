"""`printforge starter ID --param k=v ... -o OUT`: render one starter to a file, offline.

Runs the same `printforge_services.generator.render` a generator worker runs, so the file equals what
the API would serve. The output format follows the extension (.step .stl .glb .3mf .png).
`--param` values are typed by the starter's manifest (numbers, integers, true/false, enum
options), so users write `--param grid_x=3` without JSON quoting.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from printforge_services.generator.manifest import Param

EXTENSIONS = {".step": "step", ".stp": "step", ".stl": "stl", ".glb": "glb", ".3mf": "3mf", ".png": "png"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "starter",
        help="render a parametric starter to STEP/STL/GLB/3MF/PNG",
        description="Render a parametric starter to a file; `printforge starters` lists ids and params.",
    )
    parser.add_argument("id", help="starter id, e.g. phone_stand")
    parser.add_argument(
        "--param", "-p", action="append", default=[], metavar="NAME=VALUE", help="override a parameter"
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="output file: .step .stl .glb .3mf or .png"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from printforge_services.generator.catalog import UnknownTemplateError, get_template
    from printforge_services.generator.manifest import ParamError
    from printforge_services.generator.render import render
    from printforge_services.generator.solids import GeometryError

    fmt = EXTENSIONS.get(args.output.suffix.lower())
    if fmt is None:
        return _fail(f"cannot tell the format of {args.output}: use one of {', '.join(sorted(EXTENSIONS))}")
    try:
        template = get_template("starter", args.id)
        values, errors = parse_params(template.params, args.param)
        try:
            template.resolve(values)
        except ParamError as exc:
            errors = {**exc.errors, **errors}
        if errors:
            raise ParamError(errors)
        result = render("starter", args.id, values, formats=(fmt,))
    except UnknownTemplateError as exc:
        return _fail(str(exc.args[0]))
    except ParamError as exc:
        return _fail("; ".join(f"{name}: {message}" for name, message in exc.errors.items()))
    except GeometryError as exc:
        return _fail(f"could not build {args.id}: {exc}")
    try:
        args.output.write_bytes(result.files[fmt])
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror}")
    x, y, z = result.size_mm
    print(f"wrote {args.output} ({args.id}, {x:.1f} x {y:.1f} x {z:.1f} mm)")
    return 0


def parse_params(params: tuple[Param, ...], pairs: list[str]) -> tuple[dict[str, object], dict[str, str]]:
    """Type `NAME=VALUE` strings by the manifest: (values, errors of pairs that did not parse).

    Unknown names pass through untyped for `resolve` to report alongside range errors.
    """
    by_name = {p.name: p for p in params}
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            errors[pair] = "expected NAME=VALUE"
            continue
        param = by_name.get(name)
        try:
            values[name] = _convert(param, text.strip()) if param is not None else text
        except ValueError as exc:
            errors[name] = str(exc)
    return values, errors


def _convert(param: Param, text: str) -> object:
    if param.type == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected an integer, got {text!r}") from None
    if param.type == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
    if param.type == "boolean":
        lowered = text.lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if param.type == "enum":
        for option in param.options or ():
            if str(option) == text:
                return option
        raise ValueError(f"{text!r} is not one of {[str(o) for o in param.options or ()]}")
    return text


def _fail(message: str) -> int:
    print(f"printforge starter: error: {message}", file=sys.stderr)
    return 2
