"""The addresses that mean "this pod" once every pod of an overlay shares this machine's loopback.

Tests may only talk to loopback, so each local pod binds 127.0.0.1 (its "pod IP"); the wildcard
binds a container needs to receive Service traffic, and the addresses a pod uses to reach itself,
are recognised by these sets wherever a manifest or a config file holds them.
"""

from __future__ import annotations

LOOPBACK = "127.0.0.1"
# Listen on every interface: right in a container, loopback here.
WILDCARDS = frozenset({"0.0.0.0", "::", "[::]"})
# The pod's own network namespace: a port of the same pod.
POD_LOCAL = frozenset({"127.0.0.1", "localhost", "::1"})
