"""Repair a mesh until our own analyzer calls it healthy, without moving the surface.

Local fixes first (see `repair_steps`): they keep every input face that can be kept, so the result is
the input plus patches. The cycle repeats (a collapse or a fill can expose new problems) until the
analyzer is satisfied. Sheets (zero-volume panels) become shells of the requested wall behind their
faces (`repair_steps.sheets`). When the result is still not healthy and faithful (the patches invent too
much surface: a box missing a side, a gable roof closed into an attic), a second attempt shells every
open body instead of filling it; only when that fails too does the volumetric fallback rebuild the
surface at a resolution that meets the faithfulness bounds. Whatever happens, the result says which
steps ran and how far the surface moved; it never silently returns a mesh that is worse than it claims.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.analyze import Measurement, analyze, measure
from printforge_services.printability.mesh_io import LoadedMesh
from printforge_services.printability.patched import measure_patched
from printforge_services.printability.repair_steps import (
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
from printforge_services.printability.repair_steps.faithfulness import p99_distance
from printforge_services.printability.repair_steps.work import SHELL, WorkMesh

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
    shell_wall_mm: float | None = None  # wall of the shells sheets became; None when none did

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
            "shell_wall_mm": self.shell_wall_mm,
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


def _local_cycle(work: WorkMesh, log: _Log, wall: float, shell_open: bool = False) -> None:
    """One pass of every local step; `shell_open` shells open bodies instead of filling their holes.

    When no edge has three or more faces, the vertices with several fans are pinches of holes
    (a soup missing a tenth of its faces has thousands): the holes are filled first, which joins
    the fans again, and only fans still apart afterwards (bodies touching at a vertex) are split.
    Splitting first would cut loose every face between two holes as a body of its own.
    """
    log.run("weld", cleanup.weld, work)
    log.run("remove_collapsed_faces", cleanup.remove_collapsed, work)
    log.run("remove_duplicate_faces", cleanup.remove_duplicates, work)
    edge_manifold = nonmanifold.edge_manifold(work)
    if not edge_manifold:
        log.run("split_nonmanifold", nonmanifold.split_fans, work)
        log.run("drop_nonmanifold_faces", nonmanifold.drop_nonmanifold_faces, work)
    log.run("orient_consistently", orient.make_consistent, work)
    log.run("fix_degenerate_faces", degenerate.fix_degenerate, work)
    if shell_open:
        log.run("shell_open_bodies", partial(sheets.shell_open_bodies, wall=wall), work)
    log.run("fill_holes", holes.fill_holes, work)
    if edge_manifold:
        log.run("split_nonmanifold", nonmanifold.split_fans, work)
    log.run("orient_outward", orient.orient_outward, work)
    log.run("thicken_sheets", partial(sheets.thicken_sheets, wall=wall), work)
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
    mesh: LoadedMesh,
    work: WorkMesh,
    log: _Log,
    cycles: int,
    wall: float,
    measured: Measurement | None = None,
    shell_open: bool = False,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Local cycles until healthy; `measured` (the analysis of `work`) allows the quick first cycle.

    `shell_open` makes the first cycle shell the open bodies instead of filling them.

    After a quick cycle that only appended patches to the measured mesh, the analysis of the result
    is the measured one plus the patches (`patched.measure_patched`), not a second full analysis.
    """
    after: dict[str, Any] = {}
    patched_measure: Measurement | None = None
    for cycle in range(cycles):
        quick_ran = cycle == 0 and measured is not None and quick.run(work, measured, log.run, wall)
        if not quick_ran:
            _local_cycle(work, log, wall, shell_open and cycle == 0)
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


def repair(
    mesh: LoadedMesh, progress: Progress | None = None, min_wall: float = sheets.DEFAULT_WALL_MM
) -> RepairResult:
    """Repair `mesh` (millimetres); the result is in millimetres too.

    `min_wall` (mm) is the wall sheets are thickened to (capped at `sheets.MAX_WALL_FRACTION` of
    the diagonal). Raises RepairError when the mesh holds no triangles or none of them has an area,
    or when `min_wall` is not a positive number.
    """
    report = progress or (lambda _pct: None)
    if not (isinstance(min_wall, (int, float)) and math.isfinite(min_wall) and min_wall > 0):
        raise RepairError(f"the minimum wall must be a positive number of millimetres, not {min_wall!r}")
    if not mesh.has_triangles or len(mesh.faces) == 0:
        raise RepairError("the mesh holds no triangles to repair")
    measured = measure(mesh)
    _require_area(measured)
    before = measured.block
    report(5)
    work, log = _welded(mesh, measured)
    after, faithful = _attempt(mesh, work, log, LOCAL_CYCLES, min_wall, measured)
    best = (work, log, after, faithful)
    report(40)
    if not _good(after, faithful):
        shell_work, shell_log = _welded(mesh, measured)
        shell_after, shell_faithful = _attempt(
            mesh, shell_work, shell_log, LOCAL_CYCLES, min_wall, shell_open=True
        )
        candidate = (shell_work, shell_log, shell_after, shell_faithful)
        if _rank(candidate) < _rank(best):
            best = candidate
        report(50)
    if not _good(best[2], best[3]):
        for resolution in VOLUMETRIC_RESOLUTIONS:
            vol_log = _Log()
            vertices, faces = volumetric.remesh(mesh.vertices, mesh.faces, work.diagonal, resolution)
            vol_log.changes[f"volumetric_remesh_{resolution}"] = len(faces)
            vol_work = WorkMesh(vertices, faces, np.full(len(faces), -1, dtype=np.int64), work.diagonal)
            vol_after, vol_faithful = _attempt(mesh, vol_work, vol_log, 2, min_wall)
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
        shell_wall_mm=sheets.wall_for(work, min_wall) if (work.origin == SHELL).any() else None,
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
