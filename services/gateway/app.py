"""The gateway application: REST + SSE in front of the gRPC services, no business logic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from printforge.runtime.blobs import open_blob_store
from printforge.runtime.config import MIB, Settings, data_url_request_bytes, describe_bytes
from printforge_services.gateway.body_limit import BodyLimit, BodyLimitMiddleware
from printforge_services.gateway.clients import ServiceClients
from printforge_services.gateway.errors import install_error_handlers
from printforge_services.gateway.http_metrics import HttpMetricsMiddleware
from printforge_services.gateway.principal import PrincipalCache
from printforge_services.gateway.quota_leases import QuotaLeases
from printforge_services.gateway.routes import (
    catalog,
    files,
    generations,
    keys,
    makistry,
    ops,
    print_tasks,
    studio,
    webhooks,
)

DESCRIPTION = """printforge REST API: the Meshy printability APIs (`/openapi/v1/print/...`), the Meshra
generation APIs (`/api/v1/...`), your API keys and signed downloads. Authenticate with
`Authorization: Bearer <API key>`; every key may make 60 requests per minute (429 with
`Retry-After` beyond that). Errors use `{"error": {"code", "message"}, "message"}`."""

DEFAULT_BODY_BYTES = MIB
"""Every route without a limit of its own takes at most 1 MiB of request body."""


def body_limits(settings: Settings) -> tuple[BodyLimit, list[tuple[str, BodyLimit]]]:
    """(default, per-prefix) body limits: a model as a data: URL, an image upload, else 1 MiB."""
    too_large = f"Model file too large: model_url body exceeded {describe_bytes(settings.max_model_bytes)}"
    model = BodyLimit(
        data_url_request_bytes(settings.max_model_bytes), 400, too_large, "model_file_too_large"
    )
    # image-to-cad takes the image as multipart or as a base64 data: URL in JSON.
    image_bytes = data_url_request_bytes(makistry.MAX_IMAGE_BYTES)
    image = BodyLimit(
        image_bytes,
        413,
        f"Request body too large: image-to-cad accepts at most {image_bytes} bytes",
        "payload_too_large",
    )
    default = BodyLimit(
        DEFAULT_BODY_BYTES,
        413,
        f"Request body too large: at most {DEFAULT_BODY_BYTES} bytes",
        "payload_too_large",
    )
    return default, [("/openapi/v1/print", model), ("/v1/image-to-cad", image)]


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
    app.state.quota_leases = QuotaLeases()
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
        catalog.router,
        studio.router,
    ):
        app.include_router(router)
    default_limit, route_limits = body_limits(settings)
    app.add_middleware(BodyLimitMiddleware, default=default_limit, routes=route_limits)
    app.add_middleware(HttpMetricsMiddleware)  # outermost: it also counts the refusals
    return app
