"""Signed downloads: `/v1/files/{token}` serves one blob while its HMAC token is valid."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable

from fastapi import APIRouter, Request, Response

from printforge.runtime.signing import InvalidSignature, sign_blob, verify_blob_token
from printforge_services.gateway.blob_download import stream_blob
from printforge_services.gateway.errors import ApiError
from printforge_services.gateway.public_url import public_base_url

router = APIRouter(tags=["files"])

_TYPES = {
    ".stl": "model/stl",
    ".glb": "model/gltf-binary",
    ".obj": "model/obj",
    ".3mf": "model/3mf",
    ".step": "model/step",
    ".png": "image/png",
}


def url_signer(request: Request) -> Callable[[str], str]:
    """Signs blob keys into absolute `/v1/files/...` URLs on the gateway's public address."""
    key = request.app.state.settings.signing_key
    base = public_base_url(request)

    def sign(blob_key: str) -> str:
        return f"{base}/v1/files/{sign_blob(blob_key, key)}"

    return sign


@router.get("/v1/files/{token}", summary="Download a file through a signed URL (valid 1 hour)")
async def download(token: str, request: Request) -> Response:
    state = request.app.state
    try:
        key = verify_blob_token(token, state.settings.signing_key)
    except InvalidSignature as exc:
        raise ApiError(403, str(exc), "invalid_signature") from None
    name = key.rsplit("/", 1)[-1]
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    media = _TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return await stream_blob(
        state.blobs, key, media, {"Content-Disposition": f'attachment; filename="{name}"'}
    )
