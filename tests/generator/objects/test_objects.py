"""The object table: discovery across modules and prompt lookup."""

from __future__ import annotations

from printforge_services.generator.objects import OBJECTS, find_objects


def test_every_module_is_gathered_with_unique_ids() -> None:
    assert {"bike_helmet", "raspberry_pi_4", "nema_17"} <= set(OBJECTS)
    assert all(obj.source for obj in OBJECTS.values())


def test_prompt_words_find_the_object() -> None:
    assert [o.id for o in find_objects("wall hook for a bike helmet")][:1] == ["bike_helmet"]
    assert [o.id for o in find_objects("a motor mount for a NEMA-17")][:1] == ["nema_17"]
    assert find_objects("a dragon") == []


def test_board_holes_and_ports_lie_on_the_board() -> None:
    for board_id in ("raspberry_pi_4", "raspberry_pi_5", "arduino_uno"):
        board = OBJECTS[board_id]
        length, width, _ = board.size
        assert len(board.features["holes"]) == 4
        for x, y in board.features["holes"]:
            assert 0 < x < length and 0 < y < width
        for edge, start, end, top in board.features["ports"]:
            along = length if edge in ("y0", "y1") else width
            assert 0 <= start < end <= along and top > 0, (board_id, edge)
    pi = OBJECTS["raspberry_pi_4"].features["holes"]
    assert (pi[1][0] - pi[0][0], pi[2][1] - pi[0][1]) == (58.0, 49.0)  # the published 58 x 49 pattern


def test_motor_faces_come_from_the_standards_table() -> None:
    from printforge_services.generator.planner.standards import NEMA

    for frame in (14, 17, 23):
        motor = OBJECTS[f"nema_{frame}"]
        assert motor.size[0] == NEMA[frame][0]
        assert motor.features["hole_spacing"] == NEMA[frame][1]
    assert [o.id for o in find_objects("mount for a nema 23 stepper")][:1] == ["nema_23"]


def test_fans_bearings_and_shafts_are_self_consistent() -> None:
    for size in (40, 60, 80, 120):
        fan = OBJECTS[f"fan_{size}"].features
        assert fan["hub_d"] < fan["blade_d"] < size
        assert fan["hole_spacing"] + fan["hole_d"] < size
    bearing = OBJECTS["bearing_608"].features
    assert (bearing["bore"], bearing["outer_d"], bearing["width"]) == (8.0, 22.0, 7.0)
    for shaft in ("d_shaft_3", "d_shaft_5", "d_shaft_6"):
        f = OBJECTS[shaft].features
        assert 0 < f["flat"] < f["diameter"] / 2
    assert [o.id for o in find_objects("knob for a 608zz")][:1] == ["bearing_608"]
    assert [o.id for o in find_objects("guard for a 120mm fan")][:1] == ["fan_120"]


def test_fasteners_reuse_the_iso_tables() -> None:
    from printforge_services.generator.planner.standards import thread

    for size in (2, 2.5, 3, 4, 5, 6, 8):
        screw = OBJECTS[f"m{size:g}_screw".replace(".", "_")].features
        t = thread(size)
        assert screw["clearance_d"] == t.clearance() and screw["nut"] == t.nut
        assert screw["insert"] == t.insert


def test_packages_import_in_any_order() -> None:
    """objects imports planner.standards (ISO tables) and the catalog's Gridfinity spec; the
    catalog reads objects lazily. A cycle would only show when a process imports one of
    them first, so each goes first in a fresh interpreter."""
    import subprocess
    import sys

    for first in ("objects", "catalog", "planner"):
        generator = "printforge_services.generator"
        code = f"import {generator}.{first}; import {generator}.objects as o; assert o.OBJECTS"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (first, done.stderr[-2000:])
