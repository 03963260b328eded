"""One media-type table names data: payloads and extension-less downloads alike."""

from __future__ import annotations

import pytest

from printforge.runtime.mesh_media_types import MESH_MEDIA_TYPE_SUFFIX, suffix_for
from printforge_services.printability.inputs import ANALYZE_EXTENSIONS


@pytest.mark.parametrize(
    ("media_type", "suffix"),
    [
        ("model/stl", ".stl"),
        ("Model/STL; charset=binary", ".stl"),
        (" application/ply ", ".ply"),
        ("application/zip", ".zip"),
        ("application/octet-stream", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_suffix_for_reads_the_type_without_its_parameters_or_case(
    media_type: str | None, suffix: str
) -> None:
    assert suffix_for(media_type) == suffix


def test_every_named_suffix_is_a_format_the_analyzer_accepts() -> None:
    assert set(MESH_MEDIA_TYPE_SUFFIX.values()) <= ANALYZE_EXTENSIONS
