"""AIP-158 paging over task lists: opaque page tokens plus `skip` for page-number dialects."""

from __future__ import annotations

import base64

MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 10


class BadPageToken(ValueError):
    pass


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        if not text.startswith("o:"):
            raise ValueError
        offset = int(text[2:])
    except ValueError:
        raise BadPageToken(f"invalid page_token {token!r}") from None
    if offset < 0:
        raise BadPageToken(f"invalid page_token {token!r}")
    return offset


def page_window(page_size: int, page_token: str, skip: int) -> tuple[int, int]:
    """(limit, offset) for a request; page_size is clamped to 1..50, default 10."""
    size = DEFAULT_PAGE_SIZE if page_size <= 0 else min(page_size, MAX_PAGE_SIZE)
    offset = (decode_token(page_token) if page_token else 0) + max(0, skip)
    return size, offset
