"""No import cycles, and layers one way: printforge/ <- services/ <- printforge_cli/.

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

# Package directory -> its import name (pyproject's package-dir installs services/ as printforge_services).
PACKAGES = {"printforge": "printforge", "services": "printforge_services", "printforge_cli": "printforge_cli"}
# Each layer may import only the layers listed for it: the shared package knows no service and no
# command line, the services know no command line.
ALLOWED = {
    "printforge": {"printforge"},
    "printforge_services": {"printforge", "printforge_services"},
    "printforge_cli": {"printforge", "printforge_services", "printforge_cli"},
}


def _module_name(path: Path) -> str:
    directory, *parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    parts = [PACKAGES[directory], *parts]
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


def test_layers_import_downwards_only() -> None:
    upward = {
        (module, target)
        for module, targets in import_graph().items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[module.split(".")[0]]
    }
    assert not upward, f"imports against the layering: {sorted(upward)}"


def _leading_text(node: ast.expr) -> str:
    """The literal start of a string or f-string expression ('' when it starts with a value)."""
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def test_nothing_imports_the_directory_name_services() -> None:
    """`services` is the directory, `printforge_services` the package: importing both loads every
    module twice (two registries, two metrics collectors), so only the package name is used, in the
    tests and benches too."""
    scanned = [*PACKAGES, "tests", "bench", "scripts"]
    bare = set()
    for path in (p for directory in scanned for p in (REPO_ROOT / directory).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
                names = [_leading_text(node.args[0])]  # import_module("services.x") or f"services.{x}"
            bare |= {(str(path.relative_to(REPO_ROOT)), n) for n in names if n.split(".")[0] == "services"}
    assert not bare, sorted(bare)
