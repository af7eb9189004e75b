"""Every Mermaid diagram of the course renders as a picture in JupyterLab.

A diagram with a syntax error (``;`` inside a sequence-diagram message is one) does not
fail any notebook run: JupyterLab quietly shows its source instead. So each diagram is
looked at where learners see it, in a real JupyterLab in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from .jupyterlab import NOTEBOOK, open_notebook, screenshot

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
COURSE = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def diagram_cells(name: str) -> dict[int, int]:
    """Cell index -> number of ```mermaid fences in that Markdown cell."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    return {index: len(re.findall(r"```mermaid\n", cell.source))
            for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "markdown" and "```mermaid" in cell.source}


def test_the_course_has_diagrams():
    assert sum(sum(diagram_cells(name).values()) for name in COURSE) >= len(COURSE)


@pytest.mark.parametrize("name", COURSE, ids=[n.removesuffix(".ipynb") for n in COURSE])
def test_every_diagram_renders(browser, jupyterlab, name):
    cells = diagram_cells(name)
    if not cells:
        pytest.fail(f"{name} has no Mermaid diagram (the course style asks for one)")
    page = open_notebook(browser, jupyterlab, name)
    try:
        for index, count in cells.items():
            cell = page.locator(f"{NOTEBOOK} .jp-Cell").nth(index)
            cell.scroll_into_view_if_needed()
            pictures = cell.locator(".jp-RenderedMermaid img[src^='data:image/svg+xml']")
            expect(pictures).to_have_count(count, timeout=30_000)
            for number in range(count):
                box = pictures.nth(number).bounding_box()
                assert box is not None and box["height"] > 40, (
                    f"{name}, cell {index}: diagram {number + 1} rendered empty")
    except AssertionError:
        screenshot(page, f"{name.removesuffix('.ipynb')}-diagrams")
        raise
    finally:
        page.close()
        jupyterlab.shut_down_kernel(name)
