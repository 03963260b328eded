"""The auth service's tables (users, API keys, quota windows) and every query on them.

One class holds the queries so the gRPC servicer and the `printforge keys` CLI share them. Design
points that matter for correctness:

- Keys are found by the SHA-256 of the token (unique index); the plaintext is never written.
- `last_used_at_ms` is written at most once per `LAST_USED_RESOLUTION_MS` per key, so a busy key
  does not turn every authenticated request into a write.
- Quota counting is ONE statement per request, `INSERT ... SELECT ... FROM auth_api_keys WHERE
  the key is live ON CONFLICT DO UPDATE SET count = count + 1 WHERE count < limit RETURNING
  count` (the revocation check rides along), atomic on SQLite (single writer) and on
  PostgreSQL (the conflicting row is locked and the WHERE re-checked on its latest version). A
  denied request returns no row and is NOT counted, so a client hammering a closed window does not
  push its own reset further away or inflate the count the headers report.
- Writes start with the write statement: in SQLite WAL mode a transaction that reads first and
  then writes fails with SQLITE_BUSY instead of waiting when another process committed in between.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from printforge.runtime.db import Migration, is_postgres, migrate, now_ms
from printforge_services.auth import keys
from printforge_services.auth.quotas import Bucket, QuotaDecision, QuotaRule, decide, window_start_ms

SERVICE = "auth"
LAST_USED_RESOLUTION_MS = 60_000
PRUNE_INTERVAL_MS = 10 * 60_000
MAX_NAME_LEN = 128
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
_KEY_ID_RE = re.compile(r"key_[0-9a-f]{22}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

metadata = sa.MetaData()

users = sa.Table(
    "auth_users",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(MAX_NAME_LEN), nullable=False, unique=True),
    sa.Column("created_at_ms", sa.BigInteger, nullable=False),
)

api_keys = sa.Table(
    "auth_api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(32), sa.ForeignKey("auth_users.id"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("last_four", sa.String(4), nullable=False),
    sa.Column("name", sa.String(MAX_NAME_LEN), nullable=False),
    sa.Column("created_at_ms", sa.BigInteger, nullable=False),
    sa.Column("last_used_at_ms", sa.BigInteger, nullable=True),
    sa.Column("revoked_at_ms", sa.BigInteger, nullable=True),
)

# No foreign key to auth_api_keys: this is the hot path and the key is checked just before.
quota_windows = sa.Table(
    "auth_quota_windows",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("bucket", sa.String(16), primary_key=True),
    sa.Column("window_start_ms", sa.BigInteger, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Index("ix_auth_quota_windows_bucket_start", "bucket", "window_start_ms"),
)


def _create_v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[users, api_keys, quota_windows])


MIGRATIONS: list[Migration] = [
    Migration(1, "users, API keys (hashed) and fixed quota windows", _create_v1),
]


class NotFoundError(LookupError):
    """The user or key does not exist (or belongs to someone else)."""


class InvalidArgumentError(ValueError):
    """A request field is malformed."""


class UnauthenticatedError(Exception):
    """The token is malformed, unknown or revoked."""


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    name: str
    created_at_ms: int


@dataclasses.dataclass(frozen=True)
class ApiKey:
    id: str
    user_id: str
    prefix: str
    last_four: str
    name: str
    created_at_ms: int
    last_used_at_ms: int  # 0 when never used
    revoked_at_ms: int  # 0 when not revoked


def _new_id(kind: str, at_ms: int) -> str:
    """k-sortable id: creation time in ms (12 hex) then 40 random bits, so id order is creation order."""
    return f"{kind}_{at_ms:012x}{secrets.token_hex(5)}"


def _clean_name(value: str, what: str, *, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidArgumentError(f"{what} is required")
    if len(value) > MAX_NAME_LEN:
        raise InvalidArgumentError(f"{what} is longer than {MAX_NAME_LEN} characters")
    if _CONTROL_RE.search(value):
        raise InvalidArgumentError(f"{what} contains control characters")
    return value


def _user(row: Any) -> User:
    return User(id=row.id, name=row.name, created_at_ms=row.created_at_ms)


def _key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        user_id=row.user_id,
        prefix=row.prefix,
        last_four=row.last_four,
        name=row.name,
        created_at_ms=row.created_at_ms,
        last_used_at_ms=row.last_used_at_ms or 0,
        revoked_at_ms=row.revoked_at_ms or 0,
    )


_KEY_COLUMNS = [c for c in api_keys.c if c.name != "token_hash"]


class AuthStore:
    """Users, API keys and quota counters over SQLite or PostgreSQL."""

    def __init__(
        self, engine: Engine, rules: Mapping[Bucket, QuotaRule], clock: Callable[[], int] = now_ms
    ) -> None:
        self._engine = engine
        self._rules = dict(rules)
        self._clock = clock
        self._insert = postgresql.insert if is_postgres(engine) else sqlite.insert
        self._prune_lock = threading.Lock()
        self._next_prune_ms = 0
        self._consume = self._build_consume()

    def migrate(self) -> list[int]:
        return migrate(self._engine, SERVICE, MIGRATIONS)

    # Users -------------------------------------------------------------------------------------

    def _ensure_user(self, conn: Connection, name: str) -> User:
        created = self._clock()
        conn.execute(
            self._insert(users)
            .values(id=_new_id("usr", created), name=name, created_at_ms=created)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return _user(conn.execute(sa.select(users).where(users.c.name == name)).one())

    def create_user(self, name: str) -> User:
        """The user with this name, created when missing."""
        name = _clean_name(name, "user name", required=True)
        with self._engine.begin() as conn:
            return self._ensure_user(conn, name)

    def get_user(self, *, user_id: str = "", name: str = "") -> User:
        if user_id:
            where = users.c.id == user_id
        elif name.strip():
            where = users.c.name == name.strip()
        else:
            raise InvalidArgumentError("user name or user id is required")
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(users).where(where)).first()
        if row is None:
            raise NotFoundError(f"user {user_id or name.strip()!r} not found")
        return _user(row)

    # Keys --------------------------------------------------------------------------------------

    def create_api_key(self, user_name: str, label: str = "") -> tuple[User, ApiKey, str]:
        """Creates a key (and the user when missing); returns the plaintext token, which is not kept."""
        user_name = _clean_name(user_name, "user name", required=True)
        label = _clean_name(label, "key name", required=False)
        token = keys.generate_token()
        created = self._clock()
        with self._engine.begin() as conn:
            user = self._ensure_user(conn, user_name)
            key = ApiKey(
                id=_new_id("key", created),
                user_id=user.id,
                prefix=keys.PREFIX,
                last_four=keys.last_four(token),
                name=label,
                created_at_ms=created,
                last_used_at_ms=0,
                revoked_at_ms=0,
            )
            conn.execute(
                api_keys.insert().values(
                    id=key.id,
                    user_id=user.id,
                    token_hash=keys.hash_token(token),
                    prefix=key.prefix,
                    last_four=key.last_four,
                    name=label,
                    created_at_ms=created,
                )
            )
        return user, key, token

    def list_api_keys(
        self, user_id: str, *, include_revoked: bool = False, page_size: int = 0, page_token: str = ""
    ) -> tuple[list[ApiKey], str]:
        """One page of the user's keys, oldest first, and the token of the next page ("" at the end)."""
        if page_size < 0:
            raise InvalidArgumentError(f"page_size must be >= 0, got {page_size}")
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        if page_token and _KEY_ID_RE.fullmatch(page_token) is None:
            raise InvalidArgumentError("page_token is not one this service issued")
        query = sa.select(*_KEY_COLUMNS).where(api_keys.c.user_id == user_id)
        if not include_revoked:
            query = query.where(api_keys.c.revoked_at_ms.is_(None))
        if page_token:
            query = query.where(api_keys.c.id > page_token)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(api_keys.c.id).limit(size + 1)).all()
        page = [_key(r) for r in rows[:size]]
        return page, page[-1].id if len(rows) > size else ""

    def revoke_api_key(self, key_id: str, *, user_id: str = "") -> ApiKey:
        """Revokes the key (idempotent: a revoked key keeps its first revocation time)."""
        if not key_id:
            raise InvalidArgumentError("key_id is required")
        owned = api_keys.c.id == key_id
        if user_id:
            owned = owned & (api_keys.c.user_id == user_id)
        with self._engine.begin() as conn:
            conn.execute(
                api_keys.update()
                .where(owned, api_keys.c.revoked_at_ms.is_(None))
                .values(revoked_at_ms=self._clock())
            )
            row = conn.execute(sa.select(*_KEY_COLUMNS).where(owned)).first()
        if row is None:
            raise NotFoundError(f"API key {key_id!r} not found")
        return _key(row)

    def authenticate(self, token: str) -> tuple[User, ApiKey]:
        """The principal behind a token; UnauthenticatedError when malformed, unknown or revoked."""
        if not keys.is_well_formed(token):
            raise UnauthenticatedError("malformed API key")
        digest = keys.hash_token(token)
        query = (
            sa.select(
                *_KEY_COLUMNS,
                api_keys.c.token_hash,
                users.c.name.label("user_name"),
                users.c.created_at_ms.label("user_created_at_ms"),
            )
            .join(users, users.c.id == api_keys.c.user_id)
            .where(api_keys.c.token_hash == digest)
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or not keys.hashes_match(row.token_hash, digest) or row.revoked_at_ms is not None:
            raise UnauthenticatedError("invalid or revoked API key")
        key = _key(row)
        now = self._clock()
        if now - key.last_used_at_ms >= LAST_USED_RESOLUTION_MS:
            stale = api_keys.c.last_used_at_ms.is_(None) | (
                api_keys.c.last_used_at_ms <= now - LAST_USED_RESOLUTION_MS
            )
            with self._engine.begin() as conn:
                touch = api_keys.update().where(api_keys.c.id == key.id, stale)
                conn.execute(touch.values(last_used_at_ms=now))
            key = dataclasses.replace(key, last_used_at_ms=now)
        return User(id=row.user_id, name=row.user_name, created_at_ms=row.user_created_at_ms), key

    # Quotas ------------------------------------------------------------------------------------

    def _build_consume(self) -> sa.Insert:
        """The counting statement, built once (SQLAlchemy caches its compiled form by structure).

        `INSERT INTO windows SELECT ... FROM api_keys WHERE id = :key AND revoked_at_ms IS NULL
        AND :n <= :limit ON CONFLICT DO UPDATE SET count = count + :n WHERE count + :n <= :limit
        RETURNING count`: the revocation check and the count are one statement in one
        transaction, so a key revoked a moment earlier is never counted, and a request costs one
        round trip and one commit. `:n` tokens are taken in full or not at all.
        """
        live_key = sa.select(
            sa.bindparam("key_id", type_=sa.String),
            sa.bindparam("bucket", type_=sa.String),
            sa.bindparam("window_start_ms", type_=sa.BigInteger),
            sa.bindparam("n", type_=sa.Integer),
        ).where(
            api_keys.c.id == sa.bindparam("live_key_id", type_=sa.String),
            api_keys.c.revoked_at_ms.is_(None),
            sa.bindparam("first_n", type_=sa.Integer) <= sa.bindparam("first_limit", type_=sa.Integer),
        )
        return (
            self._insert(quota_windows)
            .from_select(["key_id", "bucket", "window_start_ms", "count"], live_key)
            .on_conflict_do_update(
                index_elements=["key_id", "bucket", "window_start_ms"],
                set_={"count": quota_windows.c.count + sa.bindparam("add_n", type_=sa.Integer)},
                where=quota_windows.c.count + sa.bindparam("check_n", type_=sa.Integer)
                <= sa.bindparam("limit", type_=sa.Integer),
            )
            .returning(quota_windows.c.count)
        )

    def _is_live(self, key_id: str) -> bool:
        query = sa.select(api_keys.c.id).where(api_keys.c.id == key_id, api_keys.c.revoked_at_ms.is_(None))
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def consume_quota(self, key_id: str, bucket: Bucket, count: int = 1) -> QuotaDecision:
        """Counts `count` requests against the key's current window of `bucket`, unless that overflows it.

        A gateway takes several at once to serve a busy key from a local lease (see the gateway's
        quota_leases.py); when fewer than `count` are left, one is taken, so the last requests of a
        window are still served one by one. No row back means the window is full or the key is
        not live; only then is the key looked up again, to tell the two apart (the rare path pays
        for the distinction, not every request).
        """
        if count < 1:
            raise InvalidArgumentError(f"quota count must be >= 1, got {count}")
        rule = self._rules[bucket]
        now = self._clock()
        counted: int | None = None
        granted = 0
        for n in dict.fromkeys((count, 1)) if rule.limit > 0 else ():
            counted = self._count(key_id, bucket, window_start_ms(now, rule.window_s), rule.limit, n)
            if counted is not None:
                granted = n
                break
        if counted is None and not self._is_live(key_id):
            # A gateway may still hold the key in its short principal cache: this is an auth failure.
            raise UnauthenticatedError(f"API key {key_id!r} not found or revoked")
        self._maybe_prune(now)
        return decide(rule, counted, now, granted)

    def _count(self, key_id: str, bucket: Bucket, window_ms: int, limit: int, n: int) -> int | None:
        """The window's count after adding `n`, or None when that would pass `limit` (nothing added)."""
        params = {
            "key_id": key_id,
            "live_key_id": key_id,
            "bucket": bucket.value,
            "window_start_ms": window_ms,
            "limit": limit,
            "first_limit": limit,
            **dict.fromkeys(("n", "first_n", "add_n", "check_n"), n),
        }
        with self._engine.begin() as conn:
            return conn.execute(self._consume, params).scalar_one_or_none()

    def prune_windows(self) -> int:
        """Deletes windows that have ended; returns how many rows went."""
        now = self._clock()
        deleted = 0
        with self._engine.begin() as conn:
            for rule in self._rules.values():
                result = conn.execute(
                    quota_windows.delete().where(
                        quota_windows.c.bucket == rule.bucket.value,
                        quota_windows.c.window_start_ms < window_start_ms(now, rule.window_s),
                    )
                )
                deleted += result.rowcount
        return deleted

    def _maybe_prune(self, now: int) -> None:
        # Each process prunes at most once per interval; several processes pruning is harmless.
        with self._prune_lock:
            if now < self._next_prune_ms:
                return
            self._next_prune_ms = now + PRUNE_INTERVAL_MS
        self.prune_windows()
