"""`printforge analyze FILE`: the printability analyzer on a local file, without any service running.

Runs the same domain code as the printability service (services/printability), so a user can check a
file offline and get exactly what the API would report. Start-up matters (it is a one-shot command on
possibly huge files), so only numpy and our own modules are imported, and only inside the handler;
mesh_io imports trimesh (or open3d for FBX) only for the formats that need it, never for binary STL.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from printforge_cli.one_shot import prepare_one_shot_process

if TYPE_CHECKING:
    from printforge_services.printability.mesh_io import LoadedMesh
    from printforge_services.printability.printprep.request import PrepRequest


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="report printability (watertight, volume, holes, non-manifold edges, ...) of a mesh file",
        description=(
            "Analyze a mesh file (STL, OBJ, PLY, OFF, GLB/glTF, 3MF, FBX, or a zip holding one) "
            "for 3D-printing problems."
        ),
    )
    parser.add_argument("file", type=Path, help="mesh file to analyze")
    parser.add_argument(
        "--unit",
        default="mm",
        choices=("mm", "cm", "m", "in"),
        help="unit of STL/OBJ/PLY/OFF/FBX coordinates (glTF is metres and 3MF declares its own; default mm)",
    )
    parser.add_argument(
        "--printer",
        help="printer name whose build volume the part must fit (e.g. 'Prusa MK4'); also turns on the "
        "print-prep report (thin walls, supports, auto-orient, and PrusaSlicer's time/filament estimate "
        "for the printers with a slicer profile: Prusa MK3S+, Prusa MINI+, Creality Ender-3 V2)",
    )
    parser.add_argument(
        "--material",
        help="PLA (default), PETG or ABS for the print-prep slicer estimate; turns print-prep on",
    )
    parser.add_argument(
        "--auto-orient",
        action="store_true",
        help="slice in the orientation that needs least support (turns print-prep on)",
    )
    parser.add_argument("--json", action="store_true", help="print the printability block as JSON")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    prepare_one_shot_process()
    from printforge_services.printability.analyze import analyze
    from printforge_services.printability.mesh_io import MeshLoadError, load_mesh, read_file
    from printforge_services.printability.printers import UnknownPrinterError, lookup_printer
    from printforge_services.printability.printprep.request import (
        PrepRequest,
        UnknownMaterialError,
        canonical_material,
    )

    try:
        if args.printer is not None:
            lookup_printer(args.printer)
        material = canonical_material(args.material) if args.material is not None else None
        prep = PrepRequest(args.printer, material, args.auto_orient)
        # large files are mapped; a glTF's buffers are read from its own directory, nowhere else
        mesh = load_mesh(read_file(args.file), args.file.name, args.unit, directory=args.file.parent)
        result = analyze(mesh, printer=args.printer) if not prep.wanted else _with_prep(mesh, prep)
    except (OSError, MeshLoadError, UnknownPrinterError, UnknownMaterialError) as exc:
        message = f"cannot read {args.file}: {exc.strerror or exc}" if isinstance(exc, OSError) else exc
        print(f"printforge analyze: {message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(_summary(args.file.name, result))
    return 0


def _with_prep(mesh: LoadedMesh, prep: PrepRequest) -> dict:
    """The printability block with its `print_prep` object (the checks, and the settings module the
    slicer's path comes from, load only when asked for: they cost a plain analyze's start-up)."""
    from dataclasses import replace

    from printforge.runtime.config import slicer_path_from_env, slicer_timeout_from_env
    from printforge_services.printability.analyze import measure
    from printforge_services.printability.printprep.report import print_prep

    prep = replace(prep, slicer_path=slicer_path_from_env(), slicer_timeout_s=slicer_timeout_from_env())
    measured = measure(mesh, printer=prep.printer)
    if measured.vertices is not None and measured.faces is not None:
        measured.block["print_prep"] = print_prep(measured.vertices, measured.faces, prep)
    return measured.block


def _summary(name: str, result: dict) -> str:
    if result["status"] == "unknown":
        return f"{name}: status unknown (the file holds no triangles)"
    m = result["metrics"]
    extra = result["extra"]
    size = " x ".join(f"{s:.2f}" for s in extra["bounding_box_mm"]["size"])
    lines = [
        f"{name}: {result['status']} ({result['error_count']} errors, {result['warning_count']} warnings)",
        f"  watertight:         {'yes' if m['is_watertight'] else 'no'}",
        f"  volume:             {m['volume'] * 1e9:.6g} mm^3",
        f"  holes:              {m['holes']}",
        f"  non-manifold edges: {m['non_manifold_edges']}",
        f"  degenerate faces:   {m['degenerate_faces']}",
        f"  bodies:             {extra['bodies']}",
        f"  size:               {size} mm",
        f"  surface area:       {extra['surface_area_mm2']:.6g} mm^2",
        f"  overhang area:      {extra['overhang_area_mm2']:.6g} mm^2 (steeper than 45 deg)",
        f"  winding conflicts:  {extra['inconsistent_winding_edges']} edges",
    ]
    fit = extra["fits_printer"]
    if fit is not None:
        lines.append(
            f"  fits {fit['printer']}: {'yes' if fit['fits'] else 'no'} ({fit['build_volume_mm']} mm)"
        )
    if "print_prep" in result:
        lines += _prep_summary(result["print_prep"])
    return "\n".join(lines)


def _prep_summary(prep: dict) -> list[str]:
    """The print-prep report: thin walls, supports now and auto-oriented, the slicer's estimate."""
    thin = prep["thin_walls"]
    lines = [f"print prep (nozzle {prep['nozzle_diameter_mm']:g} mm, {prep['nozzle_source']}):"]
    if thin["regions_total"]:
        lines.append(
            f"  thin walls:         {thin['regions_total']} regions below {thin['threshold_mm']:g} mm, "
            f"thinnest {thin['min_thickness_mm']:.3g} mm, {thin['thin_area_mm2']:.6g} mm^2"
        )
        for region in thin["regions"][:5]:
            lo, hi = region["bounding_box_mm"]["min"], region["bounding_box_mm"]["max"]
            where = " .. ".join("(" + ", ".join(f"{c:.1f}" for c in p) + ")" for p in (lo, hi))
            lines.append(
                f"    {region['min_thickness_mm']:.3g} mm over {region['area_mm2']:.4g} mm^2 at {where}"
            )
    else:
        lines.append(f"  thin walls:         none below {thin['threshold_mm']:g} mm")
    overhangs = prep["overhangs"]
    for label, key in (("as placed", "current"), ("oriented", "best")):
        o = overhangs[key]
        lines.append(
            f"{'  supports ' + label + ':':22s}{o['overhang_area_mm2']:.6g} mm^2 overhang, "
            f"{o['support_volume_mm3']:.6g} mm^3 support, {o['contact_area_mm2']:.6g} mm^2 on the plate"
        )
    best = overhangs["best"]
    quat = ", ".join(f"{q:.4f}" for q in best["quaternion_wxyz"])
    lines.append(f"  auto-orient turn:   {best['rotation_deg']:.1f} deg, quaternion (w, x, y, z) = ({quat})")
    estimate = prep["print_estimate"]
    if estimate["print_time_s"] is None:
        lines.append(f"  slicer estimate:    unavailable: {estimate['reason']}")
    else:
        grams = f"{estimate['filament_g']:.4g} g" if estimate["filament_g"] is not None else "? g"
        metres = estimate["filament_mm"] / 1000
        lines.append(
            f"  slicer estimate:    {estimate['print_time']}, {metres:.4g} m, {grams} {estimate['material']} "
            f"on {estimate['printer']} ({estimate['slicer']}, {estimate['orientation']} orientation)"
        )
    return lines
