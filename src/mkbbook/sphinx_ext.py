"""A small Sphinx extension for the book's HTML.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script twice
(a console error) and points at a CDN; the book has no live kernels, so its
scripts and stylesheet are removed from every page.

The book is read offline and on phones, so every page loads only what it needs
from the site itself:

- the chart runtime (vendor/vega-bundle.js) only on pages with a chart;
- not the theme's fontawesome.js (1.5 MB: it swaps the icons for SVG; the
  theme's CSS already draws the same icons with its own web font);
- not MathJax where the book has no math (Jupyter Book adds it to every
  singlehtml page, the source of the PDF edition);
- a script or stylesheet from another site (e.g. MathJax, which Sphinx adds from
  a CDN to pages with LaTeX math) is a build warning, so an error in strict builds.

The theme's download menu offers the whole book as a PDF next to printing the
page, but only when the PDF is part of this site: `make pdf` puts the PDF of
exactly these sources into the edition, and the build then lists it in
``html_extra_path`` (see build.current_pdf). Without it no page links a PDF.

Stylesheets and scripts of the site carry ``?v=<checksum>`` computed from their
source file, so a clean and an incremental build write the same bytes (Sphinx
adds the checksum only when the file is already in the output, i.e. only on
incremental builds).

It also puts ``templates/`` first on the template path: a few theme templates
with an accessibility fix (see the comment in each), and draws the toggle of a
hidden code cell without myst-nb's aria-label "Toggle hidden content", which is
English and not the visible text (WCAG 2.5.3 Label in Name): its name is now the
visible prompt ("Toon de code").
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
CHART_SCRIPT = "_static/vendor/vega-bundle.js"  # html_js_files entry, as the page context names it
FONTAWESOME_JS = re.compile(r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\n?')


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", "") if hasattr(script, "attributes") else "")
    return "thebe" in name.lower() or "THEBE" in body


def _name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def strip_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [s for s in context[key] if not _is_thebe(s)]


def only_needed_scripts(app, pagename, templatename, context, doctree):
    """The chart runtime only where a chart is; warn about anything loaded from another site."""
    if "script_files" in context and 'class="mkb-chart"' not in context.get("body", ""):
        context["script_files"] = [s for s in context["script_files"] if not _name(s).endswith(CHART_SCRIPT)]
    # Jupyter Book makes Sphinx add MathJax to every singlehtml page (the PDF edition), math or not.
    mathjax = getattr(app.config, "mathjax_path", None)
    if mathjax and "script_files" in context and not app.env.get_domain("math").has_equations():
        context["script_files"] = [s for s in context["script_files"] if _name(s) != mathjax]
    for asset in list(context.get("script_files", [])) + list(context.get("css_files", [])):
        name = _name(asset)
        if name.startswith(("http://", "https://", "//")):
            logger.warning("page %s would load %s from another site; the book must work offline "
                           "(for math: write it as text, Sphinx loads MathJax from a CDN)", pagename, name,
                           location=pagename)


def book_pdf_button(app, pagename, templatename, context, doctree):
    """Put "Het hele boek (pdf)" first in the theme's download menu; its ".pdf" printed only the page."""
    if app.builder.name != "html":
        return
    from .build import PDF_NAME

    if PDF_NAME not in [Path(p).name for p in (app.config.html_extra_path or [])]:
        return  # no PDF in this site: no link to one
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("label") == "download-pdf-button":
                button.update(text="deze pagina afdrukken", tooltip="Deze pagina afdrukken of als pdf bewaren",
                              icon="fas fa-print")
        group["buttons"].insert(0, {
            "type": "link", "url": context["pathto"](PDF_NAME, 1), "text": "het hele boek (.pdf)",
            "tooltip": "Download het hele boek als pdf", "icon": "fas fa-file-pdf", "label": "download-book-pdf-button",
        })


ASSET_QUERY = re.compile(r'\?v=[0-9a-f]+(?=")')
ASSET_URI = re.compile(r'(href|src)="([^"?#]+)"')


def _static_sources(app) -> list[Path]:
    return [Path(app.confdir) / p for p in (app.config.html_static_path or [])]


def stable_asset_tags(app, pagename, templatename, context, doctree):
    """css_tag/js_tag with a checksum of the source file, on clean and incremental builds alike."""
    import zlib

    def checksum(name: str) -> str:
        for folder in _static_sources(app):
            path = folder / name.removeprefix("_static/")
            if path.is_file():
                return f"{zlib.crc32(path.read_bytes()):08x}"
        return ""

    def wrap(tag_fn):
        def tag(asset):
            text = ASSET_QUERY.sub("", tag_fn(asset))
            name = _name(asset)
            digest = checksum(name) if name and not name.startswith(("http:", "https:", "//")) else ""
            if not digest:
                return text
            return ASSET_URI.sub(lambda m: f'{m[1]}="{m[2]}?v={digest}"' if m[2].endswith(name) else m[0], text,
                                 count=1)
        return tag

    for key in ("css_tag", "js_tag"):
        if key in context:
            context[key] = wrap(context[key])


def drop_fontawesome_js(app, exception):
    """Remove the theme's fontawesome.js from every written page (its CSS web font draws the icons)."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = FONTAWESOME_JS.sub("", text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def visit_hidden_cell(self, node):
    """myst-nb's visit_HideCellInput, without the aria-label on <summary>."""
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def our_templates_first(app, config):
    config.templates_path.insert(0, str(Path(__file__).with_name("templates")))


def setup(app):
    app.setup_extension("myst_nb")
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    app.connect("config-inited", our_templates_first)
    app.connect("html-page-context", strip_thebe, priority=900)
    app.connect("html-page-context", only_needed_scripts, priority=901)
    app.connect("html-page-context", book_pdf_button, priority=902)
    app.connect("html-page-context", stable_asset_tags, priority=903)
    app.connect("build-finished", drop_fontawesome_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
