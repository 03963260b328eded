"""The generator service's tables: generations, their versions, and the task table.

A generation is the stable id a user holds; every render (the first one, each params edit,
each chat follow-up) is a new row in `generator_generation_versions`, numbered from 1 and
recording its parent, so history is kept and older files stay downloadable. Status lives on
the version: a chat follow-up adds a `processing` version while the previous one stays
`completed`. The per-user render cache is a unique (owner, cache_key) on the generation, so
two identical concurrent starter calls resolve to one generation.

Writes that end a version (`create` of a finished one, `complete`, `fail`) take an
`in_transaction(conn, generation)` callback run inside their transaction before it commits:
the webhook outbox rows announcing the outcome are written there, so the outcome and its event
commit together or not at all (a crash between two transactions would lose the event).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from uuid6 import uuid7

from printforge.runtime.db import Migration, now_ms
from printforge.runtime.tasks.store import task_migrations

SERVICE = "generator"
CHAT_TASK = "generator-chat"
IMAGE_TASK = "generator-image"

PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"

_metadata = sa.MetaData()

generations_table = sa.Table(
    "generator_generations",
    _metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("cache_key", sa.String(64)),
    sa.Column("latest_version", sa.Integer, nullable=False),
    sa.Column("output_format", sa.String(8), nullable=False, default=""),
    sa.Column("created_at_ms", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("owner", "cache_key", name="uq_generator_generations_cache"),
    sa.Index("ix_generator_generations_owner", "owner", "source", "id"),
)

versions_table = sa.Table(
    "generator_generation_versions",
    _metadata,
    sa.Column(
        "generation_id",
        sa.String(36),
        sa.ForeignKey("generator_generations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("parent_version", sa.Integer),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("template_id", sa.String(64), nullable=False, default=""),
    sa.Column("manifest_json", sa.Text, nullable=False, default="[]"),
    sa.Column("values_json", sa.Text, nullable=False, default="{}"),
    sa.Column("files_json", sa.Text, nullable=False, default="{}"),
    sa.Column("analysis_json", sa.Text),
    sa.Column("interpretation_json", sa.Text),
    sa.Column("tree_json", sa.Text),
    sa.Column("request_json", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("task_id", sa.String(36)),
    sa.Column("created_at_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_at_ms", sa.BigInteger, nullable=False),
)


def _create_tables(conn: Connection) -> None:
    generations_table.create(conn)
    versions_table.create(conn)


MIGRATIONS = [
    *task_migrations(SERVICE),
    Migration(2, "create generator_generations and generator_generation_versions", _create_tables),
]


@dataclass(frozen=True)
class Content:
    """What one finished render produced (everything but the bytes, which live in blobs)."""

    template_id: str
    manifest: list[dict[str, Any]]
    values: dict[str, Any]
    files: dict[str, str]
    analysis: dict[str, Any] | None = None
    interpretation: dict[str, Any] | None = None
    tree: dict[str, Any] | None = None


@dataclass(frozen=True)
class Generation:
    """One version of a generation, joined with the generation's own columns."""

    id: str
    owner: str
    source: str
    output_format: str
    latest_version: int
    version: int
    parent_version: int | None
    status: str
    template_id: str
    manifest: list[dict[str, Any]]
    values: dict[str, Any]
    files: dict[str, str]
    analysis: dict[str, Any] | None
    interpretation: dict[str, Any] | None
    tree: dict[str, Any] | None
    request: dict[str, Any] | None
    error: str | None
    task_id: str | None
    generation_created_at_ms: int
    created_at_ms: int
    updated_at_ms: int
    cached: bool = field(default=False, compare=False)


