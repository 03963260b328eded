"""The postgres component's init-roles.sql, run on the real PostgreSQL: one role and schema per service.

Each service migrates its own tables at start-up, logged in as its own role (docs/deploy.md,
"Databases"). Here every service's migrations run as that service's role, after the component's
script made the roles, and land in its own schema; a role cannot read another service's rows.
Roles are global to a PostgreSQL server and tests may run side by side, so the script's role
names get a suffix of this test's own; nothing else of the script changes.
"""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from printforge.runtime.db import Migration, migrate
from printforge_services.auth import store as auth_store
from printforge_services.generator import store as generator_store
from printforge_services.generator.webhooks import store as webhook_store
from printforge_services.printability import store as printability_store
from tests.k8s.backing_stores import INIT_ROLES_SQL

pytestmark = pytest.mark.postgres

MIGRATIONS: dict[str, list[tuple[str, list[Migration]]]] = {
    "auth": [("auth", auth_store.MIGRATIONS)],
    "generator": [
        ("generator", generator_store.MIGRATIONS),
        (webhook_store.SERVICE, webhook_store.WEBHOOK_MIGRATIONS),
    ],
    "printability": [("printability", printability_store.MIGRATIONS)],
}


def _as_role(url: str, role: str) -> sa.Engine:
    # Trust auth here checks no password, so log in as the superuser and become the role at once:
    # current_user (hence search_path's "$user") is then the role, as with its own login.
    return sa.create_engine(url, connect_args={"options": f"-c role={role}"}, poolclass=sa.pool.NullPool)


def test_each_service_migrates_into_a_schema_of_its_own_role(postgres_url: str) -> None:
    script = INIT_ROLES_SQL.read_text()
    roles = re.findall(r"CREATE ROLE (\w+)", script)
    assert {role.removeprefix("printforge_") for role in roles} == set(MIGRATIONS)
    suffix = uuid.uuid4().hex[:8]
    local_script = re.sub(r"\b(" + "|".join(roles) + r")\b", rf"\1_{suffix}", script)
    role_of = {role.removeprefix("printforge_"): f"{role}_{suffix}" for role in roles}
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(local_script)
    try:
        for service, role in role_of.items():
            engine = _as_role(postgres_url, role)
            for name, migrations in MIGRATIONS[service]:
                assert migrate(engine, name, migrations), f"{service}: nothing migrated"
            engine.dispose()
        with admin.connect() as conn:
            placed = conn.execute(
                sa.text(
                    "SELECT table_schema, table_name FROM information_schema.tables "
                    "WHERE table_schema = ANY(:schemas)"
                ),
                {"schemas": list(role_of.values())},
            ).all()
        for service, role in role_of.items():
            tables = {table for schema, table in placed if schema == role}
            assert "schema_migrations" in tables, f"{service} keeps no migration history of its own"
            assert any(t.startswith(f"{service}_") for t in tables), f"{service}'s tables are not in {role}"
            assert all(t == "schema_migrations" or t.startswith(service) for t in tables), tables

        auth = _as_role(postgres_url, role_of["auth"])
        with auth.connect() as conn, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            conn.execute(sa.text(f"SELECT * FROM {role_of['printability']}.schema_migrations"))
        auth.dispose()
    finally:
        with admin.connect() as conn:
            for role in role_of.values():
                conn.exec_driver_sql(f"DROP OWNED BY {role} CASCADE")
                conn.exec_driver_sql(f"DROP ROLE {role}")
