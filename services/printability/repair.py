"""Repair a mesh until our own analyzer calls it healthy, without moving the surface.

Local fixes first (see `repair_steps`): they keep every input face that can be kept, so the result is
the input plus patches. The cycle repeats (a collapse or a fill can expose new problems) until the
analyzer is satisfied. When it is not, or when the patches are too large to be faithful (a sheet, a
soup, a box missing a side), the volumetric fallback rebuilds the surface at a resolution that meets
the faithfulness bounds. Whatever happens, the result says which steps ran and how far the surface
moved; it never silently returns a mesh that is worse than it claims.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.printability import topology
from services.printability.analyze import Measurement, analyze, measure
from services.printability.mesh_io import LoadedMesh
from services.printability.patched import measure_patched
from services.printability.repair_steps import (
    cleanup,
    coplanar,
    degenerate,
    holes,
    nonmanifold,
    orient,
    quick,
    sheets,
    volumetric,
)
from services.printability.repair_steps.faithfulness import p99_distance
from services.printability.repair_steps.work import WorkMesh

#: p99 distance from the input surface to the output, % of the bounding-box diagonal.
MAX_INPUT_TO_OUTPUT_PCT = 1.0
#: p99 distance from the output surface to the input (what repair adds), % of the diagonal.
MAX_OUTPUT_TO_INPUT_PCT = 5.0
LOCAL_CYCLES = 4
VOLUMETRIC_RESOLUTIONS = (200, 320)

Progress = Callable[[int], None]


class RepairError(ValueError):
    """The mesh cannot be repaired (it holds no triangles); the message says why."""


@dataclass
class RepairResult:
    vertices: np.ndarray  # (n, 3) float64 millimetres
    faces: np.ndarray  # (m, 3) int64
    steps_ran: list[str]  # steps that changed the mesh, in first-run order
    before: dict[str, Any]  # analyzer printability block of the input
    after: dict[str, Any]  # analyzer printability block of the output
    faithfulness: dict[str, float]  # p99_input_to_output_pct, p99_output_to_input_pct
    changes: dict[str, int] = field(default_factory=dict)  # step -> faces/vertices/loops it touched

    @property
    def healthy(self) -> bool:
        return self.after.get("status") == "healthy"

    @property
    def faithful(self) -> bool:
        return (
            self.faithfulness["p99_input_to_output_pct"] <= MAX_INPUT_TO_OUTPUT_PCT
            and self.faithfulness["p99_output_to_input_pct"] <= MAX_OUTPUT_TO_INPUT_PCT
        )

    def report(self) -> dict[str, Any]:
        """JSON-ready summary (no geometry)."""
        return {
            "before": self.before,
            "after": self.after,
            "steps_ran": list(self.steps_ran),
            "changes": dict(self.changes),
            "faithfulness": dict(self.faithfulness),
            "faces": len(self.faces),
            "vertices": len(self.vertices),
        }


class _Log:
    def __init__(self) -> None:
        self.changes: dict[str, int] = {}

    def run(self, name: str, step: Callable[[WorkMesh], int], work: WorkMesh) -> int:
        count = step(work)
        if count:
            self.changes[name] = self.changes.get(name, 0) + count
        return count


def _as_loaded(vertices: np.ndarray, faces: np.ndarray, like: LoadedMesh) -> LoadedMesh:
    return LoadedMesh(vertices, faces, like.unit_to_m, like.source_format, bool(len(faces)))


def _local_cycle(work: WorkMesh, log: _Log) -> None:
    log.run("weld", cleanup.weld, work)
    log.run("remove_collapsed_faces", cleanup.remove_collapsed, work)
    log.run("remove_duplicate_faces", cleanup.remove_duplicates, work)
    log.run("split_nonmanifold", nonmanifold.split_fans, work)
    log.run("drop_nonmanifold_faces", nonmanifold.drop_nonmanifold_faces, work)
    log.run("orient_consistently", orient.make_consistent, work)
    log.run("fix_degenerate_faces", degenerate.fix_degenerate, work)
    log.run("fill_holes", holes.fill_holes, work)
    log.run("orient_outward", orient.orient_outward, work)
    log.run("thicken_sheets", sheets.thicken_sheets, work)
    work.compact()


def _faithfulness(
    mesh: LoadedMesh, work: WorkMesh, doubled_areas: np.ndarray | None = None
) -> dict[str, float]:
    """p99 distances both ways; `doubled_areas` of the work faces when known (they weight the samples).

    Output to input counts created faces that continue a flat input face in its own plane
    (`coplanar.continuing_faces`, the missing half of a coarse cube's side) like kept faces: they
    add no surface off the input's planes, which is what that bound is there to catch.
    """
    kept_input = np.zeros(len(mesh.faces), dtype=bool)
    kept_input[work.origin[work.origin >= 0]] = True
    diagonal = work.diagonal or 1.0
    forward = p99_distance(mesh.vertices, mesh.faces, work.vertices, work.faces, kept_input)
    backward = p99_distance(
        work.vertices,
        work.faces,
        mesh.vertices,
        mesh.faces,
        (work.origin >= 0) | coplanar.continuing_faces(work),
        src_doubled_areas=doubled_areas,
    )
    return {
        "p99_input_to_output_pct": 100.0 * forward / diagonal,
        "p99_output_to_input_pct": 100.0 * backward / diagonal,
    }


def _attempt(
    mesh: LoadedMesh, work: WorkMesh, log: _Log, cycles: int, measured: Measurement | None = None
) -> tuple[dict[str, Any], dict[str, float]]:
    """Local cycles until healthy; `measured` (the analysis of `work`) allows the quick first cycle.

    After a quick cycle that only appended patches to the measured mesh, the analysis of the result
    is the measured one plus the patches (`patched.measure_patched`), not a second full analysis.
    """
    after: dict[str, Any] = {}
    patched_measure: Measurement | None = None
    for cycle in range(cycles):
        quick_ran = cycle == 0 and measured is not None and quick.run(work, measured, log.run)
        if not quick_ran:
            _local_cycle(work, log)
        patched_measure = None
        if quick_ran and measured is not None and work.vertices is measured.vertices:
            patched_measure = measure_patched(measured, work.faces)  # quick.run never moves a vertex
        if patched_measure is not None:
            after = patched_measure.block
        else:
            after = analyze(_as_loaded(work.vertices, work.faces, mesh))
        if after["status"] in ("healthy", "unknown"):
            break
    areas = patched_measure.doubled_areas if patched_measure is not None else None
    return after, _faithfulness(mesh, work, areas)


def repair(mesh: LoadedMesh, progress: Progress | None = None) -> RepairResult:
    """Repair `mesh` (millimetres); the result is in millimetres too.

    Raises RepairError when the mesh holds no triangles or none of them has an area.
    """
    report = progress or (lambda _pct: None)
    if not mesh.has_triangles or len(mesh.faces) == 0:
        raise RepairError("the mesh holds no triangles to repair")
    measured = measure(mesh)
    _require_area(measured)
    before = measured.block
    report(5)
    work, log = _welded(mesh, measured)
    after, faithful = _attempt(mesh, work, log, LOCAL_CYCLES, measured)
    best = (work, log, after, faithful)
    report(50)
    if not _good(after, faithful):
        for resolution in VOLUMETRIC_RESOLUTIONS:
            vol_log = _Log()
            vertices, faces = volumetric.remesh(mesh.vertices, mesh.faces, work.diagonal, resolution)
            vol_log.changes[f"volumetric_remesh_{resolution}"] = len(faces)
            vol_work = WorkMesh(vertices, faces, np.full(len(faces), -1, dtype=np.int64), work.diagonal)
            vol_after, vol_faithful = _attempt(mesh, vol_work, vol_log, 2)
            candidate = (vol_work, vol_log, vol_after, vol_faithful)
            if _rank(candidate) < _rank(best):
                best = candidate
            if _good(vol_after, vol_faithful):
                break
            report(75)
    work, log, after, faithful = best
    report(100)
    return RepairResult(
        vertices=work.vertices,
        faces=work.faces,
        steps_ran=list(log.changes),
        before=before,
        after=after,
        faithfulness=faithful,
        changes=log.changes,
    )


def _require_area(measured: Measurement) -> None:
    """Refuse a model whose every triangle is degenerate (by the analyzer's own test).

    Such a model describes no surface: every local step deletes all of it and the volumetric
    fallback has nothing (or a zero-size box) to rebuild, so there is no part to return. Saying so
    is the only honest answer; it also keeps a 40-byte file from costing any real work.
    """
    areas = measured.doubled_areas
    diagonal = measured.diagonal
    if areas is None or diagonal <= 0.0 or topology.flat_faces(areas, diagonal).all():
        raise RepairError(
            "nothing to repair: the model has no area (every triangle is collapsed to a point or a line)"
        )


def _welded(mesh: LoadedMesh, measured: Measurement) -> tuple[WorkMesh, _Log]:
    """The work mesh after the first cycle's weld, which the analysis of the input has already done.

    `cleanup.weld` would compute the very same (unique vertices, welded faces); the cycle still runs
    it, as a no-op on vertices that are all distinct.
    """
    assert measured.vertices is not None and measured.faces is not None
    faces = measured.faces
    work = WorkMesh(measured.vertices, faces, np.arange(len(faces), dtype=np.int64), measured.diagonal)
    log = _Log()
    merged = len(mesh.vertices) - len(measured.vertices)
    if merged:
        log.changes["weld"] = merged
    return work, log


def _good(after: dict[str, Any], faithful: dict[str, float]) -> bool:
    return (
        after.get("status") == "healthy"
        and faithful["p99_input_to_output_pct"] <= MAX_INPUT_TO_OUTPUT_PCT
        and faithful["p99_output_to_input_pct"] <= MAX_OUTPUT_TO_INPUT_PCT
    )


def _rank(candidate: tuple[WorkMesh, _Log, dict[str, Any], dict[str, float]]) -> tuple[int, int, float]:
    """Sort key: healthy first, then faithful, then smaller input-to-output distance."""
    _, _, after, faithful = candidate
    unfaithful = not (
        faithful["p99_input_to_output_pct"] <= MAX_INPUT_TO_OUTPUT_PCT
        and faithful["p99_output_to_input_pct"] <= MAX_OUTPUT_TO_INPUT_PCT
    )
    return (after.get("status") != "healthy", int(unfaithful), faithful["p99_input_to_output_pct"])