def _loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def _row(row: Any) -> Generation:
    return Generation(
        id=row.id,
        owner=row.owner,
        source=row.source,
        output_format=row.output_format,
        latest_version=row.latest_version,
        version=row.version,
        parent_version=row.parent_version,
        status=row.status,
        template_id=row.template_id,
        manifest=json.loads(row.manifest_json),
        values=json.loads(row.values_json),
        files=json.loads(row.files_json),
        analysis=_loads(row.analysis_json),
        interpretation=_loads(row.interpretation_json),
        tree=_loads(row.tree_json),
        request=_loads(row.request_json),
        error=row.error,
        task_id=row.task_id,
        generation_created_at_ms=row.generation_created_at_ms,
        created_at_ms=row.created_at_ms,
        updated_at_ms=row.updated_at_ms,
    )


def _content_columns(content: Content) -> dict[str, Any]:
    return {
        "template_id": content.template_id,
        "manifest_json": json.dumps(content.manifest),
        "values_json": json.dumps(content.values),
        "files_json": json.dumps(content.files),
        "analysis_json": json.dumps(content.analysis) if content.analysis is not None else None,
        "interpretation_json": (
            json.dumps(content.interpretation) if content.interpretation is not None else None
        ),
        "tree_json": json.dumps(content.tree) if content.tree is not None else None,
    }


InTransaction = Callable[[Connection, Generation], None]
"""Called with the open transaction and the version as it will commit; raising rolls it back."""


class VersionConflict(RuntimeError):
    """Another writer added a version first; the caller's parent is no longer the latest."""


