"""Settings for every printforge process, read once from `PRINTFORGE_*` environment variables.

One frozen dataclass keeps the defaults in one place: locally everything runs on embedded
defaults (SQLite files and blobs under the data dir, loopback ports); Kubernetes sets the
same variables from ConfigMaps and Secrets.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from printforge.runtime.grpc_tls import GrpcTls

SERVICES = ("auth", "generator", "printability")
"""gRPC services in port order: service i listens on PRINTFORGE_GRPC_PORT_BASE + i."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


MIB = 2**20
DEFAULT_MAX_MODEL_BYTES = 100 * MIB
"""The Meshy seeds' "Maximum file size: 100 MB" of a model_url."""


def max_model_bytes_from_env(env: Mapping[str, str] | None = None) -> int:
    """PRINTFORGE_MAX_MODEL_BYTES alone, for code that sizes buffers before any Settings exist."""
    return _int(os.environ if env is None else env, "PRINTFORGE_MAX_MODEL_BYTES", DEFAULT_MAX_MODEL_BYTES)


def slicer_path_from_env(env: Mapping[str, str] | None = None) -> str:
    """PRINTFORGE_SLICER_PATH alone (the PrusaSlicer binary), for the CLI, which builds no Settings."""
    return (os.environ if env is None else env).get("PRINTFORGE_SLICER_PATH") or "prusa-slicer"


def slicer_timeout_from_env(env: Mapping[str, str] | None = None) -> float:
    """PRINTFORGE_SLICER_TIMEOUT_S alone: how long one slicer run may take."""
    return _float(os.environ if env is None else env, "PRINTFORGE_SLICER_TIMEOUT_S", 120.0)


def data_url_request_bytes(max_file_bytes: int) -> int:
    """Largest request body that carries a max-size file as a base64 data: URL, plus 64 KiB.

    The 64 KiB covers the JSON around the URL and a few line breaks or escapes inside it; a
    file that fits this but not max_file_bytes is still refused by the decoder behind it.
    """
    return math.ceil(max_file_bytes * 4 / 3) + 64 * 1024


def describe_bytes(n: int) -> str:
    """'100 MB' for whole mebibytes (the seeds' wording), else the exact byte count."""
    return f"{n // MIB} MB" if n >= MIB and n % MIB == 0 else f"{n} bytes"


def _key_from_env_or_file(env: Mapping[str, str], name: str, path: Path) -> bytes:
    """An HMAC key from `name` in the environment, else one persisted at `path` (created once, 0600).

    Persisting it lets every local process (and a restart) share the key with no set-up: the
    signing key verifies URLs the others signed, a service token key opens calls between them.
    """
    raw = env.get(name)
    if raw:
        return raw.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48))
    return path.read_bytes().strip()


