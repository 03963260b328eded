"""Static URL checks and the address rules for server-side fetches (no network involved)."""

from __future__ import annotations

import ipaddress

import pytest

from printforge.runtime.url_policy import (
    PUBLIC_ONLY,
    DataTarget,
    HttpTarget,
    LoopbackTestPolicy,
    UnsafeURLError,
    non_public_reason,
    validate_url,
)

MESH = frozenset({".glb", ".gltf", ".obj", ".fbx", ".stl", ".ply", ".off", ".3mf"})


def _http(url: str, allowed: frozenset[str] | None = MESH) -> HttpTarget:
    target = validate_url(url, allowed)
    assert isinstance(target, HttpTarget)
    return target


@pytest.mark.parametrize(
    ("host", "reads_as"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("3232235521", "192.168.0.1"),
        ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"),
        ("010.0.0.1", "8.0.0.1"),
    ],
)
def test_non_canonical_numeric_hosts_are_refused_naming_what_a_browser_reads(
    host: str, reads_as: str
) -> None:
    with pytest.raises(UnsafeURLError, match="canonical") as info:
        validate_url(f"http://{host}:8080/x.stl", MESH)
    assert reads_as in str(info.value)


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.0.0.1", "1.2.3.256.", "example.0x1", "a.09", "4294967296"]
)
def test_hosts_ending_in_a_number_that_are_not_ipv4_are_refused(host: str) -> None:
    with pytest.raises(UnsafeURLError, match="IPv4"):
        validate_url(f"http://{host}/x.stl", MESH)


def test_canonical_ip_literals_are_parsed_into_addresses() -> None:
    v4 = _http("http://8.8.8.8/x.stl")
    assert v4.ip == ipaddress.IPv4Address("8.8.8.8")
    v6 = _http("https://[2001:4860:0:0::8888]:8443/a/b.glb?sig=1#frag")
    assert v6.ip == ipaddress.IPv6Address("2001:4860::8888")
    assert v6.authority == "[2001:4860::8888]:8443"
    assert v6.url == "https://[2001:4860::8888]:8443/a/b.glb?sig=1"


def test_fullwidth_digits_are_normalised_before_the_numeric_check() -> None:
    target = _http("http://１２７．０．０．１/x.stl")
    assert target.ip == ipaddress.IPv4Address("127.0.0.1")
    assert non_public_reason(target.ip) == "loopback"


def test_names_are_lowercased_and_idna_encoded_and_targets_percent_encoded() -> None:
    target = _http("HTTP://Exämple.COM:80/Dir/Modèl.STL?q=a b".replace(" ", "%20"))
    assert (target.scheme, target.host, target.port) == ("http", "xn--exmple-cua.com", 80)
    assert target.target == "/Dir/Mod%C3%A8l.STL?q=a%20b"
    assert target.filename == "Modèl.STL"
    assert target.ip is None
    assert target.url == "http://xn--exmple-cua.com/Dir/Mod%C3%A8l.STL?q=a%20b"


@pytest.mark.parametrize(
    "url",
    [
        "http://user@example.com/x.stl",
        "http://user:pw@example.com/x.stl",
        "http://example.com@10.0.0.1/x.stl",
    ],
)
def test_userinfo_is_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="user name or password"):
        validate_url(url, MESH)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/x.stl",
        "gopher://example.com/x.stl",
        "javascript:alert(1)",
        "x.stl",
    ],
)
def test_unsupported_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="scheme"):
        validate_url(url, MESH)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com:99999/x.stl", "out of range"),
        ("http://example.com:0/x.stl", "out of range"),
        ("http://example.com:+80/x.stl", "malformed port"),
        ("http://::1/x.stl", "no host"),
        ("http:///x.stl", "no host"),
        ("http://[::1/x.stl", "Invalid IPv6"),
        ("http://[fe80::1%25eth0]/x.stl", "zone"),
        ("http://%31%32%37.0.0.1/x.stl", "percent-encoded"),
        ("http://exa mple.com/x.stl", "whitespace"),
        ("http://example.com\\@10.0.0.1/x.stl", "backslash"),
        ("http://example.com/x.stl\n", "control"),
        ("http://exa_mple-.com/x.stl", "not a valid DNS name"),
        ("http://a..b/x.stl", "not a valid DNS name"),
        ("http://localhost/x.stl", "local or internal"),
        ("http://api.localhost/x.stl", "local or internal"),
        ("http://metadata.google.internal/computeMetadata/v1/x.stl", "local or internal"),
        ("http://printer.local/x.stl", "local or internal"),
        ("http://example.com/x.stl%2Fy", "slash"),
    ],
)
def test_malformed_or_local_hosts_are_refused(url: str, message: str) -> None:
    with pytest.raises(UnsafeURLError, match=message):
        validate_url(url, MESH)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/model.STL",
        "https://example.com/a/model.glb?X-Amz-Signature=abc.exe",
        "https://example.com/%6Dodel.3mf#part.exe",
        "https://example.com/.obj",
    ],
)
def test_extension_is_taken_from_the_path_case_insensitively(url: str) -> None:
    _http(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/model.exe?file=model.stl",
        "https://example.com/model",
        "https://example.com/",
        "https://example.com/model.stl/",
        "https://example.com/model.stl.zip",
        "https://example.com/model.stl;.zip",
    ],
)
def test_bad_extensions_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="extension"):
        validate_url(url, frozenset({".glb", ".stl", ".obj"}))


