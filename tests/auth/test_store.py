"""AuthStore on SQLite and PostgreSQL: users, key lifecycle, authentication, last-used throttling."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from printforge.runtime.db import engine_for
from printforge_services.auth import keys
from printforge_services.auth.quotas import DAY_S, MINUTE_S, Bucket, QuotaRule
from printforge_services.auth.store import (
    LAST_USED_RESOLUTION_MS,
    MIGRATIONS,
    AuthStore,
    InvalidArgumentError,
    NotFoundError,
    UnauthenticatedError,
    metadata,
)

RULES = {
    Bucket.REQUESTS: QuotaRule(Bucket.REQUESTS, 60, MINUTE_S),
    Bucket.CHAT: QuotaRule(Bucket.CHAT, 50, DAY_S),
}
T0 = 1_800_000_000_000


class Clock:
    """A settable clock (epoch ms) so time-dependent rules are tested without sleeping."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database_url: str, clock: Clock) -> AuthStore:
    s = AuthStore(engine_for(database_url), RULES, clock=clock)
    assert s.migrate() == [m.version for m in MIGRATIONS]
    return s


def test_migrations_are_idempotent_and_tables_prefixed(store: AuthStore, database_url: str) -> None:
    assert store.migrate() == []
    names = set(sa.inspect(engine_for(database_url)).get_table_names())
    assert {t for t in metadata.tables} <= names
    assert all(t.startswith("auth_") for t in metadata.tables)


def test_create_user_is_idempotent_on_name(store: AuthStore) -> None:
    first = store.create_user("alice")
    again = store.create_user("  alice ")
    assert again == first
    assert store.create_user("bob").id != first.id
    assert store.get_user(name="alice") == first
    assert store.get_user(user_id=first.id) == first


@pytest.mark.parametrize("name", ["", "   ", "a" * 129, "bad\nname"])
def test_invalid_user_names_are_rejected(store: AuthStore, name: str) -> None:
    with pytest.raises(InvalidArgumentError):
        store.create_user(name)


def test_unknown_user_is_not_found(store: AuthStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_user(name="nobody")
    with pytest.raises(InvalidArgumentError):
        store.get_user()


def test_key_lifecycle(store: AuthStore, clock: Clock) -> None:
    user, key, token = store.create_api_key("alice", "laptop")
    assert keys.is_well_formed(token)
    assert (key.user_id, key.name, key.prefix, key.last_four) == (user.id, "laptop", keys.PREFIX, token[-4:])
    assert (key.created_at_ms, key.last_used_at_ms, key.revoked_at_ms) == (T0, 0, 0)

    clock.now += 1000
    who, used = store.authenticate(token)
    assert who == user
    assert used.id == key.id and used.last_used_at_ms == clock.now

    clock.now += 1000
    revoked = store.revoke_api_key(key.id)
    assert revoked.revoked_at_ms == clock.now
    with pytest.raises(UnauthenticatedError, match="revoked"):
        store.authenticate(token)
    clock.now += 1000
    assert store.revoke_api_key(key.id).revoked_at_ms == revoked.revoked_at_ms  # idempotent


def test_authenticate_rejects_malformed_and_unknown_tokens(store: AuthStore) -> None:
    store.create_api_key("alice")
    with pytest.raises(UnauthenticatedError, match="malformed"):
        store.authenticate("Bearer nonsense")
    with pytest.raises(UnauthenticatedError, match="invalid"):
        store.authenticate(keys.generate_token())


def test_last_used_is_written_at_most_once_per_resolution(store: AuthStore, clock: Clock) -> None:
    _, key, token = store.create_api_key("alice")
    assert store.authenticate(token)[1].last_used_at_ms == T0
    clock.now = T0 + LAST_USED_RESOLUTION_MS - 1
    store.authenticate(token)
    [listed] = store.list_api_keys(key.user_id)[0]
    assert listed.last_used_at_ms == T0
    clock.now = T0 + LAST_USED_RESOLUTION_MS
    store.authenticate(token)
    [listed] = store.list_api_keys(key.user_id)[0]
    assert listed.last_used_at_ms == T0 + LAST_USED_RESOLUTION_MS


def test_list_pages_and_hides_revoked_unless_asked(store: AuthStore, clock: Clock) -> None:
    created = []
    for i in range(5):
        clock.now += 1
        created.append(store.create_api_key("alice", f"k{i}")[1])
    store.create_api_key("bob")
    store.revoke_api_key(created[1].id)
    user_id = created[0].user_id

    seen, token = [], ""
    while True:
        page, token = store.list_api_keys(user_id, page_size=2, page_token=token)
        assert len(page) <= 2
        seen.extend(page)
        if not token:
            break
    assert [k.name for k in seen] == ["k0", "k2", "k3", "k4"]
    everything, end = store.list_api_keys(user_id, include_revoked=True)
    assert [k.id for k in everything] == [k.id for k in created] and end == ""
    with pytest.raises(InvalidArgumentError):
        store.list_api_keys(user_id, page_token="garbage")
    with pytest.raises(InvalidArgumentError):
        store.list_api_keys(user_id, page_size=-1)


def test_revoke_checks_owner(store: AuthStore) -> None:
    _, key, token = store.create_api_key("alice")
    bob = store.create_user("bob")
    with pytest.raises(NotFoundError):
        store.revoke_api_key(key.id, user_id=bob.id)
    store.authenticate(token)  # still valid
    with pytest.raises(NotFoundError):
        store.revoke_api_key("key_00000000000000000000aa")
    assert store.revoke_api_key(key.id, user_id=key.user_id).revoked_at_ms > 0


def test_plaintext_token_is_nowhere_in_the_database(store: AuthStore, database_url: str) -> None:
    tokens = [store.create_api_key("alice", "k")[2] for _ in range(3)]
    for token in tokens:
        store.authenticate(token)
    dumped = []
    with engine_for(database_url).connect() as conn:
        for table in metadata.sorted_tables:
            dumped.extend(repr(tuple(row)) for row in conn.execute(sa.select(table)))
    text = "\n".join(dumped)
    for token in tokens:
        assert keys.hash_token(token) in text
        assert token not in text
        assert token[len(keys.PREFIX) : len(keys.PREFIX) + 43] not in text
