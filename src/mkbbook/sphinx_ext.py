"""A small Sphinx extension for the book's HTML.

Jupyter Book 1 always loads sphinx-thebe, which adds an inline script twice
(a console error) and points at a CDN; the book has no live kernels, so its
scripts are removed from every page.
"""

from __future__ import annotations


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", "") if hasattr(script, "attributes") else "")
    return "thebe" in name.lower() or "THEBE" in body


def strip_thebe(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def setup(app):
    app.connect("html-page-context", strip_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
