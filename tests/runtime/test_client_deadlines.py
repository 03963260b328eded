"""Every gRPC client call in services/ and printforge/ carries a deadline (docs/architecture.md: "Every
client call sets a deadline").

A call without one waits forever on a backend that accepted the connection and hangs, holding
a gateway request (or a generator task) with it. This test reads the source (ast), so it covers
code paths no other test reaches. What counts as a gRPC stub call:
- a call of an RPC method (a method name of a printforge, health or reflection service, from the
  protobuf descriptors) on a stub: a name or attribute bound to `...Stub(...)` or annotated with
  a `...Stub` type anywhere in the tree (so `clients.generator` counts, through ServiceClients'
  annotated fields), or a `...Stub(channel)` expression itself;
- such a call must pass `timeout=` (not the constant None);
- a stub method handed to a helper instead (`clients.call(clients.auth.Authenticate, ...)`,
  printcheck's `_call(stub.AnalyzeMesh, ...)`) is fine when that helper calls the parameter it
  lands in with `timeout=`; a helper that does not, or one that cannot be found, is a violation.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SCANNED = (REPO_ROOT / "services", REPO_ROOT / "printforge", REPO_ROOT / "printforge_cli")
DESCRIPTOR_MODULES = ("grpc_health.v1.health_pb2", "grpc_reflection.v1alpha.reflection_pb2")


def rpc_method_names() -> frozenset[str]:
    """Method names of every service the code may call, read from the protobuf descriptors."""
    modules = [
        ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
        for path in (REPO_ROOT / "printforge").rglob("*_pb2.py")
    ]
    names = set()
    for module_name in [*modules, *DESCRIPTOR_MODULES]:
        descriptor = importlib.import_module(module_name).DESCRIPTOR
        for service in descriptor.services_by_name.values():
            names.update(method.name for method in service.methods)
    return frozenset(names)


def _terminal(node: ast.AST) -> str | None:
    """`clients.auth` -> "auth", `stub` -> "stub", anything else -> None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_stub_constructor(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (_terminal(node.func) or "").endswith("Stub")


def _mentions_stub(annotation: ast.AST | None) -> bool:
    return annotation is not None and any(
        (_terminal(n) or "").endswith("Stub")
        for n in ast.walk(annotation)
        if isinstance(n, ast.Name | ast.Attribute)
    )


def stub_bound_names(trees: Iterable[ast.Module]) -> frozenset[str]:
    """Names and attributes that hold a stub somewhere in the tree (annotated or assigned)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.AnnAssign) and _mentions_stub(node.annotation):
                names.add(_terminal(node.target) or "")
            elif isinstance(node, ast.arg) and _mentions_stub(node.annotation):
                names.add(node.arg)
            elif isinstance(node, ast.Assign) and _is_stub_constructor(node.value):
                names.update(_terminal(target) or "" for target in node.targets)
            elif isinstance(node, ast.keyword) and node.arg and _is_stub_constructor(node.value):
                names.add(node.arg)
    names.discard("")
    return frozenset(names)


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = self.path.relative_to(REPO_ROOT) if self.path.is_relative_to(REPO_ROOT) else self.path
        return f"{where}:{self.line}: {self.message}"


class Module:
    """One parsed source file and the functions it defines, by name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.defs: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.defs.setdefault(node.name, []).append(node)


def _sets_deadline(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg == "timeout":
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
    return False


def _parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, arg: ast.AST) -> str | None:
    """The parameter of `function` that `arg` (an argument of `call`) is bound to."""
    params = [*function.args.posonlyargs, *function.args.args]
    if params and params[0].arg in ("self", "cls") and isinstance(call.func, ast.Attribute):
        params = params[1:]
    for index, value in enumerate(call.args):
        if value is arg:
            return params[index].arg if index < len(params) else None
    for keyword in call.keywords:
        if keyword.value is arg:
            return keyword.arg
    return None


def _calls_with_deadline(function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str) -> bool:
    calls = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == parameter
    ]
    return bool(calls) and all(_sets_deadline(c) for c in calls)


