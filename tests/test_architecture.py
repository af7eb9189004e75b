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
    assert "cognito_lab.emulator.tokens" in imported_modules(PACKAGE / "emulator" / "auth.py")
    assert any(name.startswith("cognito_lab.api")
               for name in imported_modules(PACKAGE / "api" / "sample_api.py"))
