"""Every course notebook has the structure docs/notebook-style.md describes.

One test per rule and per notebook, so a failure reads as "02_app_clients: no Key points".
Every README link must resolve: the course is complete, and a missing notebook or doc
is a failure, not a warning.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SKIP_TAGS = {"skip", "nbval-skip", "skip-execution"}
SECTIONS = ("What you will learn", "What you will do", "Prerequisites", "Time")


def _load(path: Path):
    return nbformat.read(path, as_version=4)


def _code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def _text(cell) -> str:
    """A code cell's stored text outputs, joined."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(str(output.data.get("text/plain", "")))
    return "".join(parts)


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def _number(path: Path) -> str:
    return path.name[:2]


def _bullets(markdown: str, heading: str) -> list[str]:
    """The bullet lines under ``heading`` (a ##/### or **bold** line) up to the next one."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if heading in line)
    bullets = []
    for line in lines[start + 1:]:
        if line.startswith(("#", "**")):
            break
        if re.match(r"^\s*[-*] ", line):
            bullets.append(line)
    return bullets


notebook = pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])


def test_there_is_a_course():
    assert PATHS and PATHS[0].name == "00_start_here.ipynb"


# -- the opening cell ---------------------------------------------------------------------
@notebook
def test_opens_with_a_numbered_title(path):
    first = _load(path).cells[0]
    assert first.cell_type == "markdown", "the first cell must be Markdown"
    title = first.source.splitlines()[0]
    assert re.fullmatch(rf"# {_number(path)} · \S.*", title), (
        f"first line {title!r} should be '# {_number(path)} · Title'")


@notebook
def test_opening_cell_says_what_you_learn_do_need_and_how_long(path):
    first = _load(path).cells[0].source
    missing = [s for s in SECTIONS if not re.search(rf"(^|\n)(#+ |\*\*){s}", first)]
    assert not missing, f"the first cell lacks {missing}"
    assert re.search(r"Time\W*[^\n]*\d+\s*min", first), "Time must say minutes"
    assert 3 <= len(_bullets(first, "What you will learn")) <= 5, "3–5 learning objectives"


# -- the lab ------------------------------------------------------------------------------
@notebook
def test_starts_a_lab_and_the_last_code_cell_stops_it(path):
    code = _code(_load(path))
    assert any("Lab.start(" in c.source for c in code), "no cell starts a lab"
    assert code[-1].source.strip() == "lab.stop()", "the last code cell must be lab.stop()"


# -- exercises ----------------------------------------------------------------------------
def _exercises(nb) -> list[tuple[int, str]]:
    return [(i, c.source.splitlines()[0]) for i, c in enumerate(nb.cells)
            if c.cell_type == "markdown" and re.match(r"## Exercise \d+: \S", c.source)]


def _check_call(source: str) -> str | None:
    found = re.search(r"^\s*(check_\w+\(.*\))\s*$", source.strip().splitlines()[-1])
    return found.group(1) if found else None


@notebook
def test_has_at_least_one_exercise_with_a_hint(path):
    nb = _load(path)
    exercises = _exercises(nb)
    assert exercises, "no '## Exercise N: title' Markdown cell"
    for index, heading in exercises:
        assert re.search(r"<details><summary>Hint( \d)?</summary>", nb.cells[index].source), (
            f"{heading!r} has no <details><summary>Hint</summary> (or Hint 1) block")


SHOW_SOLUTION = re.compile(r'^solution = show_solution\("(\d\d_\w+)"\)', re.M)


def _html(cell) -> str:
    """A code cell's stored text/html outputs, joined."""
    return "".join(str(o.data.get("text/html", "")) for o in cell.get("outputs", [])
                   if o.output_type in ("execute_result", "display_data"))


