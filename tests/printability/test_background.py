"""Background: the value or the error of a call made on another thread comes back on result()."""

from __future__ import annotations

import threading

import pytest

from printforge_services.printability.background import Background


def test_result_is_the_return_value_computed_on_another_thread() -> None:
    def which_thread(x: int) -> tuple[int, int]:
        return x * 2, threading.get_ident()

    value, ident = Background(which_thread, 21).result()
    assert value == 42
    assert ident != threading.get_ident()


def test_error_is_raised_on_result() -> None:
    def fail() -> None:
        raise ValueError("bad block")

    task = Background(fail)
    with pytest.raises(ValueError, match="bad block"):
        task.result()
