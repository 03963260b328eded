"""`printforge starters`: list the parametric starters and their parameters.

Lets a user discover ids and parameter names/limits before calling `printforge starter`,
offline. `--json` prints the same manifest the REST API returns, for scripts.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from printforge_services.generator.manifest import Param


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "starters",
        help="list parametric starters (phone_stand, gridfinity_bin, ...) and their parameters",
        description="List the parametric starter parts with their parameters, defaults and limits.",
    )
    parser.add_argument(
        "--json", action="store_true", help="print ids, titles and parameter manifests as JSON"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from printforge_services.generator.catalog import list_templates

    templates = list_templates("starter")
    if args.json:
        print(json.dumps([t.to_json() for t in templates], indent=2))
        return 0
    for template in templates:
        print(f"{template.id}  —  {template.title}: {template.description}")
        for param in template.params:
            print(f"    {param.name}={_format_default(param)}  {_format_range(param)}  {param.label}")
    return 0


def _format_default(param: Param) -> str:
    return str(param.default).lower() if isinstance(param.default, bool) else str(param.default)


def _format_range(param: Param) -> str:
    unit = f" {param.unit}" if param.unit else ""
    if param.type == "enum":
        return "{" + "|".join(str(o) for o in param.options or ()) + "}" + unit
    if param.type == "boolean":
        return "{true|false}"
    if param.type == "text":
        return "text"
    return f"[{param.min}..{param.max}]{unit}"
