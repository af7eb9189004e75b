"""DESIGN.md's rules of the house: who may import whom.

`client/` (your app) and `api/` (your API) talk to the local Cognito only over HTTP and
boto3, exactly as they would to AWS — that is what makes the lessons true on AWS too. So
they never import `emulator/`; `emulator/` never imports them or `teach/`; and nothing but
notebooks imports `teach/`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cognito_lab"


def imported_modules(path: Path) -> set[str]:
    """Absolute names of every cognito_lab module a file imports (relative ones resolved)."""
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("cognito_lab")}


def files_of(part: str) -> list[Path]:
    return sorted((PACKAGE / part).rglob("*.py"))


RULES = [  # (files of, may not import)
    ("client", "cognito_lab.emulator"),
    ("api", "cognito_lab.emulator"),
    ("emulator", "cognito_lab.client"),
    ("emulator", "cognito_lab.api"),
    ("emulator", "cognito_lab.teach"),
    ("emulator", "cognito_lab.idp"),
    # idp/ plays third-party identity providers: it meets Cognito over HTTP only
    ("idp", "cognito_lab.emulator"),
    ("idp", "cognito_lab.client"),
    ("idp", "cognito_lab.api"),
]


@pytest.mark.parametrize(("part", "forbidden"), RULES, ids=[f"{p}-not-{f}" for p, f in RULES])
def test_house_rule(part, forbidden):
    files = files_of(part)
    assert files, f"cognito_lab/{part} has no modules"
    offenders = {str(path.relative_to(PACKAGE)): sorted(
        name for name in imported_modules(path) if name.startswith(forbidden))
        for path in files}
    assert not {k: v for k, v in offenders.items() if v}


def test_nothing_but_notebooks_imports_teach():
    outside = [path for path in PACKAGE.rglob("*.py") if "teach" not in path.parts]
    offenders = [str(path.relative_to(PACKAGE)) for path in outside
                 if any(name.startswith("cognito_lab.teach") for name in imported_modules(path))]
    assert offenders == []


def test_the_checker_sees_relative_imports():
    """The rule tests could pass vacuously if relative imports were not resolved."""
    assert "cognito_lab.emulator.user_pools.tokens" in imported_modules(
        PACKAGE / "emulator" / "user_pools" / "auth.py")
    assert any(name.startswith("cognito_lab.api")
               for name in imported_modules(PACKAGE / "api" / "sample_api.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """module -> the package modules it imports when it runs (top level or in functions).

    ``from . import x`` is an edge to module ``x`` (not to the package's ``__init__``), and
    imports under ``if TYPE_CHECKING:`` (for annotations only) are no edge.
    """
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        tree = ast.parse(path.read_text())
        type_only = {id(inner) for node in ast.walk(tree)
                     if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                     for inner in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base
                           for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_package_has_no_import_cycles():
    assert import_cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "cognito_lab.template.model" in import_graph()["cognito_lab.template.apply"]
