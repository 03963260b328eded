"""Optional TLS between services: PRINTFORGE_GRPC_TLS_CERT, _KEY and _CA (PEM file paths).

Off by default (loopback locally; in a cluster the calls are already authenticated per call by
service_token.py and fenced by NetworkPolicies). When set, every server serves its certificate
and every client verifies the server against the CA, so the traffic is encrypted and a caller
cannot be talked into handing its token to an impostor. The certificate must name the address
callers dial (the Service name: `auth`, `generator`, `printability`). Caller identity stays
with the token, which is why servers do not ask for client certificates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # grpc is imported where credentials are made: config.py stays light for the CLI
    import grpc

_VARS = ("PRINTFORGE_GRPC_TLS_CERT", "PRINTFORGE_GRPC_TLS_KEY", "PRINTFORGE_GRPC_TLS_CA")


@dataclass(frozen=True)
class GrpcTls:
    cert_file: Path
    key_file: Path
    ca_file: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GrpcTls | None:
        """All three paths, or None when none is set; a partial set is a configuration error."""
        values = {name: env.get(name) or "" for name in _VARS}
        if not any(values.values()):
            return None
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise ValueError(f"gRPC TLS needs {', '.join(_VARS)}; missing {', '.join(missing)}")
        return cls(*(Path(values[name]) for name in _VARS))

    def server_credentials(self) -> grpc.ServerCredentials:
        import grpc

        return grpc.ssl_server_credentials([(self.key_file.read_bytes(), self.cert_file.read_bytes())])

    def channel_credentials(self) -> grpc.ChannelCredentials:
        import grpc

        return grpc.ssl_channel_credentials(root_certificates=self.ca_file.read_bytes())
