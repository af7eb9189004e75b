"""`cognito-lab course [DIR]`: the notebooks without a checkout, and a learner's edits kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cognito_lab.cli import main
from cognito_lab.cli.course import MANIFEST, copy_course, course_files, shipped_notebooks

ROOT = Path(__file__).resolve().parents[2]


def _run(capsys, *argv: str) -> str:
    assert main(["course", *argv]) == 0
    return capsys.readouterr().out


def test_in_a_checkout_the_course_is_the_notebooks_folder():
    assert shipped_notebooks() == ROOT / "notebooks"


def test_copies_every_notebook_and_solution_into_an_empty_folder(tmp_path, capsys):
    dest = tmp_path / "my course"
    out = _run(capsys, str(dest))
    files = course_files(ROOT / "notebooks")
    assert {p.as_posix() for p in files} >= {"00_start_here.ipynb", "solutions/00_start_here.py"}
    for relative in files:
        assert (dest / relative).read_bytes() == (ROOT / "notebooks" / relative).read_bytes()
    assert not (dest / "sanitize.cfg").exists()
    assert f"copied: {len(files)} file(s)" in out
    assert "jupyter lab '" in out and str(dest) in out     # how to open it, quoted for a shell
    assert set(json.loads((dest / MANIFEST).read_text())) == {p.as_posix() for p in files}


def test_default_folder_is_cognito_course_here(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = _run(capsys)
    assert (tmp_path / "cognito-course" / "00_start_here.ipynb").is_file()
    assert "jupyter lab cognito-course" in out


def test_a_rerun_keeps_a_changed_file_and_says_so(tmp_path, capsys):
    _run(capsys, str(tmp_path))
    mine = tmp_path / "00_start_here.ipynb"
    mine.write_text(mine.read_text() + "\n")           # the learner ran or edited it
    out = _run(capsys, str(tmp_path))
    assert mine.read_text().endswith("\n\n") or mine.read_text().endswith("}\n\n")
    assert "kept your changes in:" in out and "00_start_here.ipynb" in out
    assert "--force" in out
    assert not (tmp_path / "00_start_here.new.ipynb").exists()   # the course has not moved on


def test_a_rerun_updates_untouched_files_and_offers_the_new_version_of_changed_ones(tmp_path):
    source = tmp_path / "course"
    (source / "solutions").mkdir(parents=True)
    (source / "00_a.ipynb").write_text("v1 a")
    (source / "01_b.ipynb").write_text("v1 b")
    (source / "solutions" / "00_a.py").write_text("answer")
    dest = tmp_path / "learner"
    assert copy_course(dest, source=source)["copied"] == ["00_a.ipynb", "01_b.ipynb",
                                                          "solutions/00_a.py"]
    (dest / "01_b.ipynb").write_text("my notes")
    (source / "00_a.ipynb").write_text("v2 a")         # a newer course
    (source / "01_b.ipynb").write_text("v2 b")
    report = copy_course(dest, source=source)
    assert report["updated"] == ["00_a.ipynb"] and (dest / "00_a.ipynb").read_text() == "v2 a"
    assert report["kept"] == ["01_b.ipynb"] and (dest / "01_b.ipynb").read_text() == "my notes"
    assert report["beside"] == ["01_b.new.ipynb"]
    assert (dest / "01_b.new.ipynb").read_text() == "v2 b"
    assert report["unchanged"] == ["solutions/00_a.py"]
    # Still changed on the next run: kept again, nothing new to offer, nothing lost.
    again = copy_course(dest, source=source)
    assert again["kept"] == ["01_b.ipynb"] and again["beside"] == []


def test_force_replaces_a_changed_file(tmp_path, capsys):
    _run(capsys, str(tmp_path))
    mine = tmp_path / "solutions" / "00_start_here.py"
    mine.write_text("# my attempt\n")
    out = _run(capsys, str(tmp_path), "--force")
    assert mine.read_bytes() == (ROOT / "notebooks" / "solutions" / "00_start_here.py").read_bytes()
    assert "replaced (--force): 1 file(s)" in out


def test_a_file_in_the_way_is_a_usage_error(tmp_path, capsys):
    blocker = tmp_path / "taken"
    blocker.write_text("")
    assert main(["course", str(blocker)]) == 2
    assert "not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["course", "--help"]])
def test_course_has_its_own_help(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    assert "NAME.new.ipynb" in capsys.readouterr().out
