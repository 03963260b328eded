"""Machine-readable causes of a failed task, carried in front of its message ("not_understood: ...").

A task failure crosses process, database and RPC boundaries as one message string (the
generation's `error_message`). The few causes an API must report as a code of their own (the
Makistry job's `error_code`, our Meshra extension) are written as a `code: ` prefix by the
worker and split off by the gateway, so no schema between them has to change.
"""

from __future__ import annotations

NOT_UNDERSTOOD = "not_understood"
CODES = frozenset({NOT_UNDERSTOOD})
# The Makistry job's `error_code` for a failure: a prompt naming nothing we can make is the
# 422-style answer (well formed, but its content cannot be processed); the rest are generic.
GENERATION_FAILED = "generation_failed"
MAKISTRY_CODES = {NOT_UNDERSTOOD: "prompt_not_understood"}


def tag(code: str, message: str) -> str:
    if code not in CODES:
        raise ValueError(f"unknown failure code {code!r}")
    return f"{code}: {message}"


def split(message: str) -> tuple[str | None, str]:
    """(code, message without it); code is None for an untagged message."""
    head, sep, rest = message.partition(": ")
    if sep and head in CODES:
        return head, rest
    return None, message


def makistry_error(message: str | None) -> tuple[str, str]:
    """(error_code, error_message) of a failed Makistry job whose generation failed with `message`."""
    code, text = split(message or "generation failed")
    return MAKISTRY_CODES.get(code or "", GENERATION_FAILED), text or "generation failed"
