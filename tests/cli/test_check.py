"""`cognito-lab check`: every notebook run fresh, a table, and an exit code to trust."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cognito_lab.cli import main
from cognito_lab.cli.check import execute
from cognito_lab.cli.course import notebooks_dir


def _write(path: Path, *cells) -> Path:
    notebook = new_notebook(cells=list(cells))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A tiny course: 01 passes (and needs its folder as working directory), 02 fails."""
    folder = tmp_path_factory.mktemp("course")
    (folder / "solutions").mkdir()
    (folder / "solutions" / "01_passes.py").write_text("answer = 42\n")
    _write(folder / "01_passes.ipynb",
           new_markdown_cell("# 01 · passes"),
           new_code_cell("%run -i solutions/01_passes.py\nassert answer == 42"),
           new_code_cell("raise ValueError('shown on purpose')",
                         metadata={"tags": ["raises-exception"]}),
           new_code_cell("print('still running')"))
    _write(folder / "02_fails.ipynb",
           new_markdown_cell("# 02 · fails"),
           new_code_cell("x = 1"),
           new_markdown_cell("the next cell divides by zero"),
           new_code_cell("def f():\n    return 1 / 0\n\nf()"),
           new_code_cell("print('never reached')"))
    (folder / "notes.ipynb").write_text("not a course notebook, not run")
    return folder


@pytest.fixture(scope="module")
def checked(course):
    """Run the check once over the tiny course; the tests read its table."""
    import io

    before = {p.name: p.read_bytes() for p in course.glob("*.ipynb")}
    out = io.StringIO()
    from cognito_lab.cli import check

    code = check.run(notebooks=str(course), timeout=60, out=out)
    after = {p.name: p.read_bytes() for p in course.glob("*.ipynb")}
    return code, out.getvalue(), before, after


def _row(table: str, name: str) -> str:
    [row] = [line for line in table.splitlines() if line.startswith(name)]
    return row


def test_the_exit_code_is_1_when_a_notebook_fails(checked):
    code, *_ = checked
    assert code == 1


def test_a_passing_notebook_reads_ok_with_its_seconds(checked):
    _, table, *_ = checked
    assert re.fullmatch(r"01_passes\.ipynb\s+\d+\.\d  ok", _row(table, "01_passes.ipynb"))


def test_a_failing_notebook_names_the_cell_and_the_error_last_line(checked):
    _, table, *_ = checked
    row = _row(table, "02_fails.ipynb")
    assert re.fullmatch(r"02_fails\.ipynb\s+\d+\.\d  FAILED at cell 4: "
                        r"ZeroDivisionError: division by zero", row)


def test_the_table_lists_course_notebooks_in_order_and_sums_up(checked):
    _, table, *_ = checked
    assert table.index("01_passes.ipynb") < table.index("02_fails.ipynb")
    assert "notes.ipynb" not in table
    assert "notebook" in table.splitlines()[1] and "status" in table.splitlines()[1]
    assert "1 ok, 1 failed" in table


def test_the_notebook_files_are_not_modified(checked):
    *_, before, after = checked
    assert before == after


def test_all_passing_means_exit_code_0(course, capsys):
    assert main(["check", "--notebooks", str(course), "01"]) == 0
    out = capsys.readouterr().out
    assert "01_passes.ipynb" in out and "02_fails.ipynb" not in out


def test_a_cell_over_the_timeout_fails_the_notebook(tmp_path):
    _write(tmp_path / "01_slow.ipynb", new_code_cell("import time\ntime.sleep(30)"))
    outcome = execute(tmp_path / "01_slow.ipynb", timeout=2)
    assert not outcome.ok and outcome.cell == 1
    assert "timed out" in outcome.status


def test_an_unreadable_notebook_is_reported_not_raised(tmp_path):
    (tmp_path / "01_broken.ipynb").write_text("{ not json")
    outcome = execute(tmp_path / "01_broken.ipynb")
    assert not outcome.ok and "cannot read" in outcome.status


def test_a_folder_without_notebooks_is_a_usage_error(tmp_path, capsys):
    assert main(["check", "--notebooks", str(tmp_path)]) == 2
    assert "no course notebooks" in capsys.readouterr().err


def test_an_unknown_notebook_name_is_a_usage_error(course, capsys):
    assert main(["check", "--notebooks", str(course), "07"]) == 2
    assert "no notebook matches 07" in capsys.readouterr().err


def test_notebooks_are_found_in_the_working_directory_or_beside_the_package(tmp_path, course):
    here = tmp_path / "checkout"
    (here / "notebooks").mkdir(parents=True)
    _write(here / "notebooks" / "00_x.ipynb", new_code_cell("1"))
    assert notebooks_dir(cwd=here) == (here / "notebooks").resolve()
    assert notebooks_dir(cwd=here / "notebooks") == (here / "notebooks").resolve()
    # Elsewhere: the course's own notebooks, beside the package in this checkout.
    found = notebooks_dir(cwd=tmp_path / "elsewhere")
    assert (found / "00_start_here.ipynb").is_file()
