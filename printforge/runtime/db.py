"""Database engines (SQLite embedded default, PostgreSQL in Kubernetes) and versioned migrations.

Every service owns its tables (names prefixed by the service) and a list of numbered
migrations. Alembic was considered: its environment/script-directory model is built around
one application and one migration history per database, while here several services share
one PostgreSQL database or each has its own SQLite file, and the schema is a handful of
SQLAlchemy Core tables. A 40-line runner with a `schema_migrations` table keyed by
(service, version), applied under a lock, covers that and keeps upgrades explicit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

_ENGINES: dict[str, Engine] = {}
T = TypeVar("T")


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers run while one process writes; busy_timeout makes concurrent
    # writers (two processes sharing the file) wait instead of failing with SQLITE_BUSY.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def engine_for(url: str) -> Engine:
    """One engine per URL per process (engines own connection pools)."""
    engine = _ENGINES.get(url)
    if engine is not None:
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    _ENGINES[url] = engine
    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


async def run_point_read(engine: Engine, read: Callable[[], T]) -> T:
    """`read()` (one lookup by primary key on `engine`) from async code: inline on SQLite, else in a thread.

    A SQLite reader in WAL mode never waits for a writer, and a point lookup in the local file
    takes tens of microseconds: handing it to a worker thread costs more than that (printability's
    GetTask at 1000 calls/s, the server's CPU per call: 880 us through a thread, 690 us inline),
    and the event loop then waits on the thread's GIL hand-offs. PostgreSQL is a network round
    trip, which must not hold the event loop, so it stays in a thread. Only for lookups by key,
    never scans or writes.
    """
    if engine.dialect.name == "sqlite":
        return read()
    return await asyncio.to_thread(read)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


_migrations_table = sa.Table(
    "schema_migrations",
    sa.MetaData(),
    sa.Column("service", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at_ms", sa.BigInteger, nullable=False),
)


def migrate(engine: Engine, service: str, migrations: Sequence[Migration]) -> list[int]:
    """Apply the service's pending migrations in order; returns the versions applied.

    Safe to run from several processes at once: PostgreSQL serialises on an advisory
    lock, SQLite on its write lock (BEGIN IMMEDIATE).
    """
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"{service}: migration versions must be unique and increasing: {versions}")
    applied_now: list[int] = []
    with engine.connect() as conn:
        if is_postgres(engine):
            conn.execute(sa.text("SELECT pg_advisory_lock(hashtext('printforge-migrations'))"))
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            _migrations_table.create(conn, checkfirst=True)
            done = set(
                conn.execute(
                    sa.select(_migrations_table.c.version).where(_migrations_table.c.service == service)
                ).scalars()
            )
            for m in migrations:
                if m.version in done:
                    continue
                m.apply(conn)
                conn.execute(
                    _migrations_table.insert().values(
                        service=service,
                        version=m.version,
                        description=m.description,
                        applied_at_ms=int(time.time() * 1000),
                    )
                )
                applied_now.append(m.version)
            conn.commit()
        finally:
            if is_postgres(engine):
                conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext('printforge-migrations'))"))
                conn.commit()
    return applied_now


def now_ms() -> int:
    return int(time.time() * 1000)
