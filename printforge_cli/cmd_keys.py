"""`printforge keys create|list|revoke`: manage API keys on the auth store directly.

Going to the database instead of the auth gRPC service means an operator can mint the first key
before the mesh runs (and recover when it does not). The store is migrated first, so this also
works on a fresh data dir.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from printforge_services.auth.store import ApiKey, AuthStore


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "keys", help="Create, list and revoke API keys.", description=__doc__.splitlines()[0]
    )
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="Create a key (and the user when missing); shown once.")
    create.add_argument("--user", required=True, help="user name")
    create.add_argument("--name", default="", help="label for the key")
    listing = actions.add_parser("list", help="List a user's keys.")
    listing.add_argument("--user", required=True, help="user name")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.add_argument("--include-revoked", action="store_true", help="show revoked keys too")
    revoke = actions.add_parser("revoke", help="Revoke a key by id.")
    revoke.add_argument("key_id", help="the key's id (key_...)")
    parser.set_defaults(func=handler)


def _open_store() -> AuthStore:
    from printforge.runtime.config import Settings
    from printforge.runtime.db import engine_for
    from printforge_services.auth.quotas import rules_from_settings
    from printforge_services.auth.store import AuthStore

    settings = Settings.from_env()
    store = AuthStore(engine_for(settings.database_url_for("auth")), rules_from_settings(settings))
    store.migrate()
    return store


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="seconds") if ms else ""


def _key_json(key: ApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "user_id": key.user_id,
        "name": key.name,
        "prefix": key.prefix,
        "last_four": key.last_four,
        "created_at": _iso(key.created_at_ms),
        "last_used_at": _iso(key.last_used_at_ms) or None,
        "revoked_at": _iso(key.revoked_at_ms) or None,
    }


def _print_table(keys: list[ApiKey]) -> None:
    header = ("ID", "NAME", "KEY", "CREATED", "LAST USED", "REVOKED")
    rows = [
        (
            k.id,
            k.name,
            f"{k.prefix}...{k.last_four}",
            _iso(k.created_at_ms),
            _iso(k.last_used_at_ms) or "never",
            _iso(k.revoked_at_ms) or "-",
        )
        for k in keys
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def handler(args: argparse.Namespace) -> int:
    from printforge_services.auth.store import InvalidArgumentError, NotFoundError

    try:
        store = _open_store()
        if args.keys_action == "create":
            user, key, token = store.create_api_key(args.user, args.name)
            print(f"Created API key {key.id} for user {user.name} ({key.prefix}...{key.last_four}).")
            print("This key is shown once and cannot be recovered; store it now:")
            print(token)
        elif args.keys_action == "list":
            user = store.get_user(name=args.user)
            keys: list[ApiKey] = []
            page_token = ""
            while True:
                page, page_token = store.list_api_keys(
                    user.id, include_revoked=args.include_revoked, page_token=page_token
                )
                keys.extend(page)
                if not page_token:
                    break
            if args.json:
                print(json.dumps([_key_json(k) for k in keys], indent=2))
            else:
                _print_table(keys)
        else:
            key = store.revoke_api_key(args.key_id)
            print(f"Revoked API key {key.id} ({key.prefix}...{key.last_four}) at {_iso(key.revoked_at_ms)}.")
    except (InvalidArgumentError, NotFoundError) as exc:
        print(f"printforge keys {args.keys_action}: {exc}", file=sys.stderr)
        return 1
    return 0
