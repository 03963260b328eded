"""Static checks on user-supplied URLs and the rules for which IP addresses a server may dial.

Users hand us `model_url`s (and later webhook URLs) that our servers fetch. Without care such a
fetch is a server-side request forgery: `http://169.254.169.254/` reads cloud credentials,
`http://2130706433:6379/x.stl` pokes a loopback Redis. This module decides, without touching the
network, whether a URL is acceptable and which addresses may be dialled; `safe_fetch` then
resolves once, checks every answer here and connects only to a checked address.

Decisions worth knowing:

* Numeric hosts are read the way a browser (WHATWG URL) reads them, and any spelling other than
  canonical dotted decimal (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`, `1.2.3.4.`) is refused:
  resolvers, proxies and libraries disagree on those spellings, so accepting them invites
  "validated one address, connected to another".
* URLs with userinfo (`http://user:pass@host/`) are refused: the `user@` part is a classic way to
  make a URL look like it points elsewhere, and credentials would end up in task records and logs.
* A few names that by standard or cloud convention reach the machine or its LAN without public
  DNS (`localhost`, `*.localhost`, `*.internal` such as `metadata.google.internal`, ...) are refused
  outright; everything else is judged by the addresses it resolves to.
* The only way to let a fetch reach loopback is to construct `LoopbackTestPolicy` in code and pass
  it; nothing here reads environment variables or configuration.
"""

from __future__ import annotations

import ipaddress
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_FORBIDDEN_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_BLOCKED_NAMES = frozenset({"localhost", "metadata.goog", "metadata"})
_BLOCKED_SUFFIXES = (".localhost", ".internal", ".local", ".home.arpa")
# Everything but these is percent-encoded when we rebuild the request target for the wire.
_TARGET_SAFE = "!$%&'()*+,/:;=?@~-._"


class UnsafeURLError(ValueError):
    """The URL is malformed, unsupported or points somewhere a server must not go (an HTTP 400)."""


@dataclass(frozen=True)
class HttpTarget:
    """An http(s) URL that passed the static checks, split into the parts a fetch needs."""

    scheme: Literal["http", "https"]
    host: str
    """ASCII host: a lower-case DNS name (IDNA-encoded) or an IP literal without brackets."""
    port: int
    target: str
    """Path plus `?query`, percent-encoded for the request line; the fragment is dropped."""
    filename: str
    """Percent-decoded last path segment; may be empty (e.g. a webhook URL ending in `/`)."""
    ip: IPAddress | None
    """The address when the host is an IP literal; None for DNS names."""

    @property
    def authority(self) -> str:
        """Host (IPv6 in brackets) plus `:port` unless default: the Host header value."""
        host = f"[{self.host}]" if isinstance(self.ip, ipaddress.IPv6Address) else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """The canonical URL: what we actually request."""
        return f"{self.scheme}://{self.authority}{self.target}"


@dataclass(frozen=True)
class DataTarget:
    """A `data:` URL (RFC 2397); its payload is decoded later, under a size cap."""

    media_type: str | None
    """The declared media type (parameters included), or None when the URL declares none."""
    base64: bool
    payload: str
    """The still-encoded part after the comma."""


ParsedTarget = HttpTarget | DataTarget


def validate_url(url: str, allowed_extensions: frozenset[str] | None) -> ParsedTarget:
    """Check everything about `url` that needs no network; raise UnsafeURLError saying why not.

    `allowed_extensions` are lower-case suffixes with the dot (`frozenset({".stl", ".glb"})`),
    matched against the last segment of the URL path (the query string is ignored); None skips
    the check. `data:` URLs skip it too, as the Meshy API documents.
    """
    if not isinstance(url, str) or not url:
        raise UnsafeURLError("URL is empty")
    scheme, sep, _ = url.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https", "data"):
        raise UnsafeURLError(f"unsupported URL scheme {scheme!r}: use http, https or data")
    if scheme == "data":
        return _parse_data_url(url)
    target = parse_http_url(url)
    if allowed_extensions is not None:
        _check_extension(target.filename, allowed_extensions)
    return target


