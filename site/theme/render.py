"""Render the course website from the MyST engine's content, with nothing downloaded.

Jupyter Book 2 (the MyST engine) parses the notebooks (stored outputs, never executed) and
the docs, resolves the table of contents and every cross-reference, and serves the result as
JSON on a local content server. Its usual web themes are prebuilt apps fetched from the
internet on first build; this template declares ``build.render`` instead (template.yml), so
the engine runs this script with ``CONTENT_CDN`` (the content server) and
``BUILD_DIRECTORY`` (where the static site goes) and starts no theme server.

Standard library only. Strict: a MyST node this renderer does not know stops the build (a
page must never lose content silently). Mermaid and KaTeX's stylesheet come from
site/node_modules, installed by ``npm ci`` from site/package-lock.json (`make site`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
import urllib.parse
import urllib.request
from pathlib import Path

THEME = Path(__file__).resolve().parent
NODE_MODULES = THEME.parent / "node_modules"
STATIC = "_static"
ASSETS = "build"  # files the engine extracted (output images, notebooks, linked files)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
WIDGET = "application/vnd.jupyter.widget-view+json"


class UnknownNode(Exception):
    pass


def fetch(cdn: str, path: str) -> bytes:
    with urllib.request.urlopen(cdn + path, timeout=60) as response:  # noqa: S310 (loopback)
        return response.read()


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


class Page:
    """Renders one page's MyST AST to HTML, collecting the engine's files it refers to."""

    def __init__(self, slug: str, slugs: dict[str, str]):
        self.slug = slug
        self.slugs = slugs  # "/slug" -> "slug.html"
        self.assets: set[str] = set()
        self.uses_mermaid = False
        self.uses_math = False

    # -- URLs ---------------------------------------------------------------------------
    def asset(self, path: str) -> str:
        name = path.lstrip("/")
        self.assets.add(name)
        return f"{ASSETS}/{urllib.parse.quote(name)}"

    def href(self, node: dict) -> str:
        url = node.get("url", "")
        if node.get("static"):
            return self.asset(url)
        if node.get("internal") or (url.startswith("/") and not url.startswith("//")):
            path, _, anchor = url.partition("#")
            target = self.slugs.get(path or "/")
            if target is None:
                raise UnknownNode(f"link to {url!r}: no such page in the site")
            return target + (f"#{anchor}" if anchor else "")
        return url

    # -- nodes --------------------------------------------------------------------------
    def children(self, node: dict) -> str:
        return "".join(self.render(child) for child in node.get("children", []) or [])

    def render(self, node: dict) -> str:  # one case per MyST node type
        kind = node.get("type")
        inner = self.children
        ident = f' id="{esc(node["html_id"])}"' if node.get("html_id") else ""
        if kind == "root":
            return inner(node)
        if kind == "block":
            cls = esc(node.get("kind") or "block")
            return f'<div class="cell {cls}"{ident}>{inner(node)}</div>\n'
        if kind == "text":
            return esc(node.get("value", ""))
        if kind == "paragraph":
            return f"<p>{inner(node)}</p>\n"
        if kind == "heading":
            depth = min(int(node.get("depth", 2)), 6)
            anchor = (f' <a class="anchor" href="#{esc(node["html_id"])}" '
                      f'aria-label="link to this section">#</a>' if node.get("html_id") else "")
            return f"<h{depth}{ident}>{inner(node)}{anchor}</h{depth}>\n"
        if kind in ("strong", "emphasis", "delete", "underline", "subscript", "superscript"):
            tag = {"strong": "strong", "emphasis": "em", "delete": "del", "underline": "u",
                   "subscript": "sub", "superscript": "sup"}[kind]
            return f"<{tag}>{inner(node)}</{tag}>"
        if kind == "inlineCode":
            return f"<code>{esc(node.get('value', ''))}</code>"
        if kind == "code":
            lang = esc(node.get("lang") or "")
            return (f'<pre class="code" data-lang="{lang}"><code>'
                    f"{esc(node.get('value', ''))}</code></pre>\n")
        if kind == "break":
            return "<br>"
        if kind == "thematicBreak":
            return "<hr>\n"
        if kind == "list":
            tag = "ol" if node.get("ordered") else "ul"
            start = f' start="{int(node["start"])}"' if node.get("ordered") and node.get(
                "start", 1) != 1 else ""
            return f"<{tag}{start}>{inner(node)}</{tag}>\n"
        if kind == "listItem":
            return f"<li>{inner(node)}</li>\n"
        if kind == "blockquote":
            return f"<blockquote>{inner(node)}</blockquote>\n"
        if kind == "table":
            return f'<div class="table"><table>{inner(node)}</table></div>\n'
        if kind == "tableRow":
            return f"<tr>{inner(node)}</tr>\n"
        if kind == "tableCell":
            tag = "th" if node.get("header") else "td"
            align = f' style="text-align:{esc(node["align"])}"' if node.get("align") else ""
            return f"<{tag}{align}>{inner(node)}</{tag}>"
        if kind == "link":
            return f'<a href="{esc(self.href(node))}">{inner(node)}</a>'
        if kind == "crossReference":
            url = node.get("url")
            target = (self.href({"url": url}) if url else "") or ""
            if node.get("html_id"):
                target = target.split("#")[0] + f"#{node['html_id']}"
            return f'<a class="xref" href="{esc(target)}">{inner(node)}</a>'
        if kind == "image":
            src = node.get("url", "")
            src = self.asset(src) if src.startswith("/") else src
            alt = esc(node.get("alt", ""))
            return f'<img src="{esc(src)}" alt="{alt}">'
        if kind == "mermaid":
            self.uses_mermaid = True
            return f'<pre class="mermaid">{esc(node.get("value", ""))}</pre>\n'
        if kind in ("math", "inlineMath"):
            self.uses_math = True
            if node.get("html"):
                return node["html"] if kind == "inlineMath" else (
                    f'<div class="math">{node["html"]}</div>\n')
            return f"<code>{esc(node.get('value', ''))}</code>"
        if kind == "container":
            cls = esc(node.get("kind", "figure"))
            return f'<figure class="{cls}"{ident}>{inner(node)}</figure>\n'
        if kind == "caption":
            return f"<figcaption>{inner(node)}</figcaption>"
        if kind == "captionNumber":
            label = node.get("template", "%s").replace("%s", str(node.get("enumerator", "")))
            return f'<span class="caption-number">{esc(label)}</span> '
        if kind == "legend":
            return f'<div class="legend">{inner(node)}</div>'
        if kind == "details":
            return f"<details>{inner(node)}</details>\n"
        if kind == "summary":
            return f"<summary>{inner(node)}</summary>"
        if kind == "admonition":
            cls = esc(node.get("kind", "note"))
            return f'<aside class="admonition {cls}">{inner(node)}</aside>\n'
        if kind == "admonitionTitle":
            return f'<p class="admonition-title">{inner(node)}</p>'
        if kind == "html":
            return node.get("value", "")
        if kind == "comment":
            return ""
        if kind == "outputs":
            rendered = inner(node)
            return f'<div class="outputs">{rendered}</div>\n' if rendered else ""
        if kind == "output":
            return self.output(node.get("jupyter_data") or {})
        raise UnknownNode(f"MyST node {kind!r} is not rendered by site/theme/render.py")

    def output(self, data: dict) -> str:
        kind = data.get("output_type")
        if kind == "stream":
            name = esc(data.get("name", "stdout"))
            return f'<pre class="output stream {name}">{esc(ANSI.sub("", data["text"]))}</pre>'
        if kind == "error":
            text = ANSI.sub("", "\n".join(data.get("traceback") or []))
            return f'<pre class="output error">{esc(text)}</pre>'
        bundle = data.get("data") or {}
        for mime in ("image/svg+xml", "image/png", "image/jpeg", "image/gif"):
            if mime in bundle:
                item = bundle[mime]
                alt = esc((bundle.get("text/plain") or {}).get("content", "output"))
                if item.get("path"):
                    return f'<img class="output image" src="{esc(self.asset(item["path"]))}" ' \
                           f'alt="{alt}">'
                return f'<div class="output image">{item.get("content", "")}</div>'
        if "text/html" in bundle:
            return f'<div class="output html">{bundle["text/html"].get("content", "")}</div>'
        if WIDGET in bundle:
            # A widget without a static fallback (no HTML, no picture): its text repr
            # ("VBox(...)", "[]") means nothing to a reader. Show nothing.
            return ""
        for mime in ("text/markdown", "text/latex", "text/plain"):
            if mime in bundle and bundle[mime].get("content", "").strip():
                return (f'<pre class="output text">'
                        f'{esc(ANSI.sub("", bundle[mime]["content"]))}</pre>')
        return ""


def binder_url(github: str | None, location: str) -> str | None:
    match = re.match(r"https://github\.com/([^/]+)/([^/]+?)/?$", github or "")
    if not match or not location.endswith(".ipynb"):
        return None
    return (f"https://mybinder.org/v2/gh/{match[1]}/{match[2]}/HEAD"
            f"?urlpath=lab/tree/{location.lstrip('/')}")


def page_html(*, site_title: str, title: str, body: str, nav: str, toolbar: str,
              pager: str, page: Page) -> str:
    head_extra = ""
    tail = ""
    if page.uses_math:
        head_extra += f'<link rel="stylesheet" href="{STATIC}/katex/katex.min.css">\n'
    if page.uses_mermaid:
        tail = (f'<script src="{STATIC}/mermaid.min.js"></script>\n'
                "<script>mermaid.initialize({startOnLoad: true, securityLevel: 'antiscript'});"
                "</script>\n")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} — {esc(site_title)}</title>
<link rel="stylesheet" href="{STATIC}/style.css">
{head_extra}</head>
<body>
<nav class="toc" aria-label="Table of contents">
<p class="site-title"><a href="index.html">{esc(site_title)}</a></p>
{nav}
</nav>
<main>
<article>
<h1 class="page-title">{esc(title)}</h1>
{toolbar}
{body}
</article>
{pager}
</main>
{tail}</body>
</html>
"""