@notebook
def test_each_exercise_has_workspace_check_solution_and_the_same_check(path):
    """Task, workspace, check (❌ on the skeleton), '### Solution', then the solution cell:
    ``solution = show_solution("NN_x")`` (folded source, run in its own namespace) and the
    same check on the solution's names (``solution.x``), whose stored output is ✅."""
    nb = _load(path)
    cells = nb.cells
    for index, heading in _exercises(nb):
        solution_at = next((i for i in range(index + 1, len(cells))
                            if cells[i].cell_type == "markdown"
                            and cells[i].source.startswith("### Solution")), None)
        assert solution_at is not None, f"{heading!r}: no '### Solution' cell after it"
        between = cells[index + 1:solution_at]
        assert all(c.cell_type == "code" for c in between), (
            f"{heading!r}: only code cells between the task and its solution")
        assert len(between) >= 2, f"{heading!r}: needs a workspace cell and a check cell"
        check = _check_call(between[-1].source)
        assert check, f"{heading!r}: the cell before the solution must end with check_…(…)"
        assert "solution." not in check, f"{heading!r}: the learner's check uses the solution"
        assert "❌" in _text(between[-1]), (
            f"{heading!r}: the stored check on the untouched skeleton should show ❌")
        run = cells[solution_at + 1]
        assert run.cell_type == "code"
        shown = SHOW_SOLUTION.search(run.source)
        assert shown and shown.group(1).startswith(_number(path)), (
            f"{heading!r}: the solution cell must say "
            f"solution = show_solution(\"{_number(path)}_…\")")
        solved = _check_call(run.source)
        assert solved and "solution." in solved, (
            f"{heading!r}: the solution cell must end with the check on solution.<name>")
        assert solved.replace("solution.", "") == check, (
            f"{heading!r}: solution must re-run {check} on the solution's names")
        assert "✅" in _text(run), f"{heading!r}: the stored solution check should show ✅"
        assert "<details>" in _html(run), (
            f"{heading!r}: the stored solution should show its source folded in <details>")


@notebook
def test_no_cell_loads_a_solution_into_the_learners_namespace(path):
    """``%run -i solutions/…`` would overwrite the learner's answer on Run All."""
    loading = [i for i, c in enumerate(_load(path).cells, 1) if c.cell_type == "code"
               and re.search(r"%run\b|exec\(|import solutions", c.source)]
    assert not loading, f"cells {loading} load a solution into the notebook's namespace"


@notebook
def test_solution_files_exist_and_parse(path):
    names = [m.group(1) for c in _code(_load(path)) for m in SHOW_SOLUTION.finditer(c.source)]
    assert names, "no show_solution(...) cell"
    for name in names:
        solution = NOTEBOOKS / "solutions" / f"{name}.py"
        assert solution.is_file(), f"solutions/{name}.py does not exist"
        ast.parse(solution.read_text(), filename=str(solution))


@notebook
def test_ends_with_key_points(path):
    nb = _load(path)
    points = [c for c in nb.cells if c.cell_type == "markdown"
              and c.source.startswith("## Key points")]
    assert points, "no '## Key points' Markdown cell"
    assert 3 <= len(_bullets(points[-1].source, "## Key points")) <= 6, "3–6 key points"


@notebook
def test_ends_with_a_recap_quiz_that_reads_statically(path):
    """A recap quiz (cognito_lab.teach.quiz) after the last exercise; its stored output shows
    the questions as HTML with the answers folded in <details>."""
    nb = _load(path)
    quizzes = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
               and re.search(r"^recap\(\"\d\d\"\)\s*$", c.source, re.M)]
    assert quizzes, "no recap(\"NN\") quiz cell"
    last_exercise = max(i for i, _ in _exercises(nb))
    assert quizzes[-1] > last_exercise, "the recap quiz comes after the exercises"
    assert f'recap("{_number(path)}")' in nb.cells[quizzes[-1]].source, "the quiz of another lesson"
    stored = _html(nb.cells[quizzes[-1]])
    assert "<details><summary>Answer</summary>" in stored, (
        "the quiz's stored output should show its questions, answers folded")
    assert 2 <= stored.count("<summary>Answer</summary>") <= 4, "2–4 recap questions"


# -- time estimates -----------------------------------------------------------------------
WORDS_PER_MINUTE = 200          # reading prose
CODE_LINES_PER_MINUTE = 15      # reading (and running) the lesson's code
MINUTES_PER_EXERCISE = 5        # the least an exercise takes a first-time learner


