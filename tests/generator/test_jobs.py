"""A template render tells the user what the template adjusted (a fillet cut down to fit)."""

from __future__ import annotations

from printforge_services.generator.jobs import render_template


def test_adjusted_fillet_is_reported_in_the_interpretation_notes() -> None:
    adjusted = render_template("starter", "box_with_lid", {"part": "lid", "fillet_radius": 5})
    assert adjusted["interpretation"] == {
        "notes": ["lid edge fillet: 5 mm capped at 1.8 mm, the most this part allows"]
    }
    assert render_template("starter", "box_with_lid", {"part": "lid"})["interpretation"] is None