def parse_http_url(url: str) -> HttpTarget:
    """Parse an http(s) URL strictly (used for the first URL and for every redirect target)."""
    if _FORBIDDEN_URL_CHARS.search(url):
        raise UnsafeURLError("URL contains whitespace, control characters or backslashes")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise UnsafeURLError(f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeURLError(f"unsupported URL scheme {scheme!r}: use http or https")
    if "@" in parts.netloc:
        raise UnsafeURLError("URLs with a user name or password (user@host) are not accepted")
    raw_host, port = _split_host_port(parts.netloc, _DEFAULT_PORTS[scheme])
    host, ip = _normalise_host(raw_host)
    path = parts.path or "/"
    target = quote(path, safe=_TARGET_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_TARGET_SAFE)
    filename = unquote(path.rsplit("/", 1)[-1])
    if any(c in filename for c in "/\\\x00"):
        raise UnsafeURLError("the URL's last path segment decodes to a slash, backslash or NUL")
    web_scheme: Literal["http", "https"] = "https" if scheme == "https" else "http"
    return HttpTarget(scheme=web_scheme, host=host, port=port, target=target, filename=filename, ip=ip)


def _split_host_port(netloc: str, default_port: int) -> tuple[str, int]:
    if netloc.startswith("["):  # urlsplit has already refused an unterminated bracket
        inside, _, rest = netloc[1:].partition("]")
        host = f"[{inside}]"
    else:
        colon = netloc.find(":")
        host, rest = (netloc, "") if colon < 0 else (netloc[:colon], netloc[colon:])
    if not host:
        raise UnsafeURLError("URL has no host")
    if not rest or rest == ":":
        return host, default_port
    digits = rest[1:]
    if not rest.startswith(":") or not digits.isascii() or not digits.isdigit():
        raise UnsafeURLError(f"malformed port in {netloc!r}")
    port = int(digits)
    if not 1 <= port <= 65535:
        raise UnsafeURLError(f"port {port} is out of range")
    return host, port


def _normalise_host(raw: str) -> tuple[str, IPAddress | None]:
    """Return the ASCII host and, for IP literals, the address; refuse anything ambiguous."""
    if "%" in raw:
        raise UnsafeURLError("percent-encoded hosts and IPv6 zone identifiers are not accepted")
    if raw.startswith("["):
        try:
            address = ipaddress.IPv6Address(raw[1:-1])
        except ValueError as exc:
            raise UnsafeURLError(f"malformed IPv6 host {raw}") from exc
        return str(address), address
    try:
        host = raw.lower() if raw.isascii() else raw.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise UnsafeURLError(f"host {raw!r} is not a valid internationalised domain name") from exc
    if _ends_in_number(host):
        address = _whatwg_ipv4(host)
        if str(address) != host:
            raise UnsafeURLError(
                f"numeric host {raw!r} is not in canonical dotted form (a browser reads it as {address})"
            )
        return host, address
    name = host.removesuffix(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise UnsafeURLError(f"host {raw!r} is not a valid DNS name")
    if name in _BLOCKED_NAMES or name.endswith(_BLOCKED_SUFFIXES):
        raise UnsafeURLError(f"host {name!r} names a local or internal service")
    return host, None


def _ends_in_number(host: str) -> bool:
    """WHATWG "ends in a number": is the last (non-empty) label numeric?"""
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    last = labels[-1]
    if last.isascii() and last.isdigit():
        return True
    return _ipv4_number(last) is not None


def _ipv4_number(part: str) -> int | None:
    """WHATWG IPv4 number parser: decimal, 0x-hex (possibly empty) or 0-prefixed octal."""
    if part[:2].lower() == "0x":
        digits, base = part[2:], 16
        if not digits:
            return 0
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if not digits or not digits.isascii() or not digits.isalnum():
        return None
    try:
        return int(digits, base)
    except ValueError:
        return None


def _whatwg_ipv4(host: str) -> ipaddress.IPv4Address:
    parts = host.split(".")
    if parts[-1] == "":
        parts.pop()
    numbers = [_ipv4_number(part) if part else None for part in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise UnsafeURLError(f"host {host!r} ends in a number but is not a valid IPv4 address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise UnsafeURLError(f"host {host!r} is an out-of-range IPv4 address")
    value = values[-1]
    for index, n in enumerate(values[:-1]):
        value += n * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def _check_extension(filename: str, allowed: frozenset[str]) -> None:
    _, dot, ext = filename.rpartition(".")
    suffix = f".{ext.lower()}" if dot else ""
    if suffix not in allowed:
        expected = ", ".join(sorted(allowed))
        raise UnsafeURLError(
            f"unsupported file extension ({suffix or 'none'}) in the URL path; expected one of {expected}"
        )


def _parse_data_url(url: str) -> DataTarget:
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise UnsafeURLError("malformed data: URL: no comma before the payload")
    params = [p.strip() for p in unquote(header).split(";")]
    is_base64 = len(params) > 1 and params[-1].lower() == "base64"
    if is_base64:
        params.pop()
    media_type = ";".join(params).strip() or None
    return DataTarget(media_type=media_type, base64=is_base64, payload=payload)


# --- which addresses may be dialled -------------------------------------------------------------

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

_IPV4_REFUSED: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (_V4("169.254.169.254/32"), "cloud metadata service"),
    (_V4("0.0.0.0/8"), "unspecified / 'this network'"),
    (_V4("10.0.0.0/8"), "private (RFC 1918)"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT shared space (RFC 6598)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("172.16.0.0/12"), "private (RFC 1918)"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments"),
    (_V4("192.0.2.0/24"), "documentation (TEST-NET-1)"),
    (_V4("192.88.99.0/24"), "deprecated 6to4 relay anycast"),
    (_V4("192.168.0.0/16"), "private (RFC 1918)"),
    (_V4("198.18.0.0/15"), "benchmarking (RFC 2544)"),
    (_V4("198.51.100.0/24"), "documentation (TEST-NET-2)"),
    (_V4("203.0.113.0/24"), "documentation (TEST-NET-3)"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved / broadcast"),
)

_IPV6_REFUSED: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::/96"), "deprecated IPv4-compatible IPv6"),
    (_V6("::ffff:0:0:0/96"), "IPv4-translated IPv6 (SIIT)"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64 (RFC 8215)"),
    (_V6("100::/64"), "discard-only (RFC 6666)"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("2001::/23"), "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
    (_V6("3fff::/20"), "documentation (RFC 9637)"),
    (_V6("fd00:ec2::254/128"), "cloud metadata service"),
    (_V6("fc00::/7"), "unique local (ULA)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "deprecated site-local"),
    (_V6("ff00::/8"), "multicast"),
)
_IPV6_GLOBAL_UNICAST = _V6("2000::/3")
_NAT64_WELL_KNOWN = _V6("64:ff9b::/96")


def non_public_reason(address: IPAddress) -> str | None:
    """Why `address` is not a public unicast address a server may dial, or None if it is one."""
    if isinstance(address, ipaddress.IPv4Address):
        return _listed_reason(address, _IPV4_REFUSED) or _unless_global(address)
    for kind, inner in _embedded_ipv4(address):
        reason = non_public_reason(inner)
        if reason:
            return f"{kind} {inner}, which is {reason}"
    reason = _listed_reason(address, _IPV6_REFUSED)
    if reason:
        return reason
    if address.ipv4_mapped is not None:
        return None  # a public IPv4 address written in IPv6 form
    if address not in _IPV6_GLOBAL_UNICAST and address not in _NAT64_WELL_KNOWN:
        return "reserved (outside global unicast 2000::/3)"
    return _unless_global(address)


def _listed_reason(
    address: IPAddress, table: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...]
) -> str | None:
    return next((reason for network, reason in table if address in network), None)


def _unless_global(address: IPAddress) -> str | None:
    """Catch-all for IANA special-purpose ranges the explicit tables do not name."""
    return None if address.is_global else "not globally routable"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """IPv4 addresses an IPv6 address tunnels or translates to (mapped, NAT64, 6to4, Teredo)."""
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if address.ipv4_mapped is not None:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    if address in _NAT64_WELL_KNOWN:
        found.append(("NAT64 of", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    if address.sixtofour is not None:
        found.append(("6to4 of", address.sixtofour))
    if address.teredo is not None:
        server, client = address.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    return found


class AddressPolicy(ABC):
    """Decides which resolved addresses a server-side fetch may connect to."""

    @abstractmethod
    def refusal(self, address: IPAddress, port: int) -> str | None:
        """Why connecting to `address`:`port` is forbidden, or None when it is allowed."""


class PublicOnlyPolicy(AddressPolicy):
    """Production policy: only public unicast addresses, any port."""

    def refusal(self, address: IPAddress, port: int) -> str | None:
        return non_public_reason(address)


PUBLIC_ONLY = PublicOnlyPolicy()


@dataclass(frozen=True)
class LoopbackTestPolicy(AddressPolicy):
    """TESTS ONLY: public addresses plus exactly 127.0.0.1:`port` (a local stand-in server).

    There is deliberately no environment variable or setting that selects this policy; a test
    has to construct it and pass it to the fetch call.
    """

    port: int

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is out of range")

    def refusal(self, address: IPAddress, port: int) -> str | None:
        if address == ipaddress.IPv4Address("127.0.0.1") and port == self.port:
            return None
        return non_public_reason(address)
