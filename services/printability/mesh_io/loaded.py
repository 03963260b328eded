"""What every reader produces (`LoadedMesh`), the error they raise (`MeshLoadError`), and units.

Units: `LoadedMesh.vertices` are always millimetres. STL, OBJ, PLY, OFF and FBX carry no unit we
trust, so the caller's `unit` applies (default mm); glTF/GLB are metres (glTF spec) and 3MF uses its
`unit` attribute, both regardless of `unit`. `unit_to_m` records the file's unit in metres, i.e. the
file coordinates were multiplied by `unit_to_m * 1000` (exactly 1.0 for millimetre files, which are
left untouched).
"""

from __future__ import annotations

import numpy as np

from printforge_services.printability.topology import is_triangle_soup

#: metres per unit, for the `unit` argument (STL/OBJ/PLY/OFF/FBX) and the 3MF `unit` attribute.
UNIT_TO_M: dict[str, float] = {
    "micron": 1e-6,
    "um": 1e-6,
    "mm": 1e-3,
    "millimeter": 1e-3,
    "millimetre": 1e-3,
    "cm": 1e-2,
    "centimeter": 1e-2,
    "centimetre": 1e-2,
    "m": 1.0,
    "meter": 1.0,
    "metre": 1.0,
    "in": 0.0254,
    "inch": 0.0254,
    "ft": 0.3048,
    "foot": 0.3048,
}


class MeshLoadError(ValueError):
    """The bytes cannot be read as a mesh; the message says why (format, and line or byte where known)."""


class LoadedMesh:
    """All triangles of a file, concatenated, unwelded, in millimetres.

    `faces` index `vertices`; polygons are fan-triangulated, nothing is merged or dropped (except
    "faces" with fewer than three corners, which are lines or points, not surfaces).

    A binary STL stays a triangle soup: `soup` is a (m, 3, 3) view of the float32 corners in the
    file's own records, and `vertices` (widened to float64) and `faces` (0 .. 3m-1) are built only
    when asked for. The analyzer needs neither (it welds and measures the soup block by block), and
    for a 1.3M-triangle file they are 125 MB that would be written once and never read.
    """

    def __init__(
        self,
        vertices: np.ndarray | None,
        faces: np.ndarray | None,
        unit_to_m: float,
        source_format: str,
        has_triangles: bool,
        soup: np.ndarray | None = None,
    ) -> None:
        self._vertices = vertices  # (n, 3) float64, millimetres, transforms applied
        self._faces = faces  # (m, 3) int64
        self._soup = soup  # (m, 3, 3) float, millimetres: given for binary STL, else found on demand
        self.unit_to_m = unit_to_m  # metres per file unit; vertices = file coordinates * unit_to_m * 1000
        self.source_format = source_format
        self.has_triangles = has_triangles

    @classmethod
    def from_soup(cls, corners: np.ndarray, unit_to_m: float, source_format: str) -> LoadedMesh:
        """A mesh whose face i is corners[i] (any float dtype and strides), built lazily from them."""
        return cls(None, None, unit_to_m, source_format, bool(len(corners)), soup=corners)

    @property
    def vertices(self) -> np.ndarray:
        if self._vertices is None:
            assert self._soup is not None
            # One widening copy straight from the strided view, then a free reshape of the result.
            self._vertices = np.array(self._soup, dtype=np.float64).reshape(-1, 3)
        return self._vertices

    @property
    def faces(self) -> np.ndarray:
        if self._faces is None:
            assert self._soup is not None
            self._faces = np.arange(3 * len(self._soup), dtype=np.int64).reshape(-1, 3)
        return self._faces

    @property
    def soup(self) -> np.ndarray | None:
        """(m, 3, 3) face corners when every face has its own three vertices in order, else None."""
        if self._soup is None and is_triangle_soup(self.faces, len(self.vertices)):
            self._soup = self.vertices.reshape(-1, 3, 3)
        return self._soup


def unit_to_m(unit: str) -> float:
    """Metres per `unit` (a key of UNIT_TO_M, any case); MeshLoadError for an unknown unit."""
    try:
        return UNIT_TO_M[unit.strip().lower()]
    except KeyError:
        raise MeshLoadError(f"unknown unit {unit!r}; use one of mm, cm, m, in") from None


def all_finite(values: np.ndarray) -> bool:
    """No NaN or infinity, without a 10 MB boolean temporary per million vertices.

    A finite sum proves every value finite (NaN and infinities propagate, and +inf + -inf is NaN):
    one reduction, 2.5x faster than min and max on a binary STL's strided float32 records. A sum
    that overflowed is not proof of anything, so then min and max decide (they propagate NaN,
    and an infinity is the min or the max).
    """
    if values.size == 0:
        return True
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(values.sum()):
            return True
    return bool(np.isfinite(values.min()) and np.isfinite(values.max()))


def empty() -> tuple[np.ndarray, np.ndarray]:
    """(vertices, faces) of a file that holds no triangle."""
    return np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64)


def check_indices(faces: np.ndarray, n_vertices: int, what: str) -> None:
    """MeshLoadError naming `what` when a face refers to a vertex that does not exist."""
    if faces.size and (faces.min() < 0 or faces.max() >= n_vertices):
        bad = int(faces.max() if faces.max() >= n_vertices else faces.min())
        raise MeshLoadError(f"{what}: face references vertex {bad} but only {n_vertices} vertices exist")