class DeadlineChecker:
    def __init__(self, modules: list[Module], rpc_methods: frozenset[str]) -> None:
        self.modules = modules
        self.rpc_methods = rpc_methods
        self.stub_names = stub_bound_names(m.tree for m in modules)

    def _is_stub_method(self, node: ast.AST) -> bool:
        """`<stub>.<RpcMethod>`: the attribute of a stub that is an RPC."""
        if not (isinstance(node, ast.Attribute) and node.attr in self.rpc_methods):
            return False
        return _is_stub_constructor(node.value) or _terminal(node.value) in self.stub_names

    def _helpers(self, module: Module, call: ast.Call) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Where a call's callee is defined: this module for a plain name, any module for a method."""
        name = _terminal(call.func)
        if name is None:
            return []
        if isinstance(call.func, ast.Name):
            return module.defs.get(name, [])
        return [f for m in self.modules for f in m.defs.get(name, [])]

    def check(self, module: Module) -> Iterator[Violation]:
        for call in (n for n in ast.walk(module.tree) if isinstance(n, ast.Call)):
            if self._is_stub_method(call.func):
                if not _sets_deadline(call):
                    method = call.func.attr  # type: ignore[attr-defined]
                    yield Violation(module.path, call.lineno, f"gRPC call {method}() without timeout=")
                continue
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                if not self._is_stub_method(arg):
                    continue
                helpers = self._helpers(module, call)
                if not helpers or not all(
                    (param := _parameter(helper, call, arg)) is not None
                    and _calls_with_deadline(helper, param)
                    for helper in helpers
                ):
                    callee = ast.unparse(call.func)
                    yield Violation(
                        module.path,
                        call.lineno,
                        f"{arg.attr} handed to {callee}(), which does not call it with timeout=",  # type: ignore[attr-defined]
                    )

    def violations(self) -> list[Violation]:
        found = [v for module in self.modules for v in self.check(module)]
        return sorted(found, key=lambda v: (str(v.path), v.line))


def load_modules(paths: Iterable[Path]) -> list[Module]:
    return [Module(path) for path in paths]


def tree_sources() -> list[Path]:
    return sorted(p for root in SCANNED for p in root.rglob("*.py"))


@pytest.fixture(scope="module")
def tree() -> list[Module]:
    return load_modules(tree_sources())


def test_every_grpc_client_call_in_the_tree_sets_a_deadline(tree: list[Module]) -> None:
    modules = tree
    checker = DeadlineChecker(modules, rpc_method_names())
    # The check must see the tree's stubs, or it would pass by finding nothing to check.
    assert {"auth", "generator", "printability", "_printability", "stub"} <= checker.stub_names
    assert {"Authenticate", "WatchTask", "AnalyzeMesh", "Check"} <= checker.rpc_methods
    checked = sum(
        1
        for m in modules
        for n in ast.walk(m.tree)
        if isinstance(n, ast.Call)
        and (checker._is_stub_method(n.func) or any(checker._is_stub_method(a) for a in n.args))
    )
    assert checked >= 20, f"only {checked} gRPC calls found: the stub detection went blind"
    assert [str(v) for v in checker.violations()] == []


PLANTED = """
from grpc_health.v1 import health_pb2_grpc


async def bad(channel, clients, request):
    stub = health_pb2_grpc.HealthStub(channel)
    await stub.Check(request)  # violation
    await clients.generator.GetGeneration(request)  # violation
    async for _ in clients.printability.WatchTask(request, timeout=None):  # violation
        pass
    await health_pb2_grpc.HealthStub(channel).Watch(request)  # violation
    await _no_deadline(stub.Check, request)  # violation
    await somewhere.else_(clients.auth.Authenticate, request)  # violation


async def _no_deadline(method, request):
    return await method(request)


async def good(clients, request, timeout_s, stub: health_pb2_grpc.HealthStub):
    await stub.Check(request, timeout=5)
    await clients.call(clients.generator.GetGeneration, request)
    async for _ in clients.printability.WatchTask(request, timeout=timeout_s):
        pass
    await _with_deadline(stub.Check, request, timeout_s)
    await clients.store.get(request)  # not an RPC
    return stub.Check  # referenced, not called


async def _with_deadline(method, request, timeout_s):
    return await method(request, timeout=timeout_s)
"""


def test_a_planted_violation_is_caught(tree: list[Module], tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(PLANTED)
    modules = [*tree, *load_modules([planted])]
    found = [v for v in DeadlineChecker(modules, rpc_method_names()).violations() if v.path == planted]
    expected = [i for i, line in enumerate(PLANTED.splitlines(), start=1) if line.endswith("# violation")]
    assert [v.line for v in found] == expected, "\n".join(map(str, found))
    assert "Check() without timeout=" in found[0].message
    assert "_no_deadline()" in found[4].message and "else_()" in found[5].message
