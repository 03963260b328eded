"""The gateway application: REST + SSE in front of the gRPC services, no business logic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from printforge.runtime.blobs import open_blob_store
from printforge.runtime.config import Settings
from services.gateway.clients import ServiceClients
from services.gateway.errors import install_error_handlers
from services.gateway.http_metrics import HttpMetricsMiddleware
from services.gateway.principal import PrincipalCache
from services.gateway.routes import files, generations, keys, makistry, ops, print_tasks, webhooks

DESCRIPTION = """printforge REST API: the Meshy printability APIs (`/openapi/v1/print/...`), the Meshra
generation APIs (`/api/v1/...`), your API keys and signed downloads. Authenticate with
`Authorization: Bearer <API key>`; every key may make 60 requests per minute (429 with
`Retry-After` beyond that). Errors use `{"error": {"code", "message"}, "message"}`."""


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.clients = ServiceClients.connect(settings)
        try:
            yield
        finally:
            await app.state.clients.close()

    app = FastAPI(title="printforge", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.blobs = open_blob_store(settings.blob_location, s3_endpoint_url=settings.s3_endpoint_url)
    app.state.principal_cache = PrincipalCache(settings.auth_cache_ttl_s)
    install_error_handlers(app)
    for router in (
        print_tasks.analyze_router,
        print_tasks.repair_router,
        keys.router,
        files.router,
        ops.router,
        makistry.router,
        webhooks.router,
        generations.router,
        generations.files_router,
    ):
        app.include_router(router)
    app.add_middleware(HttpMetricsMiddleware)
    return app
