"""`cognito-lab reset`: a dry run changes nothing; --yes cleans only the notebooks folder."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from cognito_lab.cli import main, reset

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else b"")
            for p in sorted(root.rglob("*")) if ".git" not in p.parts}


@pytest.fixture
def workshop(tmp_path) -> Path:
    """A course checkout after a workshop: edited notebooks and files learners made."""
    repo = tmp_path / "repo"
    notebooks = repo / "notebooks"
    (notebooks / "solutions").mkdir(parents=True)
    (notebooks / "00_start.ipynb").write_text('{"stored": "outputs"}')
    (notebooks / "01_next.ipynb").write_text('{"stored": "more outputs"}')
    (notebooks / "solutions" / "00_start.py").write_text("answer = 1\n")
    (notebooks / "sanitize.cfg").write_text("[ports]\n")
    (repo / ".gitignore").write_text(".ipynb_checkpoints/\n__pycache__/\ninstructor-only/\n")
    (repo / "README.md").write_text("readme\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "course")
    # what a group of learners leaves behind
    (notebooks / "00_start.ipynb").write_text('{"learner": "outputs"}')
    (notebooks / "01_next.ipynb").unlink()
    (notebooks / "solutions" / "00_start.py").write_text("answer = 2\n")
    (notebooks / "sanitize.cfg").write_text("[ports]\n[an instructor's new section]\n")
    (notebooks / ".ipynb_checkpoints").mkdir()
    (notebooks / ".ipynb_checkpoints" / "00_start-checkpoint.ipynb").write_text("{}")
    (notebooks / "Untitled.ipynb").write_text("{}")
    (notebooks / "scratch").mkdir()
    (notebooks / "scratch" / "my_notes.txt").write_text("mine")
    (notebooks / "solutions" / "__pycache__").mkdir()
    (notebooks / "solutions" / "__pycache__" / "x.pyc").write_text("")
    # an instructor's new notebook, not committed yet, and files git ignores on purpose:
    # never deleted
    (notebooks / "05_new_lesson.ipynb").write_text("{}")
    (notebooks / "instructor-only").mkdir()
    (notebooks / "instructor-only" / "answers.md").write_text("keep")
    # outside the notebooks folder: never touched
    (repo / "outside.txt").write_text("keep me")
    (tmp_path / "target.txt").write_text("the target of a link")
    (notebooks / "link_out").symlink_to(tmp_path / "target.txt")
    return repo


def test_dry_run_lists_everything_and_changes_nothing(workshop, capsys):
    before = _snapshot(workshop.parent)
    assert main(["reset", "--notebooks", str(workshop / "notebooks")]) == 0
    out = capsys.readouterr().out
    assert _snapshot(workshop.parent) == before
    assert "(a git checkout)" in out
    assert "would restore" in out
    for name in ("00_start.ipynb", "01_next.ipynb", "solutions/00_start.py",
                 ".ipynb_checkpoints/00_start-checkpoint.ipynb", "Untitled.ipynb",
                 "scratch/my_notes.txt", "link_out", "solutions/__pycache__/x.pyc"):
        assert f"  {name}\n" in out, name
    kept = out.split("left alone", 1)[1]
    assert "  05_new_lesson.ipynb\n" in kept and "  instructor-only/answers.md\n" in kept
    assert "  sanitize.cfg\n" in kept
    assert "outside.txt" not in out
    assert "reset --yes" in out


def test_yes_restores_stored_outputs_and_removes_learners_files(workshop, capsys):
    notebooks = workshop / "notebooks"
    assert main(["reset", "--notebooks", str(notebooks), "--yes"]) == 0
    assert (notebooks / "00_start.ipynb").read_text() == '{"stored": "outputs"}'
    assert (notebooks / "01_next.ipynb").read_text() == '{"stored": "more outputs"}'
    assert (notebooks / "solutions" / "00_start.py").read_text() == "answer = 1\n"
    for gone in (".ipynb_checkpoints", "Untitled.ipynb", "scratch", "link_out",
                 "solutions/__pycache__"):
        assert not (notebooks / gone).exists() and not (notebooks / gone).is_symlink(), gone
    assert (notebooks / "05_new_lesson.ipynb").exists()
    assert (notebooks / "instructor-only" / "answers.md").read_text() == "keep"
    assert "new section" in (notebooks / "sanitize.cfg").read_text()
    assert (notebooks / "solutions").is_dir()
    assert (workshop / "outside.txt").read_text() == "keep me"
    assert (workshop.parent / "target.txt").read_text() == "the target of a link"
    assert "Done" in capsys.readouterr().out
    # A second reset finds nothing more to do.
    assert main(["reset", "--notebooks", str(notebooks)]) == 0
    assert "Already clean" in capsys.readouterr().out


def test_outside_git_only_jupyter_litter_goes(tmp_path):
    notebooks = tmp_path / "notebooks"
    (notebooks / ".ipynb_checkpoints").mkdir(parents=True)
    (notebooks / "00_start.ipynb").write_text('{"learner": "outputs"}')
    (notebooks / ".ipynb_checkpoints" / "00_start-checkpoint.ipynb").write_text("{}")
    (notebooks / "Untitled1.ipynb").write_text("{}")
    (notebooks / "untitled.txt").write_text("")
    (notebooks / "__pycache__").mkdir()
    (notebooks / "my_work.py").write_text("mine")
    out = io.StringIO()
    assert reset.run(notebooks=str(notebooks), yes=True, out=out) == 0
    assert "not a git checkout" in out.getvalue()
    assert "cannot be restored" in out.getvalue()
    assert sorted(p.name for p in notebooks.iterdir()) == ["00_start.ipynb", "my_work.py"]
    assert (notebooks / "00_start.ipynb").read_text() == '{"learner": "outputs"}'


def test_a_path_leading_outside_the_folder_is_refused(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (folder / "door").symlink_to(tmp_path / "elsewhere")
    plan = reset.Plan(folder, True, remove=["door/secret.txt"])
    with pytest.raises(reset.UsageError, match="not inside"):
        reset.apply(plan)
    with pytest.raises(reset.UsageError, match="not inside"):
        reset.apply(reset.Plan(folder, True, remove=["../elsewhere"]))
    assert (tmp_path / "elsewhere").is_dir()


def test_it_refuses_a_repository_root_or_a_folder_without_notebooks(workshop, tmp_path, capsys):
    before = _snapshot(workshop)
    assert main(["reset", "--notebooks", str(workshop), "--yes"]) == 2
    assert "root of the repository" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["reset", "--notebooks", str(tmp_path / "empty"), "--yes"]) == 2
    assert "no course notebooks" in capsys.readouterr().err
    assert _snapshot(workshop) == before
