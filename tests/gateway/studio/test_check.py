"""Check a print in a real browser: the analysis of a broken mesh drawn on the model, repair
with before/after and a download, a 20 MB upload's progress, and the 360 px layout.

Meshes are built here in code, so what the scene must show is known exactly: a 20 mm cube
without its top face has one hole bounded by 4 open edges.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import trimesh

from tests.gateway.studio.browser import screenshot, unlabelled_controls, wait_for_js

SCENE = "() => window.studio && window.studio.scenes"


def open_cube(file_type: str = "stl") -> bytes:
    """A 20 mm cube whose two top triangles are gone: one square hole, 4 open edges."""
    cube = trimesh.creation.box((20.0, 20.0, 20.0))
    cube.update_faces(cube.face_normals[:, 2] < 0.5)
    cube.remove_unreferenced_vertices()
    data = cube.export(file_type=file_type)
    return data.encode() if isinstance(data, str) else data  # OBJ and OFF come back as text


def open_cube_stl() -> bytes:
    return open_cube("stl")


def cube_missing_a_triangle_stl() -> bytes:
    """A 20 mm cube without one of its 12 triangles: a triangular hole, 3 open edges."""
    cube = trimesh.creation.box((20.0, 20.0, 20.0))
    cube.update_faces(np.arange(len(cube.faces)) != int(np.argmax(cube.face_normals[:, 2])))
    return cube.export(file_type="stl")


def finned_cube_stl() -> bytes:
    """A closed cube plus one triangle hanging off a top edge: that edge has three faces."""
    cube = trimesh.creation.box((20.0, 20.0, 20.0))
    top = next(i for i, n in enumerate(cube.face_normals) if n[2] > 0.5)
    a, b = cube.vertices[cube.faces[top][:2]]
    fin = np.vstack([cube.vertices, [(a + b) / 2 + [0.0, 0.0, 10.0]]])
    faces = np.vstack([cube.faces, [[cube.faces[top][0], cube.faces[top][1], len(fin) - 1]]])
    return trimesh.Trimesh(fin, faces, process=False).export(file_type="stl")


def big_stl() -> bytes:
    """About 20 MB of binary STL (409,600 triangles): two closed spheres."""
    spheres = [trimesh.creation.icosphere(7, 30.0), trimesh.creation.icosphere(6, 10.0)]
    spheres[1].apply_translation((60.0, 0.0, 0.0))
    return trimesh.util.concatenate(spheres).export(file_type="stl")


def drop_file(page, name: str, data: bytes) -> None:
    page.locator("#model-file").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    )


def test_analyze_draws_the_hole_in_red_and_reports_it(signed_in) -> None:
    page = signed_in
    drop_file(page, "open-cube.stl", open_cube_stl())
    page.locator("[data-metric=holes]").wait_for(timeout=90_000)
    assert page.locator("[data-metric=holes]").inner_text() == "1"
    assert page.locator("[data-metric=is_watertight]").inner_text() == "no"
    assert page.locator(".badge").get_attribute("data-status") == "error"
    scene = page.evaluate(SCENE)["before"]
    assert scene["webgl"] is True
    assert scene["triangles"] == 10
    assert scene["openEdgeSegments"] == 4  # the square rim of the hole, drawn in red
    assert scene["nonManifoldEdgeSegments"] == 0
    assert scene["bbox"]["size"] == [20, 20, 20]
    assert "open edges: 4" in page.locator(".legend").inner_text()
    assert unlabelled_controls(page) == []
    screenshot(page, "studio-check-analyze")


@pytest.mark.parametrize("file_type", ["obj", "ply", "off", "glb", "3mf"])
def test_every_format_is_drawn_with_its_hole(signed_in, file_type: str) -> None:
    """The three.js loaders (and the OFF reader) feed the same problem finder as STL."""
    page = signed_in
    drop_file(page, f"open-cube.{file_type}", open_cube(file_type))
    page.locator("[data-metric=holes]").wait_for(timeout=90_000)
    assert page.locator("[data-metric=holes]").inner_text() == "1"
    scene = page.evaluate(SCENE)["before"]
    assert (scene["triangles"], scene["openEdgeSegments"]) == (10, 4)
    assert [round(v, 3) for v in scene["bbox"]["size"]] == [20, 20, 20]


def test_non_manifold_edges_are_drawn_in_orange(signed_in) -> None:
    page = signed_in
    drop_file(page, "finned-cube.stl", finned_cube_stl())
    page.locator("[data-metric=non_manifold_edges]").wait_for(timeout=90_000)
    assert int(page.locator("[data-metric=non_manifold_edges]").inner_text()) >= 1
    scene = page.evaluate(SCENE)["before"]
    assert scene["nonManifoldEdgeSegments"] == 1  # the cube edge the fin hangs from
    assert scene["openEdgeSegments"] == 2  # the fin's two free sides


def test_repair_shows_before_and_after_and_downloads_a_watertight_file(signed_in) -> None:
    page = signed_in
    drop_file(page, "cube.stl", cube_missing_a_triangle_stl())
    page.locator("[data-metric=holes]").wait_for(timeout=90_000)
    page.get_by_role("button", name="Repair").click()
    link = page.locator("#download-repaired")
    link.wait_for(timeout=120_000)
    scenes = page.evaluate(SCENE)
    assert scenes["before"]["openEdgeSegments"] == 3
    assert scenes["after"]["openEdgeSegments"] == 0
    assert scenes["after"]["nonManifoldEdgeSegments"] == 0
    assert page.locator("[data-after=holes]").inner_text() == "0"
    assert page.get_by_text("After repair").is_visible()
    screenshot(page, "studio-check-repair")

    assert "/v1/files/" in link.get_attribute("href")  # a signed URL, no key in it
    with page.expect_download() as download:
        link.click()
    repaired = trimesh.load(io.BytesIO(download.value.path().read_bytes()), file_type="stl")
    assert repaired.is_watertight
    assert abs(repaired.volume - 8000.0) < 1.0  # the hole was capped, the cube kept


def test_a_20_mb_upload_shows_its_progress(signed_in, tmp_path) -> None:
    page = signed_in
    data = big_stl()
    assert 19 * 2**20 < len(data) < 21 * 2**20
    path = tmp_path / "spheres.stl"  # chosen by path: as a buffer, Playwright would ship it over its pipe
    path.write_bytes(data)
    # Loopback moves 27 MB of base64 in a blink; at 16 MB/s the upload takes about 2 s, so
    # the progress bar has time to move. The page records what its label says as it changes.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 16 * 2**20},
    )
    page.evaluate(
        """() => {
          window.seenProgress = [];
          const label = document.querySelector(".progress-label");
          new MutationObserver(() => window.seenProgress.push(label.textContent))
            .observe(label, { childList: true, characterData: true, subtree: true });
        }"""
    )
    page.locator("#model-file").set_input_files(path)
    page.locator("[data-metric=holes]").wait_for(timeout=150_000)
    seen = page.evaluate("() => window.seenProgress")
    uploads = [int(s.split()[1].rstrip("%")) for s in seen if s.startswith("Uploading ") and "%" in s]
    assert any(0 < pct < 100 for pct in uploads), seen
    assert uploads == sorted(uploads), seen
    assert "Analysis done" in seen
    size = f"% of {len(data) / 2**20:.1f} MB"
    assert all(s.endswith(size) for s in seen if s.startswith("Uploading ") and "%" in s), seen
    assert page.locator("[data-metric=holes]").inner_text() == "0"
    assert wait_for_js(page, "() => window.studio.scenes.before.triangles") == 409_600


def test_the_check_screen_fits_a_360_px_phone(signed_in) -> None:
    page = signed_in
    page.set_viewport_size({"width": 360, "height": 780})
    drop_file(page, "open-cube.stl", open_cube_stl())
    page.locator("[data-metric=holes]").wait_for(timeout=90_000)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    canvas = page.locator("canvas").first.bounding_box()
    assert canvas["width"] <= 360 and canvas["height"] > 100
    screenshot(page, "studio-check-360px")


def test_a_file_that_is_no_model_gets_a_clear_error(signed_in) -> None:
    page = signed_in
    drop_file(page, "notes.stl", b"these are my shopping notes, not a mesh\n" * 20)
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=90_000)
    assert alert.inner_text().startswith("Analysis failed: cannot read the model:"), alert.inner_text()
    assert page.locator("[data-metric=holes]").count() == 0
    assert page.get_by_role("button", name="Repair").is_disabled()
