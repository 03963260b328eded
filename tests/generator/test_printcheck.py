"""ensure_printable against a real PrintabilityService on loopback (its server, its worker pool).

The repair branch is what matters here: a generated part that the analyzer does not call healthy
must come back repaired (STL and 3MF both), with the analysis recorded on the generation saying
so. The parts are built in code: a finely split cube with two holes punched in it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest
import pytest_asyncio

from printforge.printability.v1 import printability_pb2_grpc as ppb_grpc
from printforge.runtime.config import Settings
from printforge.runtime.grpc_channels import open_channel
from printforge.runtime.grpc_server import ServerOptions, start_server
from printforge_services.generator.printcheck import PrintCheckError, ensure_printable
from printforge_services.printability import server as printability_server
from printforge_services.printability.analyze import analyze
from printforge_services.printability.mesh_export import export_mesh
from printforge_services.printability.mesh_io import load_mesh
from tests.fixtures_meshes import binary_stl, cube
from tests.printability import repair_fixtures

pytestmark = pytest.mark.asyncio(loop_scope="module")

TIMEOUT_S = 120


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stub(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ppb_grpc.PrintabilityServiceStub]:
    """A printability server on an ephemeral loopback port with one worker process."""
    data = tmp_path_factory.mktemp("printability")
    settings = Settings.from_env({"PRINTFORGE_DATA_DIR": str(data), "PRINTFORGE_WORKER_PROCESSES": "1"})
    options = ServerOptions.for_service(settings, "printability")
    running = await start_server(printability_server.build_spec(settings), "127.0.0.1", 0, options)
    try:
        target = f"127.0.0.1:{running.port}"
        async with open_channel(target, caller="generator", token_key=options.token_key) as channel:
            yield ppb_grpc.PrintabilityServiceStub(channel)
    finally:
        await running.stop(0)


def _status(data: bytes, filename: str) -> str:
    """Our own in-process read of the bytes handed out, beside what the server reported."""
    return analyze(load_mesh(data, filename))["status"]


async def test_unhealthy_part_is_repaired_and_the_analysis_says_so(
    stub: ppb_grpc.PrintabilityServiceStub,
) -> None:
    vertices, faces = repair_fixtures.cube_with_holes()
    files = {
        "stl": binary_stl(vertices, faces),
        "3mf": export_mesh(vertices, faces, "3mf"),
        "glb": export_mesh(vertices, faces, "glb"),  # not a repaired format: handed out as it is
    }
    assert _status(files["stl"], "part.stl") != "healthy"

    out, analysis = await ensure_printable(stub, files, TIMEOUT_S)

    assert analysis["repaired"] is True
    assert analysis["status"] == "healthy", analysis["printability"]["metrics"]
    assert analysis["printability"]["status"] == "healthy"
    assert analysis["before"]["status"] == "error"
    assert analysis["before"]["metrics"]["holes"] == 2
    assert analysis["repair"]["after"]["status"] == "healthy"
    assert "fill_holes" in analysis["repair"]["steps_ran"]
    # the bytes handed out are the repaired ones, in their own formats
    assert out["stl"] != files["stl"] and _status(out["stl"], "part.stl") == "healthy"
    assert out["3mf"] != files["3mf"] and _status(out["3mf"], "part.3mf") == "healthy"
    assert out["glb"] is files["glb"]
    repaired = load_mesh(out["stl"], "part.stl").vertices
    np.testing.assert_allclose(repaired.min(axis=0), vertices.min(axis=0), atol=1e-3)
    np.testing.assert_allclose(repaired.max(axis=0), vertices.max(axis=0), atol=1e-3)


async def test_healthy_part_is_handed_out_untouched(stub: ppb_grpc.PrintabilityServiceStub) -> None:
    files = {"stl": binary_stl(*cube(20.0)), "3mf": export_mesh(*cube(20.0), "3mf")}
    out, analysis = await ensure_printable(stub, files, TIMEOUT_S)
    assert out is files
    assert analysis["repaired"] is False and analysis["status"] == "healthy"
    assert set(analysis) == {"status", "printability", "repaired"}


async def test_unreadable_part_is_a_print_check_error(stub: ppb_grpc.PrintabilityServiceStub) -> None:
    with pytest.raises(PrintCheckError, match=r"INVALID_ARGUMENT.*truncated"):
        await ensure_printable(stub, {"stl": binary_stl(*cube(5.0))[:-10]}, TIMEOUT_S)
