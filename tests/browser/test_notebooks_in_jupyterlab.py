"""The notebooks run in a real JupyterLab in Chromium, and what a learner sees is right.

Each case runs one notebook with Run → Run All Cells (outputs stripped first, so every
output is from this run), then calls its ``interact(page)`` to look at the page and, for
widget notebooks, click and check. To add a notebook: write ``interact`` and append a
``Case`` to CASES. A screenshot per notebook lands in test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

import pytest

from .jupyterlab import NOTEBOOK, error_outputs, run_notebook, screenshot


@dataclass(frozen=True)
class Case:
    notebook: str
    interact: Callable  # (page) -> None: asserts on the page after all cells ran


def output(page, text: str):
    """The outputs of the open notebook that contain ``text``."""
    return page.locator(f"{NOTEBOOK} .jp-OutputArea-output", has_text=text)


def start_here(page) -> None:
    # The lab's map: its HTML table, rendered as a table.
    row = page.locator(f"{NOTEBOOK} .jp-OutputArea-output table th", has_text="lab.user_pool_id")
    assert row.count() == 1 and row.is_visible()
    # The exercise: ❌ on the untouched skeleton, ✅ from the solution.
    assert output(page, "❌ Not done yet").count() == 1
    solved = output(page, "✅ Right: AWS serves the keys at")
    assert solved.count() == 1 and solved.is_visible()
    # The Mermaid diagram rendered as an SVG picture, with the parties in it.
    diagram = page.locator(f"{NOTEBOOK} .jp-RenderedMermaid img[src^='data:image/svg+xml']")
    assert diagram.count() == 1 and diagram.is_visible()
    assert diagram.bounding_box()["height"] > 50
    svg = unquote(diagram.get_attribute("src"))
    assert "<svg" in svg and "Local Cognito" in svg and "Your API" in svg


CASES = [
    Case("00_start_here.ipynb", start_here),
    # Case("04_authorization_code_pkce.ipynb", click_through_the_flow),  ← widget notebooks
]


@pytest.mark.parametrize("case", CASES, ids=[c.notebook.removesuffix(".ipynb") for c in CASES])
def test_notebook_runs_in_jupyterlab(browser, jupyterlab, case):
    page = run_notebook(browser, jupyterlab, case.notebook)
    try:
        prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        assert prompts and all(p.strip("[]: ").isdigit() for p in prompts), prompts
        assert error_outputs(page) == []
        case.interact(page)
    finally:
        screenshot(page, case.notebook)
        page.close()