def main() -> int:
    cdn = os.environ["CONTENT_CDN"].rstrip("/")
    out = Path(os.environ["BUILD_DIRECTORY"])
    config = json.loads(fetch(cdn, "/config.json"))
    project = config["projects"][0]
    site_title = config.get("title") or project.get("title") or "Course"

    index = project["index"]
    order = [{"slug": index, "title": None, "level": 1}] + [
        p for p in project["pages"] if p.get("slug")]
    slugs = {"/": "index.html", f"/{index}": "index.html"}
    slugs.update({f"/{p['slug']}": f"{p['slug']}.html" for p in order[1:]})

    contents = {p["slug"]: json.loads(fetch(cdn, f"/content/{p['slug']}.json")) for p in order}
    order[0]["title"] = contents[index]["frontmatter"].get("title", site_title)

    # The table of contents: section titles (pages without a slug) and pages, in order.
    nav_items = []
    for entry in [order[0], *project["pages"]]:
        if entry.get("slug"):
            file = slugs[f"/{entry['slug']}"]
            nav_items.append(f'<li class="level-{entry.get("level", 1)}">'
                             f'<a href="{file}" data-slug="{esc(entry["slug"])}">'
                             f'{esc(entry["title"])}</a></li>')
        else:
            nav_items.append(f'<li class="section">{esc(entry.get("title", ""))}</li>')
    nav_template = "<ul>\n" + "\n".join(nav_items) + "\n</ul>"

    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    assets: set[str] = set()
    for position, entry in enumerate(order):
        slug = entry["slug"]
        content = contents[slug]
        file = slugs[f"/{slug}"]
        page = Page(slug, slugs)
        try:
            body = page.render(content["mdast"])
        except UnknownNode as problem:
            problems.append(f"{content.get('location', slug)}: {problem}")
            continue
        frontmatter = content.get("frontmatter", {})
        title = frontmatter.get("title") or entry["title"] or slug
        toolbar = ""
        location = content.get("location", "")
        if content.get("kind") == "Notebook":
            links = []
            binder = binder_url(frontmatter.get("github") or project.get("github"), location)
            if binder:
                links.append(f'<a class="binder" href="{esc(binder)}">'
                             "Launch on Binder</a>")
            for export in frontmatter.get("exports", []):
                if export.get("format") == "ipynb" and export.get("url"):
                    links.append(f'<a class="download" download="{esc(export["filename"])}" '
                                 f'href="{esc(page.asset(export["url"]))}">'
                                 "Download the notebook</a>")
            links.append(f'<span class="source">{esc(location.lstrip("/"))}</span>')
            toolbar = '<p class="toolbar">' + " · ".join(links) + "</p>"
        pager = []
        if position > 0:
            before = order[position - 1]
            pager.append(f'<a class="prev" href="{slugs["/" + before["slug"]]}">← '
                         f"{esc(before['title'])}</a>")
        if position + 1 < len(order):
            after = order[position + 1]
            pager.append(f'<a class="next" href="{slugs["/" + after["slug"]]}">'
                         f"{esc(after['title'])} →</a>")
        nav = nav_template.replace(f'<a href="{file}"', f'<a aria-current="page" href="{file}"')
        (out / file).write_text(page_html(
            site_title=site_title, title=title, body=body, nav=nav, toolbar=toolbar,
            pager='<nav class="pager">' + "".join(pager) + "</nav>", page=page),
            encoding="utf-8")
        assets |= page.assets

    if problems:
        for problem in problems:
            print(f"⛔ {problem}", file=sys.stderr)
        return 1

    for name in sorted(assets):
        target = out / ASSETS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(fetch(cdn, "/" + urllib.parse.quote(name)))

    static = out / STATIC
    static.mkdir(exist_ok=True)
    shutil.copy2(THEME / "style.css", static / "style.css")
    mermaid = NODE_MODULES / "mermaid" / "dist" / "mermaid.min.js"
    katex = NODE_MODULES / "katex" / "dist"
    if not mermaid.is_file() or not katex.is_dir():
        print(f"⛔ {NODE_MODULES} lacks mermaid or katex: run `npm ci` in site/ "
              "(`make site` does)", file=sys.stderr)
        return 1
    shutil.copy2(mermaid, static / "mermaid.min.js")
    (static / "katex").mkdir(exist_ok=True)
    shutil.copy2(katex / "katex.min.css", static / "katex" / "katex.min.css")
    shutil.copytree(katex / "fonts", static / "katex" / "fonts", dirs_exist_ok=True)
    (out / ".nojekyll").write_text("")
    print(f"rendered {len(order)} pages and {len(assets)} files into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
