"""Edge finishing that never sinks a part, and the warnings it leaves for the user.

OCCT's fillet raises StdFail_NotDone when a radius does not fit the edges around it
(a 3 mm round next to a 2 mm wall, a shelled box's inner corners). A fillet is a
comfort feature, so instead of failing the whole generation we retry smaller radii
and, when none fits, skip it; either way the user is told through `warn`, which
`render` collects into the result. Collection is a context variable so concurrent
renders in one process (threads or tasks) never see each other's warnings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import cadquery as cq

from printforge_services.generator.solids import is_cad_failure

# Each retry halves the radius; below a quarter of what was asked the rounding is no
# longer what the user meant, so we report a skip instead.
FALLBACK_FACTORS = (1.0, 0.5, 0.25)
MIN_RADIUS_MM = 0.2

_warnings: ContextVar[list[str] | None] = ContextVar("catalog_warnings", default=None)


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Gather every `warn` issued inside the block into the yielded list."""
    collected: list[str] = []
    token = _warnings.set(collected)
    try:
        yield collected
    finally:
        _warnings.reset(token)


def warn(message: str) -> None:
    """Record a warning for the current render (dropped when nobody collects)."""
    collected = _warnings.get()
    if collected is not None and message not in collected:
        collected.append(message)


def fillet(
    shape: cq.Shape,
    edges: Sequence[cq.Edge],
    radius: float,
    what: str = "fillet",
    limit: float | None = None,
) -> cq.Shape:
    """`shape` with `edges` rounded by `radius`, or by the largest fallback that OCCT accepts.

    `limit` is the largest radius the geometry allows (e.g. a plate's thickness); a larger
    request is capped with a warning. Returns `shape` unchanged (with a warning) when no
    fallback radius works; a radius of 0 or no edges means "no fillet" and is silent.
    """

    if radius <= 0 or not edges:
        return shape
    if limit is not None and radius > limit:
        warn(f"{what}: {radius:g} mm capped at {limit:g} mm, the most this part allows")
        radius = limit
    for factor in FALLBACK_FACTORS:
        r = radius * factor
        if r < MIN_RADIUS_MM:
            break
        try:
            rounded = shape.fillet(r, list(edges))
        except Exception as exc:
            if not is_cad_failure(exc):
                raise
            continue
        if rounded.isValid() and len(rounded.Solids()) == 1:
            if factor < 1.0:
                warn(f"{what}: {radius:g} mm did not fit, used {r:g} mm")
            return rounded
    warn(f"{what}: skipped, no radius from {radius:g} mm down fits these edges")
    return shape
