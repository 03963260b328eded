"""Meshes built in code, so the suite means something without ../shared."""

from __future__ import annotations

import base64
import struct

import numpy as np

CUBE_VERTICES = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], dtype=float
)
CUBE_FACES = np.array(
    [
        [0, 2, 1],
        [0, 3, 2],  # bottom (z=0), normals down
        [4, 5, 6],
        [4, 6, 7],  # top
        [0, 1, 5],
        [0, 5, 4],  # front (y=0)
        [2, 3, 7],
        [2, 7, 6],  # back
        [1, 2, 6],
        [1, 6, 5],  # right (x=1)
        [3, 0, 4],
        [3, 4, 7],  # left
    ]
)


def cube(size_mm: float = 20.0) -> tuple[np.ndarray, np.ndarray]:
    return CUBE_VERTICES * size_mm, CUBE_FACES.copy()


def binary_stl(vertices: np.ndarray, faces: np.ndarray) -> bytes:
    tris = vertices[faces].astype("<f4")
    records = np.zeros(len(faces), dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
    records["v"] = tris
    return b"\0" * 80 + struct.pack("<I", len(faces)) + records.tobytes()


def data_url(data: bytes, mime: str = "model/stl") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"
