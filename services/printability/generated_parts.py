"""The generator's parts as printability inputs: `input_task_id` may name a generation.

A Meshra generation, a chat result and a Makistry job are all generations of the generator
service. printability never reads the generator's tables: it asks GeneratorService.GetPartMesh
over gRPC (a channel from printforge.runtime.grpc_channels.open_service_channel, signed with
the generator's service token like every call between services, with the configured RPC
deadline) for the blob key of one version's file in the blob store the services share, and
reads the bytes from there when the task runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc

from printforge.generator.v1 import generator_pb2 as gpb
from printforge.generator.v1 import generator_pb2_grpc as gpb_grpc
from printforge.runtime.grpc_errors import reason_of

#: The generator's reason for an unknown id, which is also its answer for another user's id.
GENERATION_NOT_FOUND = "GENERATION_NOT_FOUND"


@dataclass(frozen=True)
class PartMesh:
    """One version's file as the generator describes it; `blob_key` is "" unless completed."""

    version: int
    status: str
    blob_key: str
    filename: str
    unit: str
    # The generator's own printability report of the STL (made in mm, without a printer).
    printability: dict[str, Any] | None


class PartNotFound(LookupError):
    """No such generation for this owner (`unknown` also covers another user's), or no such version."""

    def __init__(self, message: str, *, unknown: bool) -> None:
        super().__init__(message)
        self.unknown = unknown


class GeneratorUnavailable(RuntimeError):
    """The generator did not answer (down, deadline) or refused the call for another reason."""


class GeneratedParts:
    """A GetPartMesh client; `start` opens the channel (in the server's event loop)."""

    def __init__(self, open_generator: Callable[[], grpc.aio.Channel], timeout_s: float) -> None:
        self._open_generator = open_generator
        self.timeout_s = timeout_s
        self._channel: grpc.aio.Channel | None = None
        self._stub: gpb_grpc.GeneratorServiceStub | None = None

    async def start(self) -> None:
        self._channel = self._open_generator()
        self._stub = gpb_grpc.GeneratorServiceStub(self._channel)

    async def stop(self) -> None:
        if self._channel is not None:
            await self._channel.close()

    async def part_mesh(self, owner: str, generation_id: str, version: int, fmt: str) -> PartMesh:
        """The `fmt` file ("stl" or "glb") of `version` (0: the latest) of the owner's generation."""
        assert self._stub is not None, "GeneratedParts.start() was not awaited"
        request = gpb.GetPartMeshRequest(
            owner=owner, generation_id=generation_id, version=version, format=fmt
        )
        try:
            reply = await self._stub.GetPartMesh(request, timeout=self.timeout_s)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise PartNotFound(
                    exc.details() or "", unknown=reason_of(exc) == GENERATION_NOT_FOUND
                ) from None
            raise GeneratorUnavailable(
                f"the generator could not be asked ({exc.code().name}): {exc.details() or 'no details'}"
            ) from None
        return PartMesh(
            version=reply.version,
            status=reply.status,
            blob_key=reply.blob_key,
            filename=reply.filename,
            unit=reply.unit,
            printability=json.loads(reply.printability_json) if reply.printability_json else None,
        )
