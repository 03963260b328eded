"""`printforge migrate` applies every schema a service would apply at start-up, webhooks included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from printforge.runtime.db import engine_for, migrate
from printforge_services.auth import store as auth_store
from printforge_services.generator import store as generator_store
from printforge_services.generator.webhooks import store as webhook_store
from printforge_services.printability import store as printability_store
from tests.conftest import REPO_ROOT


def _migrate(data_dir: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTFORGE_")}
    env["PRINTFORGE_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "printforge_cli.main", "migrate"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.splitlines()


def test_migrate_leaves_nothing_for_the_services_to_apply(tmp_path: Path) -> None:
    first = _migrate(tmp_path)
    names = [line.split(":")[0] for line in first]
    assert names == ["auth", "generator", "generator-webhooks", "printability"]
    assert all(": applied " in line for line in first), first
    assert all(line.endswith(": up to date") for line in _migrate(tmp_path))
    # What each service runs when it starts finds every migration already applied.
    starts = [
        ("auth", auth_store.SERVICE, auth_store.MIGRATIONS),
        ("generator", generator_store.SERVICE, generator_store.MIGRATIONS),
        ("generator", webhook_store.SERVICE, webhook_store.WEBHOOK_MIGRATIONS),
        ("printability", printability_store.SERVICE, printability_store.MIGRATIONS),
    ]
    for database, service, migrations in starts:
        assert migrate(engine_for(f"sqlite:///{tmp_path / f'{database}.db'}"), service, migrations) == []
    tables = sa.inspect(engine_for(f"sqlite:///{tmp_path / 'generator.db'}")).get_table_names()
    assert {"generator_webhooks", "generator_webhook_outbox"} <= set(tables)
