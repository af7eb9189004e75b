"""A short recap quiz at the end of a notebook: a few questions, immediate feedback.

    from cognito_lab.teach.quiz import Question, Quiz

    Quiz([
        Question("Which token does your API accept?",
                 ["the ID token", "the access token", "either"], answer=1,
                 why={0: "The ID token is for the app to read who signed in …",
                      2: "…"},
                 explain="An API checks an access token's scopes …"),
    ])

In a running notebook each question is a set of radio buttons and a **Check** button;
checking prints ✅ and the explanation, or ❌ and why that choice is wrong. Where no kernel
runs (GitHub, nbviewer, a saved notebook) the output shows the questions as HTML, each
answer folded in a ``<details>`` block, so a reader can still test themselves.

``Quiz.check(index, choice)`` is what the button calls: it returns the feedback line, so
the feedback can be tested without widgets.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Question:
    """One multiple-choice question: ``answer`` is the index of the right choice; ``why``
    explains, per wrong choice, what is wrong with it; ``explain`` says why the answer is
    right."""

    text: str
    choices: Sequence[str]
    answer: int
    explain: str
    why: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.answer < len(self.choices):
            raise ValueError(f"answer {self.answer} is not one of the {len(self.choices)} "
                             "choices")
        missing = [i for i in range(len(self.choices)) if i != self.answer and i not in
                   self.why]
        if missing:
            raise ValueError(f"say why choice(s) {missing} are wrong: {self.text!r}")

    def feedback(self, choice: int | None) -> str:
        if choice is None:
            return "Pick an answer first."
        if choice == self.answer:
            return f"✅ Right. {self.explain}"
        return f"❌ Not quite: {self.why[choice]}"


class Quiz:
    """A recap of a lesson's key points: 2–4 :class:`Question`s."""

    def __init__(self, questions: Sequence[Question], title: str = "Check your understanding"
                 ) -> None:
        self.questions = list(questions)
        self.title = title
        if not 1 <= len(self.questions) <= 6:
            raise ValueError("a recap quiz has a few questions (2–4 is best)")

    def check(self, index: int, choice: int | None) -> str:
        """The feedback for ``choice`` (an index, or None) to question ``index``."""
        return self.questions[index].feedback(choice)

    # -- the live widget -------------------------------------------------------------------
    def widget(self):
        import ipywidgets as widgets

        boxes = [widgets.HTML(f"<b>{html.escape(self.title)}</b>")]
        for number, question in enumerate(self.questions):
            radio = widgets.RadioButtons(
                options=[(choice, i) for i, choice in enumerate(question.choices)],
                value=None, layout=widgets.Layout(width="max-content"))
            button = widgets.Button(description="Check", button_style="primary")
            answer = widgets.HTML()

            def on_click(_button, number=number, radio=radio, answer=answer) -> None:
                answer.value = html.escape(self.check(number, radio.value))

            button.on_click(on_click)
            boxes += [widgets.HTML(f"<p><b>{number + 1}.</b> {html.escape(question.text)}</p>"),
                      radio, widgets.HBox([button, answer])]
        return widgets.VBox(boxes)

    # -- the static view -------------------------------------------------------------------
    def static_html(self) -> str:
        parts = [f"<div class='cognito-lab-quiz'><p><b>{html.escape(self.title)}</b> "
                 "(run the notebook to answer with buttons; or answer in your head, then "
                 "open each answer)</p>"]
        for number, question in enumerate(self.questions, 1):
            letters = "abcdefgh"
            choices = "".join(f"<li>{letters[i]}) {html.escape(c)}</li>"
                              for i, c in enumerate(question.choices))
            wrong = "".join(f"<li>{letters[i]}) {html.escape(text)}</li>"
                            for i, text in sorted(question.why.items()))
            parts.append(
                f"<p><b>{number}.</b> {html.escape(question.text)}</p>"
                f"<ul style='list-style:none'>{choices}</ul>"
                f"<details><summary>Answer</summary><p><b>"
                f"{letters[question.answer]}) {html.escape(question.choices[question.answer])}"
                f"</b>: {html.escape(question.explain)}</p><p>Why not the others:</p>"
                f"<ul style='list-style:none'>{wrong}</ul></details>")
        parts.append("</div>")
        return "".join(parts)

    def __repr__(self) -> str:
        return f"<Quiz: {len(self.questions)} questions>"

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        # A live widget where a widget manager runs; the static questions elsewhere (the
        # saved notebook keeps no widget state).
        try:
            data = dict(self.widget()._repr_mimebundle_(**kwargs) or {})
        except ImportError:             # pragma: no cover - ipywidgets is a dependency
            data = {}
        data["text/plain"] = repr(self)
        data["text/html"] = self.static_html()
        return data


__all__ = ["Question", "Quiz"]
