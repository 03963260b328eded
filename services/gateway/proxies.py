"""Which peers' X-Forwarded-Proto and X-Forwarded-For the gateway believes: Envoy's, no one else's.

Behind Envoy the gateway sees plain HTTP from Envoy's pod; only Envoy's X-Forwarded-Proto says
the client used https, and signed URLs (files.url_signer, generation file URLs) must say so too.
A header from anyone else is ignored, or any client could have URLs minted for a scheme (and a
client address) of its choosing. uvicorn's own proxy-header handling would trust 127.0.0.1 by
default; it is switched off and uvicorn's middleware is installed with PRINTFORGE_TRUSTED_PROXIES
alone (IPs or CIDRs; empty locally, so nothing is trusted). The host comes from the Host header,
which Envoy forwards unchanged, so X-Forwarded-Host is never needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import uvicorn
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from printforge.runtime.config import Settings


def trust_forwarded_headers(app: ASGIApp, trusted: Sequence[str]) -> ASGIApp:
    """`app` believing forwarded headers from the `trusted` peers only (none: `app` unchanged)."""
    if not trusted:
        return app
    return ProxyHeadersMiddleware(app, trusted_hosts=list(trusted))  # type: ignore[arg-type]


def server_config(app: ASGIApp, settings: Settings) -> uvicorn.Config:
    """The gateway's uvicorn settings: its address, no access log, and proxy headers as above."""
    return uvicorn.Config(
        trust_forwarded_headers(app, settings.trusted_proxies),
        host=settings.bind_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
        proxy_headers=False,
    )
