from __future__ import annotations

import pytest

from printforge_services.printability.printprep.request import (
    PrepRequest,
    UnknownMaterialError,
    canonical_material,
)


def test_materials_are_case_insensitive_and_unknown_ones_list_the_known() -> None:
    assert canonical_material(" petg ") == "PETG"
    with pytest.raises(UnknownMaterialError, match="known materials: PLA, PETG, ABS"):
        canonical_material("unobtainium")


def test_a_request_wants_print_prep_only_when_it_names_something() -> None:
    assert not PrepRequest().wanted
    assert PrepRequest(printer="mk3s").wanted and PrepRequest(material="PLA").wanted
    assert PrepRequest(auto_orient=True).wanted
