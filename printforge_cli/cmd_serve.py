"""`printforge serve SERVICE`: run one service in the foreground (what `up` and Kubernetes start)."""

from __future__ import annotations

import argparse
import importlib

SERVICES = ("auth", "generator", "printability", "gateway")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="run one service in the foreground",
        description="Run one printforge service in the foreground. Configuration comes from "
        "PRINTFORGE_* environment variables (see README).",
    )
    parser.add_argument("service", choices=SERVICES)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    importlib.import_module(f"printforge_services.{args.service}.__main__").main()
    return 0
