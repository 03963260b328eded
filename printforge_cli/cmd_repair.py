"""`printforge repair IN -o OUT`: the printability repair pipeline on a local file, no service needed.

Same domain code as the printability service's repair task, so the offline result is what the API
would return. The output format follows OUT's extension (default: the input's format) and keeps the
input's scale: unitless formats are written in `--unit`, glTF in metres, 3MF with its unit attribute.
Heavy imports (scipy, scikit-image) happen only inside the repair steps that need them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from printforge_cli.one_shot import prepare_one_shot_process


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "repair",
        help="repair a mesh for 3D printing (holes, non-manifold edges, winding, degenerate faces)",
        description="Repair a mesh (STL, OBJ, PLY, OFF, GLB/glTF, 3MF) into a printable, watertight one.",
    )
    parser.add_argument("file", type=Path, help="mesh file to repair")
    parser.add_argument(
        "-o", "--output", type=Path, help="where to write the repaired mesh (default: IN with '-repaired')"
    )
    parser.add_argument(
        "--unit",
        default="mm",
        choices=("mm", "cm", "m", "in"),
        help="unit of STL/OBJ/PLY/OFF coordinates, kept in the output (default mm)",
    )
    parser.add_argument(
        "--min-wall",
        type=float,
        default=1.0,
        metavar="MM",
        help="wall, in mm, that zero-volume sheets (single-sided panels) are thickened to (default 1)",
    )
    parser.add_argument("--json", action="store_true", help="print the repair report as JSON")
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    prepare_one_shot_process()
    from printforge_services.printability.mesh_export import EXPORT_FORMATS, MeshExportError, export_mesh
    from printforge_services.printability.mesh_io import MeshLoadError, load_mesh, read_file

    output: Path = args.output or args.file.with_name(f"{args.file.stem}-repaired{args.file.suffix}")
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        return _fail(f"cannot write {output}: unsupported output type {output.suffix or '(none)'!r}")
    try:
        mesh = load_mesh(read_file(args.file), args.file.name, args.unit)  # large files are mapped
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except MeshLoadError as exc:
        return _fail(f"cannot read {args.file}: {exc}")
    if not mesh.has_triangles:
        return _fail(f"cannot repair {args.file}: the file holds no triangles")

    from printforge_services.printability.repair import RepairError, repair

    try:
        result = repair(mesh, min_wall=args.min_wall)
    except RepairError as exc:
        return _fail(f"cannot repair {args.file}: {exc}")
    try:
        output.write_bytes(export_mesh(result.vertices, result.faces, fmt, unit=args.unit))
    except (OSError, MeshExportError) as exc:
        return _fail(f"cannot write {output}: {getattr(exc, 'strerror', None) or exc}")
    report = result.report()
    report["output"] = str(output)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(_summary(args.file.name, output, report))
    return 0 if result.healthy else 2


def _fail(message: str) -> int:
    print(f"printforge repair: {message}", file=sys.stderr)
    return 1


def _metrics_line(label: str, block: dict) -> str:
    m = block["metrics"]
    return (
        f"  {label:7s} {block['status']:8s} watertight={'yes' if m['is_watertight'] else 'no'} "
        f"volume={m['volume'] * 1e9:.6g} mm^3 holes={m['holes']} "
        f"non-manifold={m['non_manifold_edges']} degenerate={m['degenerate_faces']}"
    )


def _summary(name: str, output: Path, report: dict) -> str:
    faith = report["faithfulness"]
    steps = (
        ", ".join(f"{s} ({report['changes'][s]})" for s in report["steps_ran"]) or "none (already healthy)"
    )
    shell = report["shell_wall_mm"]
    return "\n".join(
        [
            f"{name} -> {output}",
            _metrics_line("before:", report["before"]),
            _metrics_line("after:", report["after"]),
            f"  steps:  {steps}",
            f"  moved:  p99 input->output {faith['p99_input_to_output_pct']:.3f} %, "
            f"output->input {faith['p99_output_to_input_pct']:.3f} % of the bounding-box diagonal",
            *([f"  sheets: thickened to {shell:.3g} mm shells behind their faces"] if shell else []),
        ]
    )