def _stated_minutes(nb) -> int:
    return int(re.search(r"Time\W*[^\n]*?(\d+)\s*min", nb.cells[0].source).group(1))


def honest_minutes(nb) -> float:
    """What a first-time learner needs: the prose at 200 words a minute, the code at 15
    lines a minute, and at least 5 minutes per exercise."""
    words = sum(len(re.findall(r"[A-Za-z0-9_'’-]+", c.source)) for c in nb.cells
                if c.cell_type == "markdown")
    lines = sum(1 for c in nb.cells if c.cell_type == "code"
                for line in c.source.splitlines() if line.strip())
    return (words / WORDS_PER_MINUTE + lines / CODE_LINES_PER_MINUTE
            + MINUTES_PER_EXERCISE * len(_exercises(nb)))


@notebook
def test_time_estimate_is_honest_and_fits_one_sitting(path):
    nb = _load(path)
    stated, needed = _stated_minutes(nb), honest_minutes(nb)
    assert stated >= needed - 2.5, (
        f"Time says {stated} min; reading and doing it takes about {needed:.0f} min")
    assert stated <= 35, f"{stated} min: a lesson is one sitting (≤ 35 minutes)"


@notebook
def test_readme_states_the_same_time(path):
    rows = {}
    section = (ROOT / "README.md").read_text().split("## The course", 1)[1]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(r"\d\d", cells[0]):
            rows[cells[0]] = cells[-1]
    stated = _stated_minutes(_load(path))
    assert rows.get(_number(path)) == f"{stated} min", (
        f"README says {rows.get(_number(path))!r}; the notebook says {stated} min")


# -- stored outputs -----------------------------------------------------------------------
@notebook
def test_no_cell_is_skipped(path):
    skipped = [i for i, c in enumerate(_load(path).cells, 1) if _tags(c) & SKIP_TAGS]
    assert not skipped, f"cells {skipped} are tagged to be skipped"


@notebook
def test_every_code_cell_has_been_executed(path):
    unexecuted = [i for i, c in enumerate(_load(path).cells, 1)
                  if c.cell_type == "code" and c.source.strip() and c.execution_count is None]
    assert not unexecuted, f"cells {unexecuted} have no stored execution (make notebooks)"


@notebook
def test_errors_are_stored_only_where_meant(path):
    wrong = [i for i, c in enumerate(_load(path).cells, 1) if c.cell_type == "code"
             and "raises-exception" not in _tags(c)
             and any(o.output_type == "error" for o in c.get("outputs", []))]
    assert not wrong, f"cells {wrong} stored an error without the raises-exception tag"


