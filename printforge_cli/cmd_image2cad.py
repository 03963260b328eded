"""`printforge image2cad IMAGE --kind K --width MM -o OUT`: a PNG/JPEG shape or logo to a part.

Offline run of the image-to-CAD chain (Otsu threshold → contours → Douglas-Peucker →
scaled solid) for keychains, stencils, cookie cutters and lithophanes. Extra knobs of
each kind are set with `--param NAME=NUMBER`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KINDS = ("keychain", "stencil", "cookie_cutter", "lithophane")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "image2cad",
        help="turn an image (shape or logo) into a keychain, stencil, cookie cutter or lithophane",
        description="Trace an image and build a printable part from it.",
    )
    parser.add_argument("image", type=Path, help="PNG or JPEG file")
    parser.add_argument("--kind", required=True, choices=KINDS, help="what to build")
    parser.add_argument("--width", type=float, help="width of the artwork/part in mm (default per kind)")
    parser.add_argument(
        "--param", "-p", action="append", default=[], metavar="NAME=NUMBER", help="override a parameter"
    )
    parser.add_argument("-o", "--output", type=Path, required=True, help="output file: .step .stl .glb .3mf")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from printforge_cli.cmd_chat import FORMATS, write_shape
    from printforge_services.generator.image2cad import Image2CadError, ImageError, image_to_cad
    from printforge_services.generator.manifest import ParamError

    if FORMATS.get(args.output.suffix.lower()) is None:
        return _fail(f"cannot tell the format of {args.output}: use one of {', '.join(sorted(FORMATS))}")
    values: dict[str, float] = {}
    for pair in args.param:
        name, _, text = pair.partition("=")
        try:
            number = float(text)
        except ValueError:
            return _fail(f"--param {pair!r}: expected NAME=NUMBER")
        values[name] = int(number) if number.is_integer() and name == "resolution" else number
    if args.width is not None:
        values["width"] = args.width
    try:
        result = image_to_cad(args.image.read_bytes(), args.kind, values)
        write_shape(result.shape, args.output)
    except OSError as exc:
        return _fail(f"{exc.filename or args.image}: {exc.strerror or exc}")
    except (ImageError, Image2CadError, ParamError) as exc:
        return _fail(str(exc))
    box = result.shape.BoundingBox()
    print(f"wrote {args.output} ({args.kind}, {box.xlen:.1f} x {box.ylen:.1f} x {box.zlen:.1f} mm)")
    for note in result.notes:
        print(f"  note: {note}")
    return 0


def _fail(message: str) -> int:
    print(f"printforge image2cad: {message}", file=sys.stderr)
    return 1
