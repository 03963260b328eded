"""No import cycles in printforge/ and services/: dependencies point one way.

A cycle (blobs.py <-> blobs_s3.py once, render.py -> catalog -> gifts -> render.py once) means
neither module can be understood, tested or imported alone, and the import order decides what
works. The graph is read from the source with `ast`, counting what actually runs at import or
call time: imports at any depth (a lazy import inside a function still binds the two modules),
`importlib.import_module` of a literal or a module-level string constant, and a package that
discovers its plug-ins with `pkgutil.iter_modules` (it imports every submodule).
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGES = ("printforge", "services")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in (REPO_ROOT / package).rglob("*.py")
        if "_pb2" not in path.name
    }


def _imported_names(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(getattr(node.value, "value", None), str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "import_module" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
                elif isinstance(arg, ast.Name) and arg.id in constants:
                    names.add(constants[arg.id])
            elif node.func.attr in ("iter_modules", "walk_packages") and path.name == "__init__.py":
                children = [c.stem for c in path.parent.glob("*.py") if c.stem != "__init__"]
                children += [c.parent.name for c in path.parent.glob("*/__init__.py")]
                names |= {f"{module}.{child}" for child in children}
    return names


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (a name resolves to its longest module prefix)."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for module, path in modules.items():
        targets = {resolve(name) for name in _imported_names(module, path)}
        # A module importing its own parent package is Python's order of things, not a cycle.
        graph[module] = {t for t in targets if t and t != module and not module.startswith(t + ".")}
    return graph


def first_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` (its modules in order), or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return exc.args[1]
    return None


def test_the_project_has_no_import_cycle() -> None:
    assert first_cycle(import_graph()) is None


def test_the_cycle_check_sees_lazy_and_plugin_imports() -> None:
    graph = import_graph()
    catalog = "services.generator.catalog"
    assert f"{catalog}.gifts" in graph[catalog], "import_module(CONSTANT)"
    assert f"{catalog}.gifts.ornament" in graph[f"{catalog}.gifts"], "pkgutil"
    assert "printforge.runtime.blobs_s3" in graph["printforge.runtime.blobs"], "an import inside a function"
    s3 = "printforge.runtime.blobs_s3"
    looped = {**graph, s3: {*graph[s3], "printforge.runtime.blobs"}}
    assert set(first_cycle(looped) or ()) == {"printforge.runtime.blobs", s3}
