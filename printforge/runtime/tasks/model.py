"""The task row as a value, and its protobuf form (printforge.task.v1.Task)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from printforge.task.v1 import task_pb2

PENDING = "PENDING"
IN_PROGRESS = "IN_PROGRESS"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
CANCELED = "CANCELED"
TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELED})

_TO_PROTO = {
    PENDING: task_pb2.TASK_STATUS_PENDING,
    IN_PROGRESS: task_pb2.TASK_STATUS_IN_PROGRESS,
    SUCCEEDED: task_pb2.TASK_STATUS_SUCCEEDED,
    FAILED: task_pb2.TASK_STATUS_FAILED,
    CANCELED: task_pb2.TASK_STATUS_CANCELED,
}
STATUS_NAMES = {v: k for k, v in _TO_PROTO.items()}


@dataclass(frozen=True)
class Task:
    id: str
    owner: str
    kind: str
    status: str
    progress: int
    input: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    created_at_ms: int
    started_at_ms: int
    finished_at_ms: int
    expires_at_ms: int
    attempts: int
    lease_owner: str | None = None
    lease_expires_at_ms: int = 0
    preceding_tasks: int = 0

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def to_proto(self) -> task_pb2.Task:
        return task_pb2.Task(
            id=self.id,
            owner=self.owner,
            kind=self.kind,
            status=_TO_PROTO[self.status],
            progress=self.progress,
            created_at_ms=self.created_at_ms,
            started_at_ms=self.started_at_ms,
            finished_at_ms=self.finished_at_ms,
            expires_at_ms=self.expires_at_ms,
            error_message=self.error or "",
            input_json=json.dumps(self.input),
            result_json=json.dumps(self.result) if self.result is not None else "",
            attempts=self.attempts,
            preceding_tasks=self.preceding_tasks,
        )
