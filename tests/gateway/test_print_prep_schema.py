"""The OpenAPI models of `printability.print_prep` describe every key of the object the service builds."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import BaseModel

from printforge_services.gateway.print_prep_schema import PrintPrep
from printforge_services.gateway.schemas import Printability
from printforge_services.printability.printprep.report import print_prep
from printforge_services.printability.printprep.request import PrepRequest
from tests.printability.printprep.shapes import box, t_shape, union


def _undescribed(model: BaseModel, where: str = "print_prep") -> list[str]:
    """Keys that reached a model only as extras (the models allow them, so nothing is dropped)."""
    found = [f"{where}.{key}" for key in model.model_extra or {}]
    for name in type(model).model_fields:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, BaseModel):
                found += _undescribed(child, f"{where}.{name}")
    return found


@pytest.mark.parametrize(
    "request_fields",
    [
        {"printer": "Prusa MK3S+", "material": "PETG", "auto_orient": True},  # the slicer runs
        {"auto_orient": True},  # no printer: an estimate with a reason and nulls
    ],
)
def test_every_key_of_the_object_is_described(request_fields: dict) -> None:
    part = union(t_shape(), box((0.3, 8, 4), (0, 0, 27)))  # a thin fin: thin-wall regions present
    built = json.loads(
        json.dumps(
            print_prep(np.asarray(part.vertices), np.asarray(part.faces), PrepRequest(**request_fields))
        )
    )
    model = PrintPrep.model_validate(built)
    assert _undescribed(model) == []
    assert model.model_dump(mode="json", by_alias=True) == built


def test_a_plain_analyze_has_no_print_prep_key_and_a_prepared_one_keeps_it() -> None:
    metrics = {
        "is_watertight": True,
        "volume": 8.0,
        "non_manifold_edges": 0,
        "degenerate_faces": 0,
        "holes": 0,
    }
    counts = {"issue_count": 0, "error_count": 0, "warning_count": 0}
    plain = {
        "_version": "v1",
        "status": "healthy",
        **counts,
        "metrics": metrics,
        "evaluated_at": 1,
        "extra": {},
    }
    assert Printability.model_validate(plain).model_dump(mode="json", by_alias=True) == plain
    built = json.loads(
        json.dumps(
            print_prep(
                np.asarray(box((20, 20, 20)).vertices),
                np.asarray(box((20, 20, 20)).faces),
                PrepRequest(auto_orient=True),
            )
        )
    )
    prepared = {**plain, "print_prep": built}
    assert Printability.model_validate(prepared).model_dump(mode="json", by_alias=True) == prepared


def test_the_openapi_document_types_print_prep() -> None:
    schema = Printability.model_json_schema(mode="serialization")
    refs = json.dumps(schema["properties"]["print_prep"])
    assert "PrintPrep" in refs
    prep = schema["$defs"]["PrintPrep"]
    assert {"_version", "thin_walls", "overhangs", "print_estimate"} <= set(prep["properties"])
