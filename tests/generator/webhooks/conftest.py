"""Migrated engines for the webhook tests: on each backend (SQLite, PostgreSQL), or SQLite only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from printforge.runtime.db import engine_for, migrate
from printforge_services.generator.webhooks.store import SERVICE, WEBHOOK_MIGRATIONS


def migrated(url: str) -> Engine:
    engine = engine_for(url)
    migrate(engine, SERVICE, WEBHOOK_MIGRATIONS)
    return engine


@pytest.fixture
def engine(database_url: str) -> Engine:
    return migrated(database_url)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    """For behaviour that does not depend on the backend (claims are tested on both)."""
    return migrated(f"sqlite:///{tmp_path / 'webhooks.db'}")
