"""The mesh -> PNG preview renderer: what it draws, what it refuses, and its decimation of big meshes.

Images are read back with Pillow and judged by their pixels (coverage, shades, agreement between
the decimated and the full render), not by bytes of a reference file.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
import trimesh
from PIL import Image

from printforge.runtime import mesh_preview
from printforge.runtime.mesh_preview import PreviewError, cluster_vertices, decimate, render_png
from tests.conftest import REPO_ROOT
from tests.fixtures_meshes import cube


def _rgba(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGBA")).astype(int)


def _torus(major_sections: int, minor_sections: int) -> tuple[np.ndarray, np.ndarray]:
    mesh = trimesh.creation.torus(
        major_radius=30, minor_radius=10, major_sections=major_sections, minor_sections=minor_sections
    )
    return np.asarray(mesh.vertices, dtype=float), np.asarray(mesh.faces, dtype=np.int64)


def test_a_cube_shows_three_differently_shaded_sides() -> None:
    pixels = _rgba(render_png(*cube(20)))
    assert pixels.shape == (256, 256, 4)
    covered = (pixels[..., 3] > 0).mean()
    assert 0.2 < covered < 0.9  # fills the frame without being clipped
    opaque = pixels[pixels[..., 3] == 255][:, :3]
    shades, counts = np.unique(opaque, axis=0, return_counts=True)
    big = shades[counts > 1500]  # the three visible sides; edges blend into a few odd pixels
    assert len(big) == 3, shades[counts > 100]
    assert len({int(s.sum()) for s in big}) == 3


def test_only_triangles_facing_the_camera_are_drawn() -> None:
    vertices = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 0.0, 10.0]])
    drawn = [_rgba(render_png(vertices, faces))[..., 3].max() for faces in ([[0, 1, 2]], [[0, 2, 1]])]
    assert sorted(drawn) == [0, 255]


def test_size_and_background_are_honoured() -> None:
    pixels = _rgba(render_png(*cube(5), size=64, background=(255, 255, 255, 255)))
    assert pixels.shape == (64, 64, 4)
    assert (pixels[0, 0] == 255).all() and (pixels[..., 3] == 255).all()
    assert (pixels[..., :3] < 250).any(axis=-1).mean() > 0.2  # the part is there


def test_the_same_mesh_gives_the_same_image() -> None:
    vertices, faces = _torus(64, 32)
    assert render_png(vertices, faces, max_triangles=1000) == render_png(vertices, faces, max_triangles=1000)


def test_a_decimated_render_looks_like_the_full_one() -> None:
    vertices, faces = _torus(256, 100)  # 51,200 triangles
    full = _rgba(render_png(vertices, faces, max_triangles=len(faces)))
    light = _rgba(render_png(vertices, faces, max_triangles=20_000))  # clustered at ~8 px cells
    full_mask, light_mask = full[..., 3] > 127, light[..., 3] > 127
    iou = (full_mask & light_mask).sum() / (full_mask | light_mask).sum()
    assert iou > 0.98
    both = full_mask & light_mask
    assert np.abs(full[both][:, :3] - light[both][:, :3]).mean() < 4  # same shading, within a few levels


def test_decimate_keeps_at_most_the_cap() -> None:
    vertices, faces = _torus(256, 100)
    view = vertices @ mesh_preview._VIEW.T
    scale = 512 * 0.9 / np.ptp(view[:, [0, 2]], axis=0).max()
    merged, kept = decimate(view, faces, scale, 5000, max_cell=8.0)
    assert 1000 < len(kept) <= 5000
    assert kept.max() < len(merged) and len(merged) < len(vertices)


def test_decimate_falls_back_to_sampling_when_clustering_cannot_reach_the_cap() -> None:
    rng = np.random.default_rng(1)
    vertices = rng.uniform(0, 100, size=(30_000, 3))  # a triangle soup: no two faces share a cell
    faces = rng.integers(0, len(vertices), size=(10_000, 3))
    merged, kept = decimate(vertices, faces, 5.12, 300, max_cell=8.0)
    assert len(kept) == 300 and kept.max() < len(merged)
    assert len(merged) > 20_000  # cells stayed small: the soup was sampled, not merged away


def test_long_slivers_over_the_work_budget_are_merged_without_a_visible_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A finely divided cylinder: thousands of full-height slivers, each a few rows of work."""
    mesh = trimesh.creation.cylinder(radius=5, height=100, sections=3000)
    vertices, faces = np.asarray(mesh.vertices), np.asarray(mesh.faces)
    full = _rgba(render_png(vertices, faces))
    clustered: list[tuple[int, int]] = []

    def spy(view: np.ndarray, faces: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
        merged = cluster_vertices(view, faces, cell)
        clustered.append((len(faces), len(merged[1])))
        return merged

    monkeypatch.setattr(mesh_preview, "WORK_BUDGET", 300_000)
    monkeypatch.setattr(mesh_preview, "cluster_vertices", spy)
    light = _rgba(render_png(vertices, faces))
    assert len(clustered) == 1 and clustered[0][1] < clustered[0][0] / 4  # the slivers really went
    full_mask, light_mask = full[..., 3] > 127, light[..., 3] > 127
    assert (full_mask & light_mask).sum() / (full_mask | light_mask).sum() > 0.99
    assert np.abs(full[full_mask & light_mask][:, :3] - light[full_mask & light_mask][:, :3]).mean() < 2


def test_a_soup_of_large_overlapping_triangles_still_draws_quickly() -> None:
    """Far over the work budget: the nearest triangles are drawn, the picture is not empty."""
    rng = np.random.default_rng(2)
    vertices = rng.uniform(0, 100, size=(3000, 3))
    faces = rng.integers(0, len(vertices), size=(200_000, 3))
    pixels = _rgba(render_png(vertices, faces))
    assert (pixels[..., 3] > 0).mean() > 0.3


def test_the_work_budget_keeps_the_nearest_triangles() -> None:
    near = [[0, 0, 1.0], [100, 0, 1.0], [0, 100, 1.0]]
    far = [[0, 0, 5.0], [100, 0, 5.0], [0, 100, 5.0]]
    tiny = [[0, 0, 9.0], [1, 0, 9.0], [0, 1, 9.0]]
    screen = np.array([far, near, tiny])
    assert mesh_preview.nearest_within_budget(screen, 10**6) is None
    assert mesh_preview.nearest_within_budget(screen, 5205).tolist() == [1]  # 5000 + 200 + 1 each
    assert mesh_preview.nearest_within_budget(screen, 10_403).tolist() == [0, 1]


def test_cluster_vertices_merges_a_cell_into_its_mean_and_drops_collapsed_triangles() -> None:
    vertices = np.array([[0.1, 0.1, 0.1], [0.3, 0.3, 0.3], [5.5, 0.5, 0.5], [0.5, 5.5, 0.5], [5.5, 5.5, 0.5]])
    faces = np.array([[0, 2, 3], [1, 3, 4], [0, 1, 2]])  # the last has two corners in one cell
    merged, kept = cluster_vertices(vertices, faces, 1.0)
    assert len(merged) == 4 and len(kept) == 2
    first = merged[kept[0, 0]]
    assert first == pytest.approx([0.2, 0.2, 0.2])
    assert (kept[0, 0] == kept[1, 0]) and merged[kept[1, 2]] == pytest.approx([5.5, 5.5, 0.5])


def test_cluster_vertices_handles_more_cells_than_one_integer_key_holds() -> None:
    vertices = np.array([[0.0, 0.0, 0.0], [1e7, 0.0, 0.0], [0.0, 1e7, 0.0], [0.0, 0.0, 1e7], [1e-9, 0, 0]])
    faces = np.array([[0, 1, 2], [1, 3, 2], [0, 4, 3]])
    merged, kept = cluster_vertices(vertices, faces, 1e-6)  # (1e13)^3 cells: rows compared, not keys
    # cells sorted: (0,0,0) holds vertices 0 and 4, then (0,0,1e13), (0,1e13,0), (1e13,0,0)
    assert kept.tolist() == [[0, 3, 2], [3, 1, 2]]
    assert merged[0] == pytest.approx([5e-10, 0, 0], abs=1e-15) and merged[3] == pytest.approx([1e7, 0, 0])


@pytest.mark.parametrize(
    ("vertices", "faces", "says"),
    [
        (np.zeros((3, 3)), np.zeros((0, 3), dtype=int), "no triangles"),
        (np.zeros((3, 3)), np.array([[0, 1, 3]]), "does not exist"),
        (np.array([[0, 0, 0], [1, 0, 0], [0, np.nan, 1.0]]), np.array([[0, 1, 2]]), "non-finite"),
    ],
)
def test_input_that_cannot_be_drawn_is_refused(vertices: np.ndarray, faces: np.ndarray, says: str) -> None:
    with pytest.raises(PreviewError, match=says):
        render_png(vertices, faces)


def test_importing_the_renderer_does_not_load_cadquery() -> None:
    """Printability workers draw previews and must not pay for (or depend on) OCCT."""
    code = (
        "import sys, printforge.runtime.mesh_preview\n"
        "assert not {'cadquery', 'OCP'} & set(sys.modules), sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True, timeout=60)
