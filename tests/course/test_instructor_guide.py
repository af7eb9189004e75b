"""docs/instructor-guide.md keeps up with the course: catches the easy drift.

The guide must name every notebook (by number and title, as in the README's course table),
every ``check_…()`` function a notebook calls, and its ``cognito-lab check`` sample must list
every notebook, in the format the command really prints.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import nbformat
import pytest

from cognito_lab.cli import check

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# A call of a module-level function named check_…, not a method (request.check_callback)
# and not its definition.
CHECK_CALL = re.compile(r"(?<![.\w])check_\w+(?=\()")


def course_table() -> dict[str, str]:
    """README's course table: notebook number → title (``"04" → "authorization code + PKCE"``)."""
    rows = re.findall(r"(?m)^\| (\d\d) \| \[([^\]]+)\]\(notebooks/[^)]+\.ipynb\) \|", README)
    assert rows, "no course table in README.md"
    return dict(rows)


def checks_called(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            source = re.sub(r"(?m)^\s*def check_\w+", "", cell.source)
            names.update(CHECK_CALL.findall(source))
    return names


def check_sample() -> str:
    """The guide's console block that starts with ``$ cognito-lab check``."""
    blocks = re.findall(r"```console\n(\$ cognito-lab check\n.*?)```", GUIDE, re.S)
    assert len(blocks) == 1, "expected one `cognito-lab check` sample in the guide"
    return blocks[0]


def test_readme_table_lists_every_notebook():
    assert sorted(course_table()) == [path.name[:2] for path in NOTEBOOKS]


@pytest.mark.parametrize(("number", "title"), sorted(course_table().items()))
def test_guide_names_every_notebook_by_number_and_title(number, title):
    assert f"{number} · {title}".lower() in GUIDE.lower(), \
        f"the instructor guide never names '{number} · {title}'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_guide_names_every_check_the_notebook_calls(path):
    missing = sorted(name for name in checks_called(path)
                     if not re.search(rf"\b{name}\b", GUIDE))
    assert missing == [], f"{path.name} calls {missing}; the instructor guide never names them"


def test_every_notebook_calls_a_check():
    """Else the test above checks nothing for it (every notebook has an exercise)."""
    assert all(checks_called(path) for path in NOTEBOOKS)


def test_check_sample_lists_every_notebook():
    sample = check_sample()
    listed = re.findall(r"(?m)^(\d\d_\w+\.ipynb) ", sample)
    assert listed == [path.name for path in NOTEBOOKS]
    assert f"Running {len(NOTEBOOKS)} notebook(s) from " in sample
    assert re.search(rf"(?m)^{len(NOTEBOOKS)} ok, 0 failed, [\d.]+ s in all\.$", sample)


def test_check_sample_has_the_commands_format(monkeypatch):
    """The sample, figures and folder aside, is what ``cognito-lab check`` prints."""
    monkeypatch.setattr(check, "execute",
                        lambda path, timeout: check.Outcome(path.name, 12.3, True))
    out = io.StringIO()
    assert check.run(notebooks=str(ROOT / "notebooks"), out=out) == 0

    def shape(text: str) -> list[str]:
        text = re.sub(r"from \S+, each", "from FOLDER, each", text)
        return [re.sub(r"\b\d+\.\d\b", "N.N", line) for line in text.strip().splitlines()]

    printed, sample = out.getvalue(), check_sample().split("\n", 1)[1]   # after the "$ …"
    assert [line.split() for line in shape(sample)] == [line.split() for line in shape(printed)]
    # The table's columns line up as the command aligns them (seconds right-aligned).
    table = slice(1, -1)
    assert [len(line) for line in sample.strip().splitlines()[table]] == \
        [len(line) for line in printed.strip().splitlines()[table]]
