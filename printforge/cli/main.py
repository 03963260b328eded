"""Entry point of the `printforge` CLI.

Every subcommand lives in its own module `printforge/cli/cmd_*.py` exposing
`add_parser(subparsers)`; they are discovered here so adding a command touches one file.
Command modules import their heavy dependencies (cadquery, trimesh, grpc) inside the
handler, keeping `printforge --help` and light commands fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import printforge.cli as cli_package
from printforge.runtime.numpy_cpu import prefer_avx2_sort


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="printforge",
        description="Generate CAD, analyze and repair meshes, and run the printforge service mesh.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"{cli_package.__name__}.{info.name}")
            module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prefer_avx2_sort()  # before any command imports numpy; services and their workers inherit it
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
