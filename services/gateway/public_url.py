"""The base of every absolute URL the gateway hands out: signed file URLs and generation file links.

One place, so that a deployment's public address holds for all of them: PRINTFORGE_PUBLIC_URL when
set (the address users reach when the gateway's own host name is not it, e.g. behind a load
balancer that rewrites Host), else the scheme and host the caller used (forwarded headers count
only from PRINTFORGE_TRUSTED_PROXIES, proxies.py).
"""

from __future__ import annotations

from fastapi import Request


def public_base_url(request: Request) -> str:
    """`https://pf.example` or `https://pf.example/prefix`: no trailing slash."""
    return (request.app.state.settings.public_url or str(request.base_url)).rstrip("/")