def service_token_key_var(service: str) -> str:
    """The variable holding the HMAC key of calls INTO `service` (see service_token.py)."""
    return f"PRINTFORGE_SERVICE_TOKEN_KEY_{service.upper()}"


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in (env.get(name) or "").split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None
    bind_host: str
    grpc_port_base: int
    grpc_port: int | None
    metrics_port: int | None
    http_port: int
    public_url: str | None
    service_addrs: Mapping[str, str]
    signing_key: bytes = field(repr=False)
    # HMAC key of calls into each gRPC service (service_token.py); a process uses only the
    # keys of the services it serves or calls, and in Kubernetes is given only those.
    service_token_keys: Mapping[str, bytes] = field(repr=False)
    grpc_tls: GrpcTls | None
    grpc_reflection: bool
    # Peers (IPs or CIDRs) whose X-Forwarded-Proto/-For the gateway believes: Envoy's pods.
    trusted_proxies: tuple[str, ...]
    blob_url: str | None
    s3_endpoint_url: str | None
    log_level: str
    worker_processes: int
    task_timeout_s: float
    task_memory_mb: int
    task_max_attempts: int
    task_lease_s: float
    task_ttl_days: int
    rate_limit_per_minute: int
    chat_per_day: int
    auth_cache_ttl_s: float
    max_model_bytes: int
    # PENDING + IN_PROGRESS analyze/repair tasks one owner may hold (the seeds' 429); 0 = no cap.
    max_pending_tasks: int
    rpc_timeout_s: float
    # PrusaSlicer binary and per-run time limit of print-prep's print-time estimate.
    slicer_path: str = "prusa-slicer"
    slicer_timeout_s: float = 120.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("PRINTFORGE_DATA_DIR") or "data").resolve()
        base = _int(env, "PRINTFORGE_GRPC_PORT_BASE", 50051)
        addrs = {
            name: env.get(f"PRINTFORGE_{name.upper()}_ADDR") or f"127.0.0.1:{base + i}"
            for i, name in enumerate(SERVICES)
        }
        grpc_port = env.get("PRINTFORGE_GRPC_PORT")
        metrics_port = env.get("PRINTFORGE_METRICS_PORT")
        return cls(
            data_dir=data_dir,
            database_url=env.get("PRINTFORGE_DATABASE_URL") or None,
            bind_host=env.get("PRINTFORGE_BIND_HOST") or "127.0.0.1",
            grpc_port_base=base,
            grpc_port=int(grpc_port) if grpc_port else None,
            metrics_port=int(metrics_port) if metrics_port else None,
            http_port=_int(env, "PRINTFORGE_HTTP_PORT", 8080),
            public_url=env.get("PRINTFORGE_PUBLIC_URL") or None,
            service_addrs=addrs,
            signing_key=_key_from_env_or_file(env, "PRINTFORGE_SIGNING_KEY", data_dir / "signing.key"),
            service_token_keys={
                name: _key_from_env_or_file(
                    env, service_token_key_var(name), data_dir / "service-tokens" / f"{name}.key"
                )
                for name in SERVICES
            },
            grpc_tls=GrpcTls.from_env(env),
            grpc_reflection=_flag(env, "PRINTFORGE_GRPC_REFLECTION", True),
            trusted_proxies=_list(env, "PRINTFORGE_TRUSTED_PROXIES"),
            blob_url=env.get("PRINTFORGE_BLOB_URL") or None,
            s3_endpoint_url=env.get("PRINTFORGE_S3_ENDPOINT_URL") or None,
            log_level=(env.get("PRINTFORGE_LOG_LEVEL") or "INFO").upper(),
            worker_processes=_int(env, "PRINTFORGE_WORKER_PROCESSES", 2),
            task_timeout_s=_float(env, "PRINTFORGE_TASK_TIMEOUT_S", 300.0),
            task_memory_mb=_int(env, "PRINTFORGE_TASK_MEMORY_MB", 4096),
            task_max_attempts=_int(env, "PRINTFORGE_TASK_MAX_ATTEMPTS", 3),
            task_lease_s=_float(env, "PRINTFORGE_TASK_LEASE_S", 30.0),
            task_ttl_days=_int(env, "PRINTFORGE_TASK_TTL_DAYS", 3),
            rate_limit_per_minute=_int(env, "PRINTFORGE_RATE_LIMIT_PER_MINUTE", 60),
            chat_per_day=_int(env, "PRINTFORGE_CHAT_PER_DAY", 50),
            auth_cache_ttl_s=_float(env, "PRINTFORGE_AUTH_CACHE_TTL_S", 2.0),
            max_model_bytes=max_model_bytes_from_env(env),
            max_pending_tasks=_int(env, "PRINTFORGE_MAX_PENDING_TASKS", 20),
            rpc_timeout_s=_float(env, "PRINTFORGE_RPC_TIMEOUT_S", 30.0),
            slicer_path=slicer_path_from_env(env),
            slicer_timeout_s=slicer_timeout_from_env(env),
        )

    def database_url_for(self, service: str) -> str:
        """PostgreSQL when configured (tables are prefixed per service), else one SQLite file per service."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / f'{service}.db'}"

    def grpc_port_for(self, service: str) -> int:
        if self.grpc_port is not None:
            return self.grpc_port
        return self.grpc_port_base + SERVICES.index(service)

    def metrics_port_for(self, service: str) -> int:
        """Prometheus port: explicit, else base + 10 + index so local services never collide."""
        if self.metrics_port is not None:
            return self.metrics_port
        return self.grpc_port_base + 10 + SERVICES.index(service)

    @property
    def blob_location(self) -> str:
        return self.blob_url or f"file://{self.data_dir / 'blobs'}"
