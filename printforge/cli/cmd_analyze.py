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

from printforge.cli.one_shot import prepare_one_shot_process


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
        "--printer", help="printer name whose build volume the part must fit (e.g. 'Prusa MK4')"
    )
    parser.add_argument("--json", action="store_true", help="print the printability block as JSON")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    prepare_one_shot_process()
    from services.printability.analyze import analyze
    from services.printability.mesh_io import MeshLoadError, load_mesh, read_file
    from services.printability.printers import UnknownPrinterError, lookup_printer

    try:
        if args.printer is not None:
            lookup_printer(args.printer)
        # large files are mapped; a glTF's buffers are read from its own directory, nowhere else
        mesh = load_mesh(read_file(args.file), args.file.name, args.unit, directory=args.file.parent)
        result = analyze(mesh, printer=args.printer)
    except (OSError, MeshLoadError, UnknownPrinterError) as exc:
        message = f"cannot read {args.file}: {exc.strerror or exc}" if isinstance(exc, OSError) else exc
        print(f"printforge analyze: {message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(_summary(args.file.name, result))
    return 0


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
    return "\n".join(lines)
