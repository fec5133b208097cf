"""A small Sphinx extension for the book's HTML.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script twice
(a console error) and points at a CDN; the book has no live kernels, so its
scripts are removed from every page.

The book is read offline and on phones, so every page loads only what it needs
from the site itself:

- the chart runtime (vendor/vega-bundle.js) only on pages with a chart;
- not the theme's fontawesome.js (1.5 MB: it swaps the icons for SVG; the
  theme's CSS already draws the same icons with its own web font);
- a script or stylesheet from another site (e.g. MathJax, which Sphinx adds from
  a CDN to pages with LaTeX math) is a build warning, so an error in strict builds.

It also puts ``templates/`` first on the template path: a few theme templates
with an accessibility fix (see the comment in each).
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
CHART_SCRIPT = "vendor/vega-bundle.js"
FONTAWESOME_JS = re.compile(r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\n?')


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", "") if hasattr(script, "attributes") else "")
    return "thebe" in name.lower() or "THEBE" in body


def _name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def strip_thebe(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def only_needed_scripts(app, pagename, templatename, context, doctree):
    """The chart runtime only where a chart is; warn about anything loaded from another site."""
    if "script_files" in context and 'class="mkb-chart"' not in context.get("body", ""):
        context["script_files"] = [s for s in context["script_files"] if _name(s) != CHART_SCRIPT]
    for asset in list(context.get("script_files", [])) + list(context.get("css_files", [])):
        name = _name(asset)
        if name.startswith(("http://", "https://", "//")):
            logger.warning("page %s would load %s from another site; the book must work offline "
                           "(for math: write it as text, Sphinx loads MathJax from a CDN)", pagename, name,
                           location=pagename)


def drop_fontawesome_js(app, exception):
    """Remove the theme's fontawesome.js from every written page (its CSS web font draws the icons)."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = FONTAWESOME_JS.sub("", text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def our_templates_first(app, config):
    config.templates_path.insert(0, str(Path(__file__).with_name("templates")))


def setup(app):
    app.connect("config-inited", our_templates_first)
    app.connect("html-page-context", strip_thebe, priority=900)
    app.connect("html-page-context", only_needed_scripts, priority=901)
    app.connect("build-finished", drop_fontawesome_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
