"""run_point_read: a key lookup runs at once on SQLite and in a worker thread on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from printforge.runtime.db import engine_for, run_point_read


def _where_and_what(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return threading.get_ident(), conn.execute(sa.text("SELECT 41 + 1")).scalar_one()


async def test_a_point_read_runs_on_the_event_loop_on_sqlite_and_in_a_thread_elsewhere(
    database_url: str,
) -> None:
    engine = engine_for(database_url)
    thread, value = await run_point_read(engine, lambda: _where_and_what(engine))
    assert value == 42
    on_loop = thread == threading.get_ident()
    assert on_loop is (engine.dialect.name == "sqlite")


async def test_a_point_reads_error_reaches_the_caller(database_url: str) -> None:
    engine = engine_for(database_url)

    def broken() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table"))

    with pytest.raises(sa.exc.DBAPIError):
        await run_point_read(engine, broken)