class GenerationStore:
    """Reads and writes of generations and versions. Methods block (run them in a thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _select(self) -> sa.Select[Any]:
        g, v = generations_table, versions_table
        return sa.select(
            g.c.id,
            g.c.owner,
            g.c.source,
            g.c.output_format,
            g.c.latest_version,
            g.c.created_at_ms.label("generation_created_at_ms"),
            *[c for c in v.c if c.name != "generation_id"],
        ).join(v, v.c.generation_id == g.c.id)

    @staticmethod
    def new_id() -> str:
        return str(uuid7())

    # --- generations ---------------------------------------------------------------------
    def create(
        self,
        owner: str,
        source: str,
        *,
        status: str,
        content: Content,
        cache_key: str | None = None,
        output_format: str = "",
        request: dict[str, Any] | None = None,
        task_id: str | None = None,
        generation_id: str | None = None,
        in_transaction: InTransaction | None = None,
    ) -> Generation:
        """Insert a generation with its version 1.

        With a cache_key already taken by this owner, nothing is written (`in_transaction` is
        not called) and the cached generation (at its version 1, which rendered those params)
        comes back with cached=True.
        """
        gen_id = generation_id or self.new_id()
        now = now_ms()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    generations_table.insert().values(
                        id=gen_id,
                        owner=owner,
                        source=source,
                        cache_key=cache_key,
                        latest_version=1,
                        output_format=output_format,
                        created_at_ms=now,
                    )
                )
                conn.execute(
                    versions_table.insert().values(
                        generation_id=gen_id,
                        version=1,
                        parent_version=None,
                        status=status,
                        request_json=json.dumps(request) if request is not None else None,
                        task_id=task_id,
                        created_at_ms=now,
                        updated_at_ms=now,
                        **_content_columns(content),
                    )
                )
                if in_transaction is not None:
                    in_transaction(conn, self._get(conn, gen_id, 1))  # type: ignore[arg-type]
        except IntegrityError:
            cached = self.find_cached(owner, cache_key) if cache_key else None
            if cached is None:
                raise
            return cached
        return self.get(gen_id, 1)  # type: ignore[return-value]

    def find_cached(self, owner: str, cache_key: str) -> Generation | None:
        g, v = generations_table, versions_table
        query = self._select().where(g.c.owner == owner, g.c.cache_key == cache_key, v.c.version == 1)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        found = _row(row)
        return Generation(**{**found.__dict__, "cached": True})

    def owner_of(self, generation_id: str) -> str | None:
        g = generations_table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(g.c.owner).where(g.c.id == generation_id)).scalar()

    def get(self, generation_id: str, version: int = 0) -> Generation | None:
        """One version (0 = the latest), or None when the generation or version does not exist."""
        with self.engine.connect() as conn:
            return self._get(conn, generation_id, version)

    def _get(self, conn: Connection, generation_id: str, version: int) -> Generation | None:
        g, v = generations_table, versions_table
        wanted = v.c.version == (version if version > 0 else g.c.latest_version)
        row = conn.execute(self._select().where(g.c.id == generation_id, wanted)).first()
        return _row(row) if row is not None else None

    def latest_completed(self, generation_id: str) -> Generation | None:
        v = versions_table
        query = (
            self._select()
            .where(generations_table.c.id == generation_id, v.c.status == COMPLETED)
            .order_by(v.c.version.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _row(row) if row is not None else None

    def versions(self, generation_id: str) -> list[Generation]:
        query = (
            self._select()
            .where(generations_table.c.id == generation_id)
            .order_by(versions_table.c.version.asc())
        )
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query)]

    def list(self, owner: str, sources: list[str], *, limit: int, offset: int = 0) -> list[Generation]:
        """The owner's generations at their latest version, newest first."""
        g, v = generations_table, versions_table
        query = self._select().where(g.c.owner == owner, v.c.version == g.c.latest_version)
        if sources:
            query = query.where(g.c.source.in_(sources))
        query = query.order_by(g.c.id.desc()).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query)]

    # --- versions --------------------------------------------------------------------------
    def add_version(
        self,
        generation_id: str,
        parent_version: int,
        *,
        status: str,
        content: Content,
        request: dict[str, Any] | None = None,
        task_id: str | None = None,
    ) -> Generation:
        """Append version latest+1 recording its parent; VersionConflict if another writer won."""
        g, v = generations_table, versions_table
        now = now_ms()
        with self.engine.begin() as conn:
            latest = conn.execute(sa.select(g.c.latest_version).where(g.c.id == generation_id)).scalar()
            if latest is None:
                raise KeyError(generation_id)
            new = latest + 1
            # Compare-and-set on latest_version fences concurrent writers (both backends).
            bumped = conn.execute(
                sa.update(g)
                .where(g.c.id == generation_id, g.c.latest_version == latest)
                .values(latest_version=new)
            ).rowcount
            if bumped != 1:
                raise VersionConflict(f"generation {generation_id} changed concurrently; retry")
            conn.execute(
                v.insert().values(
                    generation_id=generation_id,
                    version=new,
                    parent_version=parent_version,
                    status=status,
                    request_json=json.dumps(request) if request is not None else None,
                    task_id=task_id,
                    created_at_ms=now,
                    updated_at_ms=now,
                    **_content_columns(content),
                )
            )
        return self.get(generation_id, new)  # type: ignore[return-value]

    def set_task(self, generation_id: str, version: int, task_id: str) -> None:
        v = versions_table
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(v)
                .where(v.c.generation_id == generation_id, v.c.version == version)
                .values(task_id=task_id)
            )

    def complete(
        self,
        generation_id: str,
        version: int,
        content: Content,
        *,
        in_transaction: InTransaction | None = None,
    ) -> bool:
        """Mark a processing version completed with its content; False if it was not processing.

        `in_transaction` runs only when this call made the change, inside its transaction.
        """
        columns = _content_columns(content)
        return self._finish(generation_id, version, in_transaction, status=COMPLETED, **columns)

    def fail(
        self,
        generation_id: str,
        version: int,
        message: str,
        *,
        in_transaction: InTransaction | None = None,
    ) -> bool:
        """Mark a processing version failed; False if it was not processing (see `complete`)."""
        return self._finish(generation_id, version, in_transaction, status=FAILED, error=message)

    def _finish(
        self, generation_id: str, version: int, in_transaction: InTransaction | None, **values: Any
    ) -> bool:
        v = versions_table
        stmt = (
            sa.update(v)
            .where(v.c.generation_id == generation_id, v.c.version == version, v.c.status == PROCESSING)
            .values(updated_at_ms=now_ms(), **values)
        )
        with self.engine.begin() as conn:
            if conn.execute(stmt).rowcount != 1:
                return False
            if in_transaction is not None:
                in_transaction(conn, self._get(conn, generation_id, version))  # type: ignore[arg-type]
        return True
