"""Template registry: lookup by (kind, id), lazy gifts, and render's refusal of bad builds."""

from __future__ import annotations

import cadquery as cq
import pytest

from printforge_services.generator.catalog import STARTERS, UnknownTemplateError, get_template, list_templates
from printforge_services.generator.catalog.template import Template
from printforge_services.generator.manifest import Param, ParamError
from printforge_services.generator.render import render
from printforge_services.generator.solids import GeometryError


def test_kinds_are_separate_registries() -> None:
    starters = list_templates("starter")
    gifts = list_templates("gift")
    assert [t.id for t in starters] == sorted(t.id for t in starters)
    assert all(t.kind == "starter" for t in starters)
    assert all(t.kind == "gift" for t in gifts)
    assert not {t.id for t in starters} & {t.id for t in gifts}


def test_unknown_kind_and_id() -> None:
    with pytest.raises(UnknownTemplateError, match="kind"):
        list_templates("widget")
    with pytest.raises(UnknownTemplateError, match="unknown gift 'nope'"):
        get_template("gift", "nope")


def test_duplicate_param_names_are_rejected() -> None:
    p = Param("w", "W", "number", 1.0, min=0, max=2)
    with pytest.raises(ValueError, match="duplicate"):
        Template("x", "starter", "X", "", (p, p), build=lambda v: cq.Workplane().box(1, 1, 1))


def _register(monkeypatch: pytest.MonkeyPatch, build) -> None:  # type: ignore[no-untyped-def]
    size = Param("size", "Size", "number", 10.0, min=1, max=50)
    monkeypatch.setitem(STARTERS, "probe", Template("probe", "starter", "Probe", "", (size,), build=build))


def test_occt_failure_becomes_geometry_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # a 20 mm fillet on a 10 mm cube is impossible: OCCT raises StdFail_NotDone
    _register(monkeypatch, lambda v: cq.Workplane().box(v["size"], v["size"], v["size"]).edges().fillet(20))
    with pytest.raises(GeometryError, match="probe"):
        render("starter", "probe", {})


def test_param_error_from_build_passes_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(v: dict) -> cq.Workplane:
        raise ParamError({"size": "text does not fit"})

    _register(monkeypatch, build)
    with pytest.raises(ParamError) as info:
        render("starter", "probe", {"size": 5})
    assert info.value.errors == {"size": "text does not fit"}


def test_two_bodies_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _register(
        monkeypatch,
        lambda v: cq.Workplane().box(5, 5, 5).union(cq.Workplane().box(5, 5, 5).translate((v["size"], 0, 0))),
    )
    with pytest.raises(GeometryError, match="exactly one solid, the template built 2"):
        render("starter", "probe", {"size": 20})
    assert render("starter", "probe", {"size": 4}, formats=()).size_mm == pytest.approx((9, 5, 5))
