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
