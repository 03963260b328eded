"""`printforge migrate`: apply every service's pending schema migrations ahead of time.

For a local data dir or maintenance: each service also migrates its own tables at start-up,
which is all Kubernetes relies on (there is no migration Job).
"""

from __future__ import annotations

import argparse
import importlib

# (database of, module with SERVICE and the migrations list, its name): the generator's database
# also holds the webhook tables, migrated under their own name.
MIGRATIONS = (
    ("auth", "printforge_services.auth.store", "MIGRATIONS"),
    ("generator", "printforge_services.generator.store", "MIGRATIONS"),
    ("generator", "printforge_services.generator.webhooks.store", "WEBHOOK_MIGRATIONS"),
    ("printability", "printforge_services.printability.store", "MIGRATIONS"),
)


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
    for database, module, attribute in MIGRATIONS:
        store = importlib.import_module(module)
        engine = engine_for(settings.database_url_for(database))
        applied = migrate(engine, store.SERVICE, getattr(store, attribute))
        print(f"{store.SERVICE}: {'applied ' + ', '.join(map(str, applied)) if applied else 'up to date'}")
    return 0
