"""Why mesh_io keeps its own binary STL and binary PLY readers: analyze with them and with trimesh's.

The same 1.3M-triangle sphere as bench_analyze.py, written as binary STL and binary PLY. Each row is
a fresh process that imports what it needs, reads the file and runs the analyzer, so the reader's
import time counts as it does for `printforge analyze`:
- `ours`: `load_mesh` (the fast reader: a view of the STL records, one np.frombuffer per PLY element);
- `trimesh`: the same file through `via_trimesh.load`, the path every other format takes.
The ratio is how much slower analyze would be if trimesh read these formats too.

Usage: PYTHONPATH=$PWD .venv/bin/python bench/bench_mesh_io.py [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_analyze import PYTHON, build_mesh_in_child, line, measure_each
from bytecode import compile_checkout

READERS = {
    "ours": (
        "import sys; from pathlib import Path\n"
        "from printforge_services.printability.mesh_io import load_mesh, read_file\n"
        "from printforge_services.printability.analyze import analyze\n"
        "p = Path(sys.argv[1]); print(analyze(load_mesh(read_file(p), p.name))['status'])\n"
    ),
    "trimesh": (
        "import sys; from pathlib import Path\n"
        "from printforge_services.printability.mesh_io import via_trimesh\n"
        "from printforge_services.printability.mesh_io.load import Triangles, to_loaded_mesh\n"
        "from printforge_services.printability.analyze import analyze\n"
        "p = Path(sys.argv[1]); v, f = via_trimesh.load(p.read_bytes(), p.suffix[1:])\n"
        "print(analyze(to_loaded_mesh(Triangles(v, f), 1e-3, p.suffix[1:]))['status'])\n"
    ),
}


def stl_to_ply(stl: Path, ply: Path) -> None:
    """The STL's triangles as a binary PLY (welded by trimesh, as scanners write them), in a child."""
    code = "import sys, trimesh; trimesh.load(sys.argv[1]).export(sys.argv[2], 'ply', encoding='binary')"
    subprocess.run([PYTHON, "-c", code, str(stl), str(ply)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compile_checkout()
    with tempfile.TemporaryDirectory() as tmp:
        stl = Path(tmp) / "sphere_1m3.stl"
        faces = build_mesh_in_child(stl)
        ply = stl.with_suffix(".ply")
        stl_to_ply(stl, ply)
        print(f"mesh: {faces} triangles; whole process (import, read, analyze), median of {args.runs} runs")
        for path in (stl, ply):
            commands = {name: [PYTHON, "-c", code, str(path)] for name, code in READERS.items()}
            results = measure_each(commands, args.runs)
            ours = results["ours"]
            if isinstance(ours, str):
                raise SystemExit(f"our reader failed: {ours}")
            print(line(f"{path.suffix[1:]} ours", ours))
            other = results["trimesh"]
            label = f"{path.suffix[1:]} trimesh"
            print(f"{label:26s} failed: {other}" if isinstance(other, str) else line(label, other, ours))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
