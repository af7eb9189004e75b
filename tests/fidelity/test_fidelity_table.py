"""docs/fidelity.md stays true: every row names a fidelity test that exists, and every
fidelity test has a row."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).parent
TABLE = HERE.parents[1] / "docs" / "fidelity.md"
ROW_TEST = re.compile(r"`(test_\w+\.py)::(test_\w+)`")


def fidelity_tests() -> set[tuple[str, str]]:
    found = set()
    for path in HERE.glob("test_*.py"):
        if path.name == Path(__file__).name:
            continue
        tree = ast.parse(path.read_text())
        found |= {(path.name, node.name) for node in tree.body
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    return found


def rows() -> list[tuple[str, str]]:
    return ROW_TEST.findall(TABLE.read_text())


def test_every_row_names_a_test_that_exists():
    missing = set(rows()) - fidelity_tests()
    assert not missing, f"docs/fidelity.md names tests that don't exist: {sorted(missing)}"


def test_every_fidelity_test_has_a_row():
    unlisted = fidelity_tests() - set(rows())
    assert not unlisted, f"fidelity tests missing from docs/fidelity.md: {sorted(unlisted)}"


def test_every_row_names_an_aws_page_and_both_outcomes():
    for line in TABLE.read_text().splitlines():
        if ROW_TEST.search(line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 5 and all(cells), f"incomplete row: {line}"


def test_every_fidelity_test_names_its_aws_page():
    """Each test's docstring says which AWS page (or RFC) it follows."""
    for path in HERE.glob("test_*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") \
                    and path.name != Path(__file__).name:
                doc = ast.get_docstring(node) or ""
                assert "AWS" in doc or "RFC" in doc, f"{path.name}::{node.name} names no page"


ROW_TEST_ELSEWHERE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = {node.name for node in tree.body
             if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    for node in tree.body:            # tests in classes count too
        if isinstance(node, ast.ClassDef):
            found |= {item.name for item in node.body
                      if isinstance(item, ast.FunctionDef) and item.name.startswith("test_")}
    return found


def test_rows_naming_tests_elsewhere_name_tests_that_exist():
    """Rows for behaviour tested end to end (tests/federation/, tests/identity/...) name
    ``tests/<folder>/<file>.py::<test>``: each must exist, and each must say which AWS
    page it follows, as the rows above do."""
    root = HERE.parents[1]
    named = ROW_TEST_ELSEWHERE.findall(TABLE.read_text())
    assert named, "no row names a test outside tests/fidelity: the pattern is wrong"
    missing = [f"{path}::{test}" for path, test in named
               if not (root / path).is_file() or test not in _tests_in(root / path)]
    assert not missing, f"docs/fidelity.md names tests that don't exist: {missing}"
    for line in TABLE.read_text().splitlines():
        if ROW_TEST_ELSEWHERE.search(line) and line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 5 and all(cells), f"incomplete row: {line}"


def test_tests_named_elsewhere_name_their_aws_page():
    """Each test a row names outside tests/fidelity says in its docstring which AWS page
    (or the RFC or specification section, or the lab's own choice) it follows."""
    root = HERE.parents[1]
    for path, name in set(ROW_TEST_ELSEWHERE.findall(TABLE.read_text())):
        tree = ast.parse((root / path).read_text())
        docs = [ast.get_docstring(node) or "" for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.name == name]
        assert any(("AWS" in doc or "RFC" in doc or "§" in doc) for doc in docs), \
            f"{path}::{name} names no page"
