"""`printforge keys` as a user runs it: the installed console script against a fresh data dir."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from printforge.runtime.db import engine_for
from printforge_services.auth.quotas import DAY_S, MINUTE_S, Bucket, QuotaRule
from printforge_services.auth.store import AuthStore, UnauthenticatedError
from tests.conftest import REPO_ROOT

PRINTFORGE = REPO_ROOT / ".venv" / "bin" / "printforge"


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    if not PRINTFORGE.exists():
        pytest.skip(f"{PRINTFORGE} is missing: run `.venv/bin/pip install -e . --no-deps`")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTFORGE_")}
    env["PRINTFORGE_DATA_DIR"] = str(tmp_path)

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRINTFORGE), "keys", *args], env=env, capture_output=True, text=True, timeout=60, check=False
        )

    return _run


def _authenticate(data_dir: Path, token: str) -> str:
    rules = {
        Bucket.REQUESTS: QuotaRule(Bucket.REQUESTS, 60, MINUTE_S),
        Bucket.CHAT: QuotaRule(Bucket.CHAT, 50, DAY_S),
    }
    store = AuthStore(engine_for(f"sqlite:///{data_dir / 'auth.db'}"), rules)
    return store.authenticate(token)[0].name


def test_create_list_revoke(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    created = run("create", "--user", "alice", "--name", "laptop")
    assert created.returncode == 0, created.stderr
    lines = created.stdout.strip().splitlines()
    token = lines[-1]
    assert "shown once" in lines[-2]
    assert token.startswith("pf_") and " " not in token
    assert _authenticate(tmp_path, token) == "alice"

    listed = run("list", "--user", "alice", "--json")
    assert listed.returncode == 0, listed.stderr
    [key] = json.loads(listed.stdout)
    assert (key["name"], key["prefix"], key["last_four"]) == ("laptop", "pf_", token[-4:])
    assert key["last_used_at"] is not None and key["revoked_at"] is None
    assert token not in listed.stdout

    table = run("list", "--user", "alice")
    assert key["id"] in table.stdout and f"pf_...{token[-4:]}" in table.stdout

    revoked = run("revoke", key["id"])
    assert revoked.returncode == 0, revoked.stderr
    assert key["id"] in revoked.stdout
    with pytest.raises(UnauthenticatedError):
        _authenticate(tmp_path, token)
    assert json.loads(run("list", "--user", "alice", "--json").stdout) == []
    [gone] = json.loads(run("list", "--user", "alice", "--json", "--include-revoked").stdout)
    assert gone["revoked_at"] is not None


@pytest.mark.parametrize(
    "args",
    [("revoke", "key_00000000000000000000aa"), ("list", "--user", "nobody"), ("create", "--user", " ")],
)
def test_errors_exit_nonzero_with_a_message(run, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.returncode == 1
    assert result.stderr.startswith(f"printforge keys {args[0]}: ")
    assert "Traceback" not in result.stderr
