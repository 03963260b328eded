"""Measure a built solid the way the prompt expectations are written: sorted bounding-box
dimensions, volume, and genus from the Euler characteristic of the welded mesh."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cadquery as cq
import numpy as np
import trimesh

from printforge_services.generator.export import tessellate

DEFAULT_ABS = 0.1
VOLUME_REL = 0.005


@dataclass(frozen=True)
class Measured:
    dims: tuple[float, float, float]
    volume: float
    genus: int
    watertight: bool
    bodies: int


def measure(shape: cq.Shape) -> Measured:
    box = shape.BoundingBox(optimal=True) if _supports_optimal() else shape.BoundingBox()
    dims = tuple(sorted((box.xlen, box.ylen, box.zlen)))
    mesh = tessellate(shape, 0.2, 0.5)
    tm = trimesh.Trimesh(np.asarray(mesh.vertices), np.asarray(mesh.faces), process=True)
    edges = tm.edges_unique
    euler = len(tm.vertices) - len(edges) + len(tm.faces)
    bodies = len(tm.split(only_watertight=False))
    genus = round((2 - euler) / 2)
    return Measured(dims, shape.Volume(), genus, bool(tm.is_watertight), bodies)


def _supports_optimal() -> bool:
    import inspect

    return "optimal" in inspect.signature(cq.Shape.BoundingBox).parameters


def check(shape: cq.Shape, expect: Mapping[str, Any]) -> Measured:
    """Assert every expectation key present in `expect`; returns the measurements."""
    m = measure(shape)
    tol = expect.get("abs", DEFAULT_ABS)
    assert len(shape.Solids()) == 1 and m.bodies == 1, f"expected one body, got {m.bodies}"
    assert m.watertight, "mesh is not watertight"
    if "dims" in expect:
        want = sorted(expect["dims"])
        assert np.allclose(m.dims, want, atol=tol), f"dims {m.dims} != {want}"
    if "largest2" in expect:
        assert np.allclose(m.dims[1:], sorted(expect["largest2"]), atol=tol), f"dims {m.dims}"
    if "min_largest2" in expect:
        assert all(a >= b - tol for a, b in zip(m.dims[1:], sorted(expect["min_largest2"]), strict=True)), (
            m.dims
        )
    if "smallest" in expect:
        assert abs(m.dims[0] - expect["smallest"]) <= tol, f"smallest {m.dims[0]} != {expect['smallest']}"
    if "max_dim_range" in expect:
        lo, hi = expect["max_dim_range"]
        assert lo <= m.dims[2] <= hi, f"largest dimension {m.dims[2]} outside {lo}..{hi}"
    if "volume" in expect:
        want = expect["volume"]
        assert abs(m.volume - want) <= max(VOLUME_REL * want, 0.5), f"volume {m.volume:.2f} != {want:.2f}"
    if "genus" in expect:
        assert m.genus == expect["genus"], f"genus {m.genus} != {expect['genus']}"
    return m
