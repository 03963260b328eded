"""`printforge migrate`: apply every service's pending schema migrations ahead of time.

For a local data dir or maintenance: each service also migrates its own tables at start-up,
which is all Kubernetes relies on (there is no migration Job).
"""

from __future__ import annotations

import argparse
import importlib

MIGRATING_SERVICES = ("auth", "generator", "printability")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "migrate",
        help="apply pending database migrations",
        description="Apply every service's pending schema migrations to PRINTFORGE_DATABASE_URL "
        "(or the local SQLite files). Safe to run repeatedly and concurrently.",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from printforge.runtime.config import Settings
    from printforge.runtime.db import engine_for, migrate

    settings = Settings.from_env()
    for service in MIGRATING_SERVICES:
        store = importlib.import_module(f"printforge_services.{service}.store")
        applied = migrate(engine_for(settings.database_url_for(service)), service, store.MIGRATIONS)
        print(f"{service}: {'applied ' + ', '.join(map(str, applied)) if applied else 'up to date'}")
    return 0
