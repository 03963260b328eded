"""A running mesh shared by the integration tests of one module."""

from __future__ import annotations

import pytest

from tests.integration.mesh import Mesh, start_mesh


@pytest.fixture(scope="module")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Mesh:
    mesh = start_mesh(tmp_path_factory.mktemp("mesh"), {"PRINTFORGE_TASK_LEASE_S": "3"})
    yield mesh
    mesh.stop()


@pytest.fixture(scope="module")
def alice(mesh: Mesh) -> dict[str, str]:
    """Bearer headers of a user of the module's mesh (whichever `mesh` fixture the module uses)."""
    return {"Authorization": f"Bearer {mesh.create_key('alice')}"}


@pytest.fixture(scope="module")
def bob(mesh: Mesh) -> dict[str, str]:
    """A second user, for ownership checks."""
    return {"Authorization": f"Bearer {mesh.create_key('bob')}"}
