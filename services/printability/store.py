"""The printability service's tables: its task table (inputs and results live in blobs)."""

from __future__ import annotations

from printforge.runtime.tasks.store import task_migrations

SERVICE = "printability"
MIGRATIONS = task_migrations(SERVICE)

ANALYZE = "print-analyze"
REPAIR = "print-repair"
