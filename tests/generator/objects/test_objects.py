"""The object table: discovery across modules and prompt lookup."""

from __future__ import annotations

from services.generator.objects import OBJECTS, find_objects


def test_every_module_is_gathered_with_unique_ids() -> None:
    assert {"bike_helmet", "raspberry_pi_4", "nema_17"} <= set(OBJECTS)
    assert all(obj.source for obj in OBJECTS.values())


def test_prompt_words_find_the_object() -> None:
    assert [o.id for o in find_objects("wall hook for a bike helmet")][:1] == ["bike_helmet"]
    assert [o.id for o in find_objects("a motor mount for a NEMA-17")][:1] == ["nema_17"]
    assert find_objects("a dragon") == []
