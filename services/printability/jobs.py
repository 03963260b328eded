"""Work that runs inside a spawned worker process (parsing untrusted files is never done in
the service process: a hostile file can at worst crash or exhaust one worker).

Functions here are module-level so the worker pool can pickle a reference to them; they
turn loader errors into TaskFailure so the task fails with a message that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from printforge.runtime.tasks.runner import TaskFailure
from printforge.runtime.tasks.workers import report_progress

if TYPE_CHECKING:
    import numpy as np

    from printforge_services.printability.printprep.request import PrepRequest


def analyze_file(
    data: bytes, filename: str, unit: str, printer: str | None, prep: PrepRequest | None = None
) -> dict[str, Any]:
    """The printability report of one file; with a `prep` that wants it, its `print_prep` object too."""
    from printforge_services.printability.analyze import measure
    from printforge_services.printability.mesh_io import MeshLoadError, load_mesh

    try:
        mesh = load_mesh(data, filename, unit)
    except MeshLoadError as exc:
        raise TaskFailure(f"cannot read the model: {exc}") from None
    report_progress(50)
    try:
        measured = measure(mesh, printer=printer)
    except (KeyError, ValueError) as exc:  # unknown printer name
        raise TaskFailure(str(exc).strip("'\"")) from None
    block = measured.block
    if prep is not None and prep.wanted and measured.vertices is not None and measured.faces is not None:
        from printforge_services.printability.printprep.report import print_prep

        report_progress(60)
        block["print_prep"] = print_prep(measured.vertices, measured.faces, prep)
    return block


def repair_file(
    data: bytes, filename: str, unit: str, formats: frozenset[str] | None = None
) -> tuple[bytes, str, dict[str, Any]]:
    """Repair one file; returns (output bytes, output format, repair report).

    The output is written in the input's format, so `formats` (e.g. {"glb", "stl", "obj"} for the
    Meshy API, whose data: URLs skip the extension check) refuses any other input before the work.
    """
    out, fmt, report, _ = _repair(data, filename, unit, formats)
    report_progress(100)
    return out, fmt, report


@dataclass(frozen=True)
class RepairOutput:
    """What a repair task stores: the repaired file, its report and a preview image.

    `preview_png` is None when the preview could not be drawn; `preview_error` then says why,
    for the service to log: a preview is a courtesy and never fails the repair.
    """

    data: bytes
    format: str
    report: dict[str, Any]
    preview_png: bytes | None
    preview_error: str | None = None


def repair_file_with_preview(
    data: bytes,
    filename: str,
    unit: str,
    formats: frozenset[str] | None = None,
    auto_orient: bool = False,
    min_wall_mm: float | None = None,
) -> RepairOutput:
    """repair_file, plus a PNG preview of the repaired mesh (the seed's `thumbnail_url`).

    Drawn here, in the worker that already holds the repaired mesh, so the service process
    neither parses the output again nor spends its own CPU on the picture. With `auto_orient` the
    repaired part comes back turned to the orientation that needs least support, lowered onto
    Z = 0 (`printprep.orientation`), and the report's `auto_orient` says how it was turned.
    `min_wall_mm` is the wall sheets are thickened to (None: the repair's default).
    """
    from printforge.runtime.mesh_preview import render_png

    out, fmt, report, (vertices, faces) = _repair(data, filename, unit, formats, auto_orient, min_wall_mm)
    preview: bytes | None = None
    error: str | None = None
    try:
        preview = render_png(vertices, faces)
    except Exception as exc:  # any failure to draw only costs the thumbnail
        error = f"{type(exc).__name__}: {exc}"
    report_progress(100)
    return RepairOutput(out, fmt, report, preview, error)


def _repair(
    data: bytes,
    filename: str,
    unit: str,
    formats: frozenset[str] | None,
    auto_orient: bool = False,
    min_wall_mm: float | None = None,
) -> tuple[bytes, str, dict[str, Any], tuple[np.ndarray, np.ndarray]]:
    """Load, repair (and maybe auto-orient) and export; also returns the final (vertices, faces)."""
    from printforge_services.printability.mesh_export import export_mesh
    from printforge_services.printability.mesh_io import MeshLoadError, load_mesh
    from printforge_services.printability.repair import RepairError, repair
    from printforge_services.printability.repair_steps.sheets import DEFAULT_WALL_MM

    try:
        mesh = load_mesh(data, filename, unit)
    except MeshLoadError as exc:
        raise TaskFailure(f"cannot read the model: {exc}") from None
    if formats is not None and mesh.source_format not in formats:
        names = sorted(f".{f}" for f in formats)
        raise TaskFailure(
            f"cannot repair a {mesh.source_format.upper()} model: repair returns the model in its own "
            f"format and supports {', '.join(names[:-1])} or {names[-1]}"
        )
    if not mesh.has_triangles:
        raise TaskFailure("the model holds no triangles to repair")
    report_progress(20)
    try:
        result = repair(
            mesh,
            progress=lambda p: report_progress(20 + p * 70 // 100),
            min_wall=min_wall_mm or DEFAULT_WALL_MM,
        )
    except RepairError as exc:  # the model holds nothing repairable; the message says why
        raise TaskFailure(str(exc)) from None
    fmt = mesh.source_format
    vertices, report = result.vertices, result.report()
    if auto_orient:
        from printforge_services.printability.printprep.mesh import PrepMesh
        from printforge_services.printability.printprep.orientation import apply_orientation, best_orientation

        orientation = best_orientation(PrepMesh(vertices, result.faces))
        vertices = apply_orientation(vertices, orientation["best"])
        report["auto_orient"] = {**orientation["best"], "before": orientation["current"]}
    out = export_mesh(vertices, result.faces, fmt, unit=unit)
    return out, fmt, report, (vertices, result.faces)
