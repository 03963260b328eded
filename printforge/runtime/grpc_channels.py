"""Client channels between services, opened one way everywhere.

Kubernetes Services here are headless, so a name resolves to every pod; `round_robin` spreads
calls over them (gRPC's default, pick_first, would send all of a process's calls to one pod).
Message limits match the servers' (see grpc_server.max_message_bytes).
"""

from __future__ import annotations

import grpc

from printforge.runtime.grpc_server import max_message_bytes


def channel_options(max_model_bytes: int | None = None) -> list[tuple[str, int | str]]:
    limit = max_message_bytes(max_model_bytes)
    return [
        ("grpc.max_receive_message_length", limit),
        ("grpc.max_send_message_length", limit),
        ("grpc.keepalive_time_ms", 30_000),
        ("grpc.lb_policy_name", "round_robin"),
    ]


def open_channel(target: str, max_model_bytes: int | None = None) -> grpc.aio.Channel:
    """An insecure (in-cluster, NetworkPolicy-guarded) channel to `target` with the shared options."""
    return grpc.aio.insecure_channel(target, options=channel_options(max_model_bytes))
