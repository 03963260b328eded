"""`Background`: one function call on a second thread, its result or error handed back on `result()`.

The analyzer runs on 2-core machines where numpy releases the GIL inside its loops and sorts, so a
second thread doing independent array work really runs on the other core.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Background(threading.Thread):
    """`function(*args)` in a thread started at once; `result()` joins it and re-raises its error."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        super().__init__(name=f"printability-{getattr(function, '__name__', 'work')}", daemon=True)
        self._call = (function, args)
        self._value: Any = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        function, args = self._call
        try:
            self._value = function(*args)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def result(self) -> Any:
        self.join()
        if self._error is not None:
            raise self._error
        return self._value
