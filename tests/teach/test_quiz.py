"""The recap quiz: right answer → ✅ and why; wrong answer → the explanation for that
choice; a static view that reads without a kernel (answers folded in <details>)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cognito_lab.teach.quiz import Question, Quiz
from cognito_lab.teach.recaps import RECAPS, recap

QUESTION = Question("Which token does your API accept?",
                    ["the ID token", "the access token", "either"], answer=1,
                    explain="APIs check token_use == 'access'.",
                    why={0: "the ID token is for the app to read", 2: "token_use tells them apart"})


def test_the_right_answer_says_so_and_why():
    assert Quiz([QUESTION]).check(0, 1) == "✅ Right. APIs check token_use == 'access'."


@pytest.mark.parametrize(("choice", "feedback"), [
    (0, "❌ Not quite: the ID token is for the app to read"),
    (2, "❌ Not quite: token_use tells them apart"),
])
def test_a_wrong_answer_gets_the_explanation_for_that_choice(choice, feedback):
    assert Quiz([QUESTION]).check(0, choice) == feedback


def test_no_answer_yet():
    assert Quiz([QUESTION]).check(0, None) == "Pick an answer first."


def test_every_wrong_choice_must_be_explained():
    with pytest.raises(ValueError, match="say why choice"):
        Question("q", ["a", "b", "c"], answer=0, explain="e", why={1: "no"})
    with pytest.raises(ValueError, match="not one of"):
        Question("q", ["a", "b"], answer=2, explain="e", why={0: "x", 1: "y"})


def test_the_button_shows_the_feedback():
    widget = Quiz([QUESTION]).widget()
    radio, row = widget.children[2], widget.children[3]
    button, answer = row.children
    radio.value = 2
    button.click()
    assert "token_use tells them apart" in answer.value and "❌" in answer.value
    radio.value = 1
    button.click()
    assert answer.value.startswith("✅")


def test_the_static_view_shows_questions_with_answers_folded():
    page = Quiz([QUESTION]).static_html()
    assert "Which token does your API accept?" in page
    assert "<details><summary>Answer</summary>" in page
    folded = page.split("<details>", 1)[1]
    assert "b) the access token" in folded and "APIs check" in folded
    assert "APIs check" not in page.split("<details>", 1)[0]       # the answer stays hidden
    bundle = Quiz([QUESTION])._repr_mimebundle_()
    assert bundle["text/html"] == page and "VBox(" not in bundle["text/plain"]


NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK_NUMBERS = sorted(path.name[:2] for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("number", NOTEBOOK_NUMBERS)
def test_every_notebook_has_a_recap_of_two_to_four_questions(number):
    quiz = recap(number)
    assert 2 <= len(quiz.questions) <= 4
    assert sorted(RECAPS) == NOTEBOOK_NUMBERS
    for question in quiz.questions:
        wrong = [i for i in range(len(question.choices)) if i != question.answer]
        assert all(re.search(r"\w", question.why[i]) for i in wrong)
        assert re.search(r"\w", question.explain)
