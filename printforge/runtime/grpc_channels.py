"""Client channels between services, opened one way everywhere, each call carrying a service token.

Kubernetes Services here are headless, so a name resolves to every pod; `round_robin` spreads
calls over them (gRPC's default, pick_first, would send all of a process's calls to one pod).
Message limits match the servers' (see grpc_server.max_message_bytes). Every channel signs each
call with the callee's service token key (service_token.py), so no caller can forget it; with
PRINTFORGE_GRPC_TLS_* set, the channel is TLS and verifies the server against the CA.
"""

from __future__ import annotations

import grpc

from printforge.runtime.config import Settings
from printforge.runtime.grpc_server import max_message_bytes
from printforge.runtime.grpc_tls import GrpcTls
from printforge.runtime.service_token import client_interceptors


def channel_options(max_model_bytes: int | None = None) -> list[tuple[str, int | str]]:
    limit = max_message_bytes(max_model_bytes)
    return [
        ("grpc.max_receive_message_length", limit),
        ("grpc.max_send_message_length", limit),
        ("grpc.keepalive_time_ms", 30_000),
        ("grpc.lb_policy_name", "round_robin"),
    ]


def open_channel(
    target: str,
    *,
    caller: str,
    token_key: bytes,
    tls: GrpcTls | None = None,
    max_model_bytes: int | None = None,
) -> grpc.aio.Channel:
    """A channel to `target` whose calls are signed as `caller` with the callee's `token_key`."""
    interceptors = client_interceptors(caller, token_key)
    options = channel_options(max_model_bytes)
    if tls is None:
        return grpc.aio.insecure_channel(target, options=options, interceptors=interceptors)
    credentials = tls.channel_credentials()
    return grpc.aio.secure_channel(target, credentials, options=options, interceptors=interceptors)


def open_service_channel(settings: Settings, service: str, *, caller: str) -> grpc.aio.Channel:
    """The channel from `caller` to the mesh's `service`, everything taken from `settings`."""
    return open_channel(
        settings.service_addrs[service],
        caller=caller,
        token_key=settings.service_token_keys[service],
        tls=settings.grpc_tls,
        max_model_bytes=settings.max_model_bytes,
    )