# -- the course tables --------------------------------------------------------------------
def _course_table(markdown: str) -> list[tuple[str, str, str | None]]:
    """(number, name, link or None) for each row of the '## The course' table."""
    section = markdown.split("## The course", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(r"\d\d", cells[0]):
            link = re.fullmatch(r"\[(.+?)\]\((.+?)\)", cells[1])
            rows.append((cells[0], link.group(1) if link else cells[1],
                         link.group(2) if link else None))
        elif rows and not line.startswith("|"):
            break
    return rows


def _readme_rows():
    return _course_table((ROOT / "README.md").read_text())


def _start_here_rows():
    nb = _load(NOTEBOOKS / "00_start_here.ipynb")
    [cell] = [c for c in nb.cells if c.cell_type == "markdown" and "## The course" in c.source]
    return _course_table(cell.source)


@notebook
def test_readme_course_table_links_the_notebook(path):
    links = {link for _, _, link in _readme_rows()}
    assert f"notebooks/{path.name}" in links, f"README's course table does not link {path.name}"


def test_readme_course_table_links_resolve():
    rows = _readme_rows()
    assert [number for number, _, _ in rows] == [f"{n:02d}" for n in range(len(PATHS))]
    for number, _, link in rows:
        assert link and re.fullmatch(rf"notebooks/{number}_\w+\.ipynb", link), (
            f"row {number}: link {link!r} is not notebooks/{number}_….ipynb")
        assert (ROOT / link).is_file(), f"README's course table links a missing {link}"


def test_readme_other_relative_links_resolve():
    """Links outside the course table (docs, folders) resolve."""
    text = (ROOT / "README.md").read_text()
    links = {link.split("#")[0] for link in re.findall(r"\]\((?!https?://|#)([^)]+)\)", text)}
    missing = sorted(link for link in links
                     if not link.endswith(".ipynb") and not (ROOT / link).exists())
    assert not missing, f"README links to missing files: {missing}"


def test_readme_and_start_here_list_the_same_notebooks():
    readme = [(number, name) for number, name, _ in _readme_rows()]
    start_here = [(number, name) for number, name, _ in _start_here_rows()]
    assert readme == start_here


# -- the rules above really fail on a notebook that breaks them -----------------------------
def _broken_start_here(tmp_path: Path, change) -> Path:
    nb = _load(NOTEBOOKS / "00_start_here.ipynb")
    change(nb)
    path = tmp_path / "00_start_here.ipynb"
    nbformat.write(nb, path)
    return path


def _drop_key_points(nb):
    nb.cells = [c for c in nb.cells if not c.source.startswith("## Key points")]


def _unexecute_a_cell(nb):
    _code(nb)[1].execution_count = None


def _tag_skip(nb):
    _code(nb)[0].metadata["tags"] = ["nbval-skip"]


def _store_an_error(nb):
    _code(nb)[1].outputs.append(nbformat.v4.new_output(
        "error", ename="ValueError", evalue="x", traceback=[]))


def _forget_to_stop(nb):
    nb.cells = nb.cells[:-1]


def _wrong_title_number(nb):
    nb.cells[0].source = nb.cells[0].source.replace("# 00 ·", "# 01 ·", 1)


def _no_time(nb):
    nb.cells[0].source = re.sub(r"\*\*Time:\*\*.*", "", nb.cells[0].source)


def _solution_without_check(nb):
    for cell in _code(nb):
        if "show_solution(" in cell.source:
            cell.source = cell.source.rsplit("\n", 1)[0]


def _solution_checks_the_learners_answer(nb):
    for cell in _code(nb):
        if "show_solution(" in cell.source:
            cell.source = cell.source.replace("solution.", "")


def _run_the_solution_in_the_notebook(nb):
    for cell in _code(nb):
        if "show_solution(" in cell.source:
            cell.source = "%run -i solutions/00_start_here.py\n" + cell.source


def _no_quiz(nb):
    nb.cells = [c for c in nb.cells if "recap(" not in c.source]


def _claims_less_time(nb):
    nb.cells[0].source = re.sub(r"about \d+ minutes", "about 1 minutes", nb.cells[0].source)


@pytest.mark.parametrize(("change", "rule"), [
    (_drop_key_points, test_ends_with_key_points),
    (_unexecute_a_cell, test_every_code_cell_has_been_executed),
    (_tag_skip, test_no_cell_is_skipped),
    (_store_an_error, test_errors_are_stored_only_where_meant),
    (_forget_to_stop, test_starts_a_lab_and_the_last_code_cell_stops_it),
    (_wrong_title_number, test_opens_with_a_numbered_title),
    (_no_time, test_opening_cell_says_what_you_learn_do_need_and_how_long),
    (_solution_without_check, test_each_exercise_has_workspace_check_solution_and_the_same_check),
    (_solution_checks_the_learners_answer,
     test_each_exercise_has_workspace_check_solution_and_the_same_check),
    (_run_the_solution_in_the_notebook, test_no_cell_loads_a_solution_into_the_learners_namespace),
    (_no_quiz, test_ends_with_a_recap_quiz_that_reads_statically),
    (_claims_less_time, test_time_estimate_is_honest_and_fits_one_sitting),
], ids=lambda v: getattr(v, "__name__", "").lstrip("_"))
def test_a_rule_fails_on_a_notebook_that_breaks_it(tmp_path, change, rule):
    check = getattr(rule, "__wrapped__", rule)
    check(NOTEBOOKS / "00_start_here.ipynb")          # the real notebook passes
    with pytest.raises(AssertionError):
        check(_broken_start_here(tmp_path, change))