def test_extension_check_is_skipped_when_no_set_is_given() -> None:
    assert _http("https://hooks.example.com/", None).filename == ""


def test_data_urls_bypass_the_extension_check() -> None:
    target = validate_url("data:model/gltf-binary;BASE64,Z2xURg==", frozenset({".stl"}))
    assert target == DataTarget(media_type="model/gltf-binary", base64=True, payload="Z2xURg==")
    plain = validate_url("DATA:,solid%20x", frozenset({".stl"}))
    assert plain == DataTarget(media_type=None, base64=False, payload="solid%20x")


def test_data_url_without_comma_is_refused() -> None:
    with pytest.raises(UnsafeURLError, match="comma"):
        validate_url("data:model/stl;base64", MESH)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("10.0.0.5", "RFC 1918"),
        ("172.31.255.255", "RFC 1918"),
        ("192.168.1.1", "RFC 1918"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("192.0.0.192", "IETF protocol"),
        ("192.0.2.10", "documentation"),
        ("198.51.100.1", "documentation"),
        ("203.0.113.7", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("198.19.255.254", "benchmarking"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("fd00:ec2::254", "cloud metadata"),
        ("fd12:3456::1", "unique local"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("3fff::1", "documentation"),
        ("100::1", "discard-only"),
        ("5f00::1", "reserved"),
        ("::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1, which is loopback"),
        ("::ffff:169.254.169.254", "IPv4-mapped 169.254.169.254, which is cloud metadata"),
        ("::127.0.0.1", "IPv4-compatible"),
        ("::8.8.8.8", "IPv4-compatible"),
        ("64:ff9b::127.0.0.1", "NAT64 of 127.0.0.1"),
        ("64:ff9b::10.1.2.3", "NAT64 of 10.1.2.3"),
        ("64:ff9b:1::a00:1", "local-use NAT64"),
        ("2002:7f00:1::", "6to4 of 127.0.0.1"),
        ("2002:a9fe:a9fe::1", "6to4 of 169.254.169.254"),
        # Teredo, client 127.0.0.1 (stored XOR-ed as 80ff:fffe) behind public server 65.54.227.120.
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo client 127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "IETF protocol"),
    ],
)
def test_non_public_addresses_are_refused_with_a_reason(address: str, reason: str) -> None:
    found = non_public_reason(ipaddress.ip_address(address))
    assert found is not None
    assert reason in found


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert non_public_reason(ipaddress.ip_address(address)) is None
    assert PUBLIC_ONLY.refusal(ipaddress.ip_address(address), 443) is None


def test_public_only_policy_refuses_loopback_on_every_port() -> None:
    assert PUBLIC_ONLY.refusal(ipaddress.IPv4Address("127.0.0.1"), 8080) == "loopback"


def test_loopback_test_policy_opens_exactly_one_address_and_port() -> None:
    policy = LoopbackTestPolicy(port=4321)
    loopback = ipaddress.IPv4Address("127.0.0.1")
    assert policy.refusal(loopback, 4321) is None
    assert policy.refusal(loopback, 4322) == "loopback"
    assert policy.refusal(ipaddress.IPv4Address("127.0.0.2"), 4321) == "loopback"
    assert policy.refusal(ipaddress.IPv6Address("::1"), 4321) == "loopback"
    assert policy.refusal(ipaddress.IPv6Address("::ffff:127.0.0.1"), 4321) is not None
    assert policy.refusal(ipaddress.IPv4Address("10.0.0.1"), 4321) is not None
    assert policy.refusal(ipaddress.IPv4Address("8.8.8.8"), 80) is None


def test_loopback_test_policy_rejects_impossible_ports() -> None:
    with pytest.raises(ValueError, match="out of range"):
        LoopbackTestPolicy(port=0)
