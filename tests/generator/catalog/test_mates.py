"""Mating-object solids and the interference measure the fit tests rely on."""

from __future__ import annotations

import math

import cadquery as cq
import pytest

from printforge_services.generator.catalog.mates import (
    bearing,
    board,
    d_shaft,
    fan,
    interference,
    maker_object,
)


def test_interference_is_the_shared_volume() -> None:
    a = cq.Solid.makeBox(10, 10, 10)
    assert interference(a, cq.Solid.makeBox(10, 10, 10, cq.Vector(5, 5, 5))) == pytest.approx(125.0, rel=1e-6)
    assert interference(a, cq.Solid.makeBox(10, 10, 10, cq.Vector(10, 0, 0))) == pytest.approx(0.0, abs=1e-9)
    shaft = cq.Solid.makeCylinder(2.0, 10)
    bore = cq.Solid.makeBox(10, 10, 10, cq.Vector(-5, -5, 0)).cut(
        cq.Solid.makeCylinder(2.1, 12, cq.Vector(0, 0, -1))
    )
    assert interference(bore, shaft) == pytest.approx(0.0, abs=1e-6)
    assert interference(bore, cq.Solid.makeCylinder(2.3, 10)) == pytest.approx(
        math.pi * (2.3**2 - 2.1**2) * 10, rel=0.02
    )


def test_object_solids_have_their_table_dimensions() -> None:
    assert d_shaft(6.0, 1.5, 10).Volume() < math.pi * 9 * 10
    ring = bearing(8.0, 22.0, 7.0)
    assert ring.Volume() == pytest.approx(math.pi * (11**2 - 4**2) * 7, rel=1e-6)
    pi = board(maker_object("raspberry_pi_4"))
    box = pi.BoundingBox()
    assert box.zlen == pytest.approx(1.4 + 16.0, abs=1e-3) and box.xlen == pytest.approx(85.0 + 2.5, abs=1e-3)
    assert fan(maker_object("fan_40")).BoundingBox().zmax == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(KeyError, match="known"):
        maker_object("flux_capacitor")
