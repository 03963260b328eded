"""A blob as a streamed HTTP response, shared by every download route.

The blob is opened first (so a missing one is a 404 before any byte is sent) and then sent
chunk by chunk: Starlette iterates a plain iterator in its thread pool, so neither the event
loop nor the process memory carries more than one chunk of a 100 MB part at a time.
"""

from __future__ import annotations

import asyncio

from fastapi.responses import StreamingResponse

from printforge.runtime.blobs import BlobNotFound, BlobStore
from printforge_services.gateway.errors import ApiError


async def stream_blob(
    blobs: BlobStore, key: str, media_type: str, headers: dict[str, str]
) -> StreamingResponse:
    try:
        reader = await asyncio.to_thread(blobs.open, key)
    except BlobNotFound:
        raise ApiError(404, "the file no longer exists") from None
    return StreamingResponse(
        reader.chunks, media_type=media_type, headers={**headers, "Content-Length": str(reader.size)}
    )
