"""Entry point of the `printforge` CLI.

Every subcommand lives in its own module `printforge_cli/cmd_*.py` exposing
`add_parser(subparsers)`; they are discovered here so adding a command touches one file.
Command modules import their heavy dependencies (cadquery, trimesh, grpc) inside the
handler, keeping `printforge --help` and light commands fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

import printforge_cli as cli_package
from printforge.runtime.numpy_cpu import prefer_avx2_sort


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of `command` when a module `cmd_<command>.py` exists.

    One-shot commands (`printforge analyze FILE`) are timed whole-process, start-up included: naming
    the command skips importing the other command modules and walking the package for them.
    """
    parser = argparse.ArgumentParser(
        prog="printforge",
        description="Generate CAD, analyze and repair meshes, and run the printforge service mesh.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _command_modules(command):
        module = importlib.import_module(f"{cli_package.__name__}.{name}")
        module.add_parser(sub)
    return parser


def _command_modules(command: str | None) -> list[str]:
    named = f"{cli_package.__name__}.cmd_{command}"
    if command and command.isidentifier() and importlib.util.find_spec(named) is not None:
        return [f"cmd_{command}"]
    import pkgutil  # only for `printforge --help` and mistyped commands

    return sorted(m.name for m in pkgutil.iter_modules(cli_package.__path__) if m.name.startswith("cmd_"))


def main(argv: Sequence[str] | None = None) -> int:
    prefer_avx2_sort()  # before any command imports numpy; services and their workers inherit it
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(arguments[0] if arguments else None)
    args = parser.parse_args(arguments)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
