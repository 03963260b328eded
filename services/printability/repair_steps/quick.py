"""The first local cycle without the steps the analysis already proved to be no-ops.

Most files that reach repair are a sound surface with a few holes (a scan, an export that dropped some
faces). On those the analysis that produced the `before` report has established that the first
cycle's cleanup steps cannot change anything: no non-manifold edge means no duplicate face and nothing
for `drop_nonmanifold_faces`; no inconsistent edge means `make_consistent` flips nothing; no face
below the repair area tolerance means `fix_degenerate` has no work. `nonmanifold.single_fans` then
shows that `split_fans` would not split any vertex, and with one connected body the outward test and
the sheet test reduce to the sign and size of one signed volume, which the analysis measured already
(the filled patches add theirs). What is left is filling the holes: on a 1.3M-face scan that is
milliseconds instead of seconds of union-find over four million face corners.

`run` changes the mesh exactly as `repair._local_cycle` would, or returns False without touching it
when any precondition does not hold; the caller then runs the full cycle. It never moves a vertex,
so when it only appended patches `patched.measure_patched` can analyse the result.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.analyze import Measurement
from printforge_services.printability.repair_steps import holes, nonmanifold, sheets
from printforge_services.printability.repair_steps.work import WorkMesh

Log = Callable[[str, Callable[[WorkMesh], int], WorkMesh], int]


def run(work: WorkMesh, measured: Measurement, log: Log, wall: float = sheets.DEFAULT_WALL_MM) -> bool:
    """The first local cycle on `work` (the welded input `measured` describes); False if not applicable.

    `wall` is the shell wall a sheet gets (`sheets.thicken_sheets`).
    """
    if not _preconditions_hold(work, measured):
        return False
    volume = measured.volume_mm3
    input_area = float(measured.block["extra"]["surface_area_mm2"])
    patch_area = 0.0
    kept = len(work.faces)
    log("fill_holes", holes.fill_holes, work)
    added = work.faces[kept:]
    if len(added):
        corners = work.vertices[added]
        cx, cy, cz = topology.cross_columns(corners)
        patch_area = float(np.sqrt(cx * cx + cy * cy + cz * cz).sum()) / 2.0
        a = corners[:, 0]
        volume += float((a[:, 0] * cx + a[:, 1] * cy + a[:, 2] * cz).sum()) / 6.0
    if volume < 0:  # orient.orient_outward on a single body
        log("orient_outward", _flip_all, work)
    flat = abs(volume) <= sheets.FLAT_RATIO * (input_area + patch_area) ** 1.5
    if flat or patch_area >= sheets.SHEET_PATCH_RATIO * input_area:  # a sheet: let the real step shell it
        log("thicken_sheets", partial(sheets.thicken_sheets, wall=wall), work)
    work.compact()
    return True


def _preconditions_hold(work: WorkMesh, measured: Measurement) -> bool:
    block = measured.block
    if block["status"] == "unknown" or measured.doubled_areas is None:
        return False
    metrics, extra = block["metrics"], block["extra"]
    if (
        metrics["non_manifold_edges"]
        or metrics["degenerate_faces"]
        or extra["inconsistent_winding_edges"]
        or extra["bodies"] != 1
        or len(work.faces) != len(measured.doubled_areas)
    ):
        return False
    if not bool((measured.doubled_areas > work.area_tolerance).all()):
        return False  # fix_degenerate would collapse or flip something
    return nonmanifold.single_fans(work)


def _flip_all(work: WorkMesh) -> int:
    work.faces = work.faces[:, [0, 2, 1]]
    return len(work.faces)
