"""The studio's problem finder (mesh_problems.js) and model reader (model_loading.js), run in
the real browser on inputs whose answers are known. The modules are served from the studio
folder by a plain loopback HTTP server: they compute, they call no API."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from printforge_services.gateway.routes.studio import STUDIO_DIR

# Two triangles facing down (clockwise seen from above): one on the bed (z = 0), one 5 mm up.
DOWN_FACES = [0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 5, 0, 1, 5, 1, 0, 5]
# A closed tetrahedron, then the same with one face missing (3 open edges), as OFF text.
TETRA_OFF = "OFF\n4 4 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n"
OPEN_TETRA_OFF = "OFF\n# comment\n4 3 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n"
QUAD_OFF = "OFF\n4 1 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3 255 0 0\n"


@pytest.fixture(scope="module")
def static_url() -> Iterator[str]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(STUDIO_DIR))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def modules(page, static_url: str):
    page.goto(f"{static_url}/index.html")
    return page


def problems(page, positions: list[float]) -> dict:
    return page.evaluate(
        """async (positions) => {
          const { findProblems } = await import("/mesh_problems.js");
          const p = findProblems(new Float32Array(positions));
          return { triangles: p.triangles, open: p.openEdges.length / 6,
                   nonManifold: p.nonManifoldEdges.length / 6, overhangs: Array.from(p.overhangFaces) };
        }""",
        positions,
    )


def off_problems(page, text: str) -> dict:
    return page.evaluate(
        """async (text) => {
          const { loadTriangles } = await import("/model_loading.js");
          const { findProblems } = await import("/mesh_problems.js");
          const soup = await loadTriangles(new TextEncoder().encode(text).buffer, "off");
          const p = findProblems(soup);
          const nonManifold = p.nonManifoldEdges.length / 6;
          return { triangles: p.triangles, open: p.openEdges.length / 6, nonManifold };
        }""",
        text,
    )


def test_a_closed_mesh_has_no_open_edges_and_a_missing_face_leaves_three(modules) -> None:
    assert off_problems(modules, TETRA_OFF) == {"triangles": 4, "open": 0, "nonManifold": 0}
    assert off_problems(modules, OPEN_TETRA_OFF) == {"triangles": 3, "open": 3, "nonManifold": 0}


def test_an_off_polygon_is_fanned_into_triangles(modules) -> None:
    assert off_problems(modules, QUAD_OFF) == {"triangles": 2, "open": 4, "nonManifold": 0}


def test_an_edge_with_three_faces_is_non_manifold(modules) -> None:
    # Three triangles on the edge (0,0,0)-(1,0,0), their third corners at +y, -y and +z.
    fan = [*(0, 0, 0, 1, 0, 0, 0, 1, 0), *(0, 0, 0, 1, 0, 0, 0, -1, 0), *(0, 0, 0, 1, 0, 0, 0, 0, 1)]
    result = problems(modules, fan)
    assert result["nonManifold"] == 1  # the shared x-axis edge
    assert result["open"] == 6  # two free sides of each triangle


def test_a_face_pointing_down_is_an_overhang_unless_it_rests_on_the_bed(modules) -> None:
    assert problems(modules, DOWN_FACES)["overhangs"] == [0, 1]


def test_thin_wall_regions_are_read_from_a_report_when_present(modules) -> None:
    reports = [
        {"metrics": {"holes": 0}, "extra": {}},
        {"extra": {"thin_walls": [{"center": [1, 2, 3]}, {"min": [0, 0, 0], "max": [2, 4, 6]}]}},
        {"print_prep": {"thin_wall_regions": [{"position": [5, 5, 5], "thickness_mm": 0.3}]}},
    ]
    found = modules.evaluate(
        """async (reports) => {
          const { thinWallPoints } = await import("/mesh_problems.js");
          return reports.map(thinWallPoints);
        }""",
        reports,
    )
    assert found == [[], [[1, 2, 3], [1, 2, 3]], [[5, 5, 5]]]
