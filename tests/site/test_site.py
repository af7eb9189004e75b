"""The course website (`make site`): complete, in course order, linked, and what a reader sees.

One build per session (conftest.py's ``built_site``). The Chromium test serves the build
folder over loopback and looks at the pages the way a reader does; its screenshots land in
test-artifacts/site/.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.site

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DOCS = ["fidelity.md", "verifier.md", "instructor-guide.md", "maintaining.md"]
ARTIFACTS = ROOT / "test-artifacts" / "site"
WIDGET_REPRS = re.compile(r"\b(VBox|HBox|Box|Button|Output|HTML|Tab|Accordion)\(")


class _Page(HTMLParser):
    """What one built page holds: its ids, its references, its table of contents, its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[str] = []
        self.nav: list[str] = []
        self.binder: list[str] = []
        self.source: str | None = None
        self.text: list[str] = []
        self._in_nav = self._in_source = False
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append(attrs[key])
        if tag == "nav" and "toc" in (attrs.get("class") or ""):
            self._in_nav = True
        if self._in_nav and tag == "a" and attrs.get("data-slug"):
            self.nav.append(attrs["href"])
        if tag == "a" and "binder" in (attrs.get("class") or ""):
            self.binder.append(attrs["href"])
        if tag == "span" and attrs.get("class") == "source":
            self._in_source = True
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        if tag == "span":
            self._in_source = False
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._in_source:
            self.source = data.strip()
        if not self._skip:
            self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, _Page]:
    return {path.name: _parse(path) for path in sorted(built_site.html.glob("*.html"))}


def _sources(pages: dict[str, _Page]) -> dict[str, str]:
    """page file -> the repository file it was made from (notebook pages say so)."""
    return {name: page.source for name, page in pages.items() if page.source}


def test_the_site_builds_without_warnings_and_offline(built_site):
    warnings = [line for line in built_site.log.splitlines()
                if re.search(r"⚠️|⛔|\bwarn(ing)?\b|\berror\b", line, re.I)]
    assert not warnings, "\n".join(warnings)
    assert (built_site.html / "index.html").is_file()
    print(f"site built in {built_site.seconds:.1f} s, "
          f"{'in a network namespace with no network' if built_site.offline else 'online'}")


def test_every_notebook_and_doc_is_a_page_in_course_order(pages):
    home = pages["index.html"]
    sources = _sources(pages)
    notebooks_in_nav = [Path(sources[href]).name for href in home.nav if href in sources]
    assert notebooks_in_nav == NOTEBOOKS
    docs = {f"{p.stem}.html" for p in (ROOT / "docs").glob("*.md")}
    assert set(home.nav[1 + len(NOTEBOOKS):]) == docs, "every docs/*.md is a page: see myst.yml"
    assert len(home.nav) == 1 + len(NOTEBOOKS) + len(docs)
    for doc in DOCS:     # a doc's page is named after its file, as MyST names it
        assert f"{Path(doc).stem}.html" in home.nav[1 + len(NOTEBOOKS):], f"docs/{doc}"
    # The notebooks come before the reference docs, and the home page comes first.
    assert home.nav[0] == "index.html"
    assert [href for href in home.nav if href in sources] == home.nav[1:1 + len(NOTEBOOKS)]


def test_every_internal_link_and_anchor_resolves(built_site, pages):
    broken = []
    for name, page in pages.items():
        for ref in page.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue
            target = built_site.html / unquote(parts.path) if parts.path else \
                built_site.html / name
            if not target.is_file():
                broken.append(f"{name}: {ref} (no file)")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target.name].ids if target.parent == built_site.html else set()
                if parts.fragment not in ids:
                    broken.append(f"{name}: {ref} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_every_notebook_page_launches_that_notebook_on_binder(pages):
    badge = re.search(r"\((https://mybinder\.org/v2/gh/[^)]+)\)",
                      (ROOT / "README.md").read_text(encoding="utf-8"))[1]
    assert badge.endswith("notebooks/00_start_here.ipynb")
    sources = _sources(pages)
    assert sorted(Path(source).name for source in sources.values()) == NOTEBOOKS
    for name, source in sources.items():
        expected = badge.replace("notebooks/00_start_here.ipynb", source)
        assert pages[name].binder == [expected], name


def test_pages_show_the_stored_outputs_and_widget_fallbacks(built_site, pages):
    sources = {Path(source).name: name for name, source in _sources(pages).items()}
    chart_page = pages[sources["07_local_verification_vs_getuser.ipynb"]]
    images = [ref for ref in chart_page.refs if ref.startswith("build/") and ref.endswith(".png")]
    assert len(images) >= 3        # latency, throughput and revocation charts
    stepper_outputs = _outputs_text(built_site.html / sources["04_authorization_code_pkce.ipynb"])
    assert any("PKCE stepper" in text for text in stepper_outputs)  # the widget's fallback
    for name in _sources(pages):
        for output in _outputs_text(built_site.html / name):
            assert not WIDGET_REPRS.search(output), f"{name} shows a widget's repr: {output}"
            assert "<Figure size" not in output, f"{name} shows a figure's repr"


def _outputs_text(path: Path) -> list[str]:
    """The text of each cell's outputs (the outputs end a code cell: up to the next cell)."""
    html = path.read_text(encoding="utf-8")
    texts = []
    for chunk in html.split('<div class="outputs">')[1:]:
        chunk = re.split(r'<div class="cell |</article>', chunk, maxsplit=1)[0]
        parser = _Page()
        parser.feed(chunk)
        texts.append("".join(parser.text))
    return texts


def test_the_front_page_pictures_are_the_projects_own(pages):
    """README and the site's home page show the pictures `make readme-images` makes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("latency-chart.png", "pkce-stepper.png"):
        picture = ROOT / "docs" / "images" / name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert f"](docs/images/{name})" in readme
        assert any(ref.startswith(f"build/{Path(name).stem}-") for ref in pages["index.html"].refs)


@pytest.mark.slow
def test_a_reader_sees_the_course_in_chromium(site_url, pages, browser):
    notebook_page = next(name for name, source in _sources(pages).items()
                         if source.endswith("07_local_verification_vs_getuser.ipynb"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/index.html")
        assert "Amazon Cognito, hands-on" in page.title()
        assert page.locator("h1").first.inner_text() == "Amazon Cognito, hands-on"
        page.wait_for_function("[...document.images].every(i => i.complete)")
        widths = page.eval_on_selector_all("figure img", "els => els.map(e => e.naturalWidth)")
        assert len(widths) == 2 and all(width > 0 for width in widths)
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

        page.goto(f"{site_url}/{notebook_page}")
        assert page.title().startswith("07")
        page.wait_for_selector("pre.mermaid svg", timeout=30_000)
        assert page.locator("pre.mermaid svg").count() >= 1
        page.wait_for_function("[...document.images].every(i => i.complete)")
        charts = page.eval_on_selector_all(
            "img.output.image", "els => els.map(e => e.naturalWidth)")
        assert len(charts) >= 3 and all(width > 0 for width in charts)
        outputs = "\n".join(page.locator(".outputs").all_inner_texts())
        assert outputs and "VBox(" not in outputs and "<Figure size" not in outputs
        assert page.get_by_role("link", name=re.compile("Launch on Binder")).count() == 1
        page.screenshot(path=str(ARTIFACTS / "notebook-07.png"), full_page=True)
    finally:
        context.close()
