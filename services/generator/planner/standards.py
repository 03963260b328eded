"""Tables from the ISO standards the hardware families follow, keyed by metric size.

Kept as data so "M8 bolt", "M3 clearance hole" and "make it M10" all resolve to the
same published numbers instead of rules of thumb scattered through the CAD code.
"""

from __future__ import annotations

from dataclasses import dataclass

# ISO 4017 hex head screw (s = across flats, k = head height) and ISO 4032 nut height m.
HEX_HEAD: dict[float, tuple[float, float, float]] = {
    1.6: (3.2, 1.1, 1.3),
    2: (4.0, 1.4, 1.6),
    2.5: (5.0, 1.7, 2.0),
    3: (5.5, 2.0, 2.4),
    4: (7.0, 2.8, 3.2),
    5: (8.0, 3.5, 4.7),
    6: (10.0, 4.0, 5.2),
    8: (13.0, 5.3, 6.8),
    10: (16.0, 6.4, 8.4),
    12: (18.0, 7.5, 10.8),
    14: (21.0, 8.8, 12.8),
    16: (24.0, 10.0, 14.8),
    20: (30.0, 12.5, 18.0),
    24: (36.0, 15.0, 21.5),
    30: (46.0, 18.7, 25.6),
    36: (55.0, 22.5, 31.0),
}
# ISO 7089 plain washer: d1 (inner), d2 (outer), h (thickness).
WASHER: dict[float, tuple[float, float, float]] = {
    1.6: (1.7, 4.0, 0.3),
    2: (2.2, 5.0, 0.3),
    2.5: (2.7, 6.0, 0.5),
    3: (3.2, 7.0, 0.5),
    4: (4.3, 9.0, 0.8),
    5: (5.3, 10.0, 1.0),
    6: (6.4, 12.0, 1.6),
    8: (8.4, 16.0, 1.6),
    10: (10.5, 20.0, 2.0),
    12: (13.0, 24.0, 2.5),
    14: (15.0, 28.0, 2.5),
    16: (17.0, 30.0, 3.0),
    20: (21.0, 37.0, 3.0),
    24: (25.0, 44.0, 4.0),
    30: (31.0, 56.0, 4.0),
    36: (37.0, 66.0, 5.0),
}
# ISO 273 clearance holes: fine, medium, coarse.
CLEARANCE: dict[float, tuple[float, float, float]] = {
    1.6: (1.7, 1.8, 2.0),
    2: (2.2, 2.4, 2.6),
    2.5: (2.7, 2.9, 3.1),
    3: (3.2, 3.4, 3.6),
    4: (4.3, 4.5, 4.8),
    5: (5.3, 5.5, 5.8),
    6: (6.4, 6.6, 7.0),
    8: (8.4, 9.0, 10.0),
    10: (10.5, 11.0, 12.0),
    12: (13.0, 13.5, 14.5),
    14: (15.0, 15.5, 16.5),
    16: (17.0, 17.5, 18.5),
    20: (21.0, 22.0, 24.0),
    24: (25.0, 26.0, 28.0),
    30: (31.0, 33.0, 35.0),
    36: (37.0, 39.0, 42.0),
}
# ISO 261 coarse pitch, for tap drill = d - pitch.
PITCH: dict[float, float] = {
    1.6: 0.35,
    2: 0.4,
    2.5: 0.45,
    3: 0.5,
    4: 0.7,
    5: 0.8,
    6: 1.0,
    8: 1.25,
    10: 1.5,
    12: 1.75,
    14: 2.0,
    16: 2.0,
    20: 2.5,
    24: 3.0,
    30: 3.5,
    36: 4.0,
}
# ISO 4762 socket head: head diameter dk (head height k = d) for counterbores.
SOCKET_HEAD: dict[float, float] = {
    1.6: 3.0,
    2: 3.8,
    2.5: 4.5,
    3: 5.5,
    4: 7.0,
    5: 8.5,
    6: 10.0,
    8: 13.0,
    10: 16.0,
    12: 18.0,
    14: 21.0,
    16: 24.0,
    20: 30.0,
    24: 36.0,
    30: 45.0,
    36: 54.0,
}
# Heat-set inserts for printed parts (hole diameter, hole depth), common M2..M8 sizes.
INSERT: dict[float, tuple[float, float]] = {
    2: (3.2, 4.0),
    2.5: (3.5, 5.0),
    3: (4.0, 5.7),
    4: (5.6, 8.1),
    5: (6.4, 9.5),
    6: (8.0, 12.7),
    8: (9.7, 12.7),
}
# NEMA motor faces: (face width, screw spacing, pilot boss diameter, screw size).
NEMA: dict[int, tuple[float, float, float, float]] = {
    8: (20.3, 16.0, 15.0, 2),
    11: (28.2, 23.0, 22.0, 2.5),
    14: (35.2, 26.0, 22.0, 3),
    17: (42.3, 31.0, 22.0, 3),
    23: (56.4, 47.14, 38.1, 5),
    34: (86.0, 69.6, 73.0, 5),
}

SIZES: tuple[float, ...] = tuple(HEX_HEAD)
SIZE_NAMES: tuple[str, ...] = tuple(f"M{s:g}" for s in SIZES)


class UnknownSizeError(ValueError):
    """A metric size that the tables do not list."""


@dataclass(frozen=True)
class Thread:
    """A metric thread size and the numbers the families need from it."""

    size: float

    @property
    def name(self) -> str:
        return f"M{self.size:g}"

    def clearance(self, fit: str = "medium") -> float:
        return CLEARANCE[self.size][("fine", "medium", "coarse").index(fit)]

    @property
    def tap_drill(self) -> float:
        return round(self.size - PITCH[self.size], 2)

    @property
    def head(self) -> tuple[float, float]:
        """(across flats, head height) of an ISO 4017 hex bolt."""
        s, k, _ = HEX_HEAD[self.size]
        return s, k

    @property
    def nut(self) -> tuple[float, float]:
        """(across flats, height) of an ISO 4032 hex nut."""
        s, _, m = HEX_HEAD[self.size]
        return s, m

    @property
    def washer(self) -> tuple[float, float, float]:
        return WASHER[self.size]

    @property
    def counterbore(self) -> tuple[float, float]:
        """(diameter, depth) that sinks an ISO 4762 socket head flush, with clearance."""
        return SOCKET_HEAD[self.size] + 1.0, self.size + 0.5

    @property
    def countersink(self) -> float:
        """Head diameter of an ISO 10642 countersunk screw (90°)."""
        return 2.0 * self.size

    @property
    def insert(self) -> tuple[float, float]:
        if self.size not in INSERT:
            raise UnknownSizeError(f"no heat-set insert size for {self.name}; known: {sorted(INSERT)}")
        return INSERT[self.size]


def thread(size: float | str) -> Thread:
    """Thread('M8'), Thread(8) → Thread; raises UnknownSizeError listing the known sizes."""
    value = float(str(size).lower().lstrip("m")) if isinstance(size, str) else float(size)
    for known in SIZES:
        if abs(known - value) < 1e-9:
            return Thread(known)
    raise UnknownSizeError(f"M{value:g} is not a standard metric size; known: {', '.join(SIZE_NAMES)}")
