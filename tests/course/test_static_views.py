"""Every notebook reads well where no kernel runs: GitHub, nbviewer, static HTML.

A saved notebook keeps no widget state (``store_widget_state=False``), so what a reader
sees there is each output's static fallback: the ``text/html`` (else ``text/plain``) next to
a widget view. nbconvert's ``HTMLExporter`` renders exactly that from the stored outputs
(nothing is executed here). What must never show: an ipywidgets repr such as
``VBox(children=(HBox(…`` and a progress bar frozen where it was first drawn
(``bench:   0%|          | 0/11 [00:00<?, ?step/s]``).

Then one test per widget of ``cognito_lab``: its static fallback shows its content (the
PKCE stepper's steps, the token inspector's token, the benchmark's finished line).
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# What a static rendering must not contain (searched in the outputs' visible text).
PLACEHOLDERS = {
    "an ipywidgets repr": re.compile(
        r"\b(?:[VH]Box|GridBox|Box|Tab|Accordion|Button|Textarea|HTML|IntProgress|"
        r"FloatProgress)\((?:children|value|description|layout|style)=|\w+Style\(\)"),
    "a tqdm bar (frozen)": re.compile(r"\d{1,3}%\|"),
    "a tqdm counter (frozen)": re.compile(r"(?<![\w/.:])0/\d+(?![\w/])"),
    "a tqdm rate": re.compile(r"(?:\?|\d)(?:step|it)/s\]"),
}


def visible_text(page: str) -> str:
    """The text a reader sees in an HTML page: no scripts, no styles, no tags."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


def render_outputs(nb) -> str:
    """The notebook's stored outputs as nbconvert's HTML shows them (no inputs, no prose)."""
    exporter = HTMLExporter(exclude_input=True, exclude_markdown=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _resources = exporter.from_notebook_node(nb)
    return body


def placeholders_in(text: str) -> list[str]:
    return [f"{name}: {match.group(0)!r}" for name, pattern in PLACEHOLDERS.items()
            for match in [pattern.search(text)] if match]


def notebook_with(*outputs: dict):
    """A one-cell notebook holding ``outputs`` (nbformat dicts), as stored after a run."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...", execution_count=1)
    cell.outputs = [nbformat.from_dict(output) for output in outputs]
    nb.cells.append(cell)
    return nb


def display_data(bundle: dict) -> dict:
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


# --- every notebook, from its stored outputs ----------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_static_html_shows_no_widget_placeholder_or_frozen_bar(path):
    nb = nbformat.read(path, as_version=4)
    text = visible_text(render_outputs(nb))
    assert placeholders_in(text) == [], f"{path.name} renders statically as placeholders"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_widget_output_has_a_static_fallback(path):
    """Beside each widget view: text/html, or text/plain that is not the widget's repr."""
    nb = nbformat.read(path, as_version=4)
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            fallback = data.get("text/html") or data.get("text/plain")
            assert fallback is not None, f"{path.name} cell {number}: no static fallback"
            assert placeholders_in(str(fallback)) == [], f"{path.name} cell {number}"


# --- each widget's static rendering ---------------------------------------------------------


def test_pkce_stepper_displays_a_widget_and_its_steps_as_static_html(lab):
    from cognito_lab.teach.pkce_stepper import OUTLINE, PkceStepper

    stepper = PkceStepper(lab)
    bundle = stepper._repr_mimebundle_()
    assert WIDGET_VIEW in bundle                           # live where widgets run
    assert bundle["text/plain"] == "<PkceStepper alice@example.com: 0 of 7 steps done>"
    text = visible_text(render_outputs(notebook_with(display_data(bundle))))
    assert placeholders_in(text) == []
    assert "PKCE stepper · 7 steps" in text and "Next step ▶" in text
    for _arrows, title in OUTLINE:                         # the flow, step by step
        assert title in text
    assert "Arrows 10–11 · The app redeems the code with the verifier" in text
    # Deterministic: no port, state or code in it, so nbval compares it as it is.
    assert stepper.static_html() == PkceStepper(lab).static_html()
    assert lab.endpoint_url not in bundle["text/html"]


def test_pkce_stepper_outline_matches_the_steps_it_runs(lab):
    from cognito_lab.teach.pkce_stepper import OUTLINE, PkceStepper

    stepper = PkceStepper(lab)
    steps = stepper.run_all()
    assert [(step.arrows, step.title) for step in steps] == list(OUTLINE)
    text = visible_text(stepper.static_html())
    assert "PKCE stepper · Step 7 of 7" in text
    assert text.count("✔") >= len(OUTLINE)                 # every step ticked off
    assert "access token scope: openid email orders/read" in text   # the current step
    assert lab.users["alice"].password not in stepper.static_html()


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_token_inspector_static_html_is_the_decoded_token():
    from cognito_lab.teach.tokens import TokenInspector, token_html

    token = ".".join([_b64({"kid": "k1", "alg": "RS256"}),
                      _b64({"sub": "s-1", "token_use": "id", "aud": "client-1",
                            "email": "alice@example.com", "exp": 4102444800}),
                      _b64({"not": "a real signature"})])
    bundle = TokenInspector(token)._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert bundle["text/html"] == token_html(token)
    text = visible_text(render_outputs(notebook_with(display_data(bundle))))
    assert placeholders_in(text) == []
    assert "ID token" in text and "alice@example.com" in text and "client-1" in text


def test_empty_token_inspector_static_html_invites_a_paste():
    from cognito_lab.teach.tokens import TokenInspector

    bundle = TokenInspector()._repr_mimebundle_()
    text = visible_text(render_outputs(notebook_with(display_data(bundle))))
    assert "Paste a token above" in text and placeholders_in(text) == []


class _Recorder:
    """Stands in for IPython's display(): records the bundles shown."""

    def __init__(self) -> None:
        self.shown: list[dict] = []

    def __call__(self, bundle: dict, raw: bool = False) -> None:
        assert raw
        self.shown.append(bundle)


def test_benchmark_bar_leaves_a_finished_line_not_a_frozen_bar(capsys):
    from cognito_lab.bench import _NotebookBar

    display = _Recorder()
    bar = _NotebookBar(11, display=display)
    (bundle,) = display.shown
    assert WIDGET_VIEW in bundle and bundle["text/plain"] == ""   # live bar; nothing frozen
    for _ in range(11):
        bar.update(1)
    bar.close()
    bar.close()                                        # a second close prints nothing more
    printed = capsys.readouterr().out
    assert re.fullmatch(r"bench: 11/11 steps done in \d+\.\d s\n", printed), printed
    stored = notebook_with(display_data(bundle),
                           {"output_type": "stream", "name": "stdout", "text": printed})
    text = visible_text(render_outputs(stored))
    assert placeholders_in(text) == []
    assert "bench: 11/11 steps done in" in text


def test_benchmark_bar_says_where_a_failed_run_stopped(capsys):
    from cognito_lab.bench import _NotebookBar

    bar = _NotebookBar(11, display=_Recorder())
    bar.update(3)
    bar.close()
    assert re.fullmatch(r"bench: stopped after 3/11 steps \(\d+\.\d s\)\n",
                        capsys.readouterr().out)


def test_benchmark_uses_the_notebook_bar_in_a_notebook(monkeypatch):
    from cognito_lab import bench

    monkeypatch.setattr(bench, "_in_notebook", lambda: True)
    made = []
    monkeypatch.setattr(bench, "_NotebookBar", lambda total: made.append(total) or "bar")
    assert bench._progress_bar(11, None) == "bar" and made == [11]
    assert isinstance(bench._progress_bar(11, False), bench._NoBar)
