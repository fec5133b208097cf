"""What a notebook shows a reader: Dutch number formats, glued values, and
figures and tables with caption, source line and a CSV download beside them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from myst_nb import glue

from .dutch import fmt_dec, fmt_int, fmt_pct, join_nl  # noqa: F401  (re-exported for notebooks)
from .result import DOWNLOAD_DIR, Figure, Md, Table, esc


def or_unknown(value, fmt=None) -> str:
    """A formatted value, or 'onbekend' when it is missing (None, NaN or pd.NA)."""
    if value is None or pd.isna(value):
        return "onbekend"
    return (fmt or fmt_int)(value)


def glue_text(key: str, text) -> None:
    """Store a value for the prose ({glue:text}`key`) without showing it here."""
    glue(key, str(text), display=False)


def glue_markdown(key: str, text: str) -> None:
    """Store a computed sentence for the prose ({glue:md}`key`); unlike {glue:text} it is not bold,
    so mark the numbers in it with **…** where they should stand out."""
    glue(key, Markdown(text), display=False)


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-")


def _write_csv(data: pd.DataFrame, key: str) -> Path:
    DOWNLOAD_DIR.mkdir(exist_ok=True)
    path = DOWNLOAD_DIR / f"{_slug(key)}.csv"
    write_csv(data, path)
    return path


def write_csv(data: pd.DataFrame, path: Path) -> None:
    """The exact data: full precision (shortest repr that round-trips), whole numbers as integers."""
    out = data.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_float_dtype(values) and values.notna().any():
            finite = values.dropna()
            if (finite == finite.round()).all() and finite.abs().max() < 2**53:
                out[col] = values.round().astype("Int64")  # a count that went through float stays whole
            else:  # shortest text that reads back to the same number, never in e-notation, no '62990.0'
                out[col] = values.map(lambda v: "" if pd.isna(v) else np.format_float_positional(v, trim="-"))
    out.to_csv(path, index=False, lineterminator="\n")


def _footer(kind: str, key: str, caption: str, source: str, path: Path, note: str = "") -> str:
    lines = [f"({kind}-{_slug(key)})=", f"**{caption}**", "", f"Bron: {source}"]
    if note:
        lines += ["", f"*Let op:* {note}"]
    lines += ["", f"{{download}}`Download de gegevens (CSV) <{path.as_posix()}>`"]
    return "\n".join(lines)


def figure(chart, data: pd.DataFrame, key: str, *, caption: str, source: str, note: str = "") -> None:
    """Show a chart with its caption, source line, optional note and a CSV of the data behind it.

    The chart's ``description`` is its text alternative: state the message, not 'a chart'.
    """
    if not chart.to_dict().get("description"):
        raise ValueError(f"figure {key!r}: give the chart a description (its text alternative)")
    path = _write_csv(data, key)
    display(chart)
    display(Markdown(_footer("fig", key, "Figuur: " + caption, source, path, note)))


def markdown_table(df: pd.DataFrame) -> str:
    """A pipe table; numbers must already be formatted as text."""
    def cell(value):
        if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
            return "onbekend"
        return str(value).replace("|", "\\|").replace("\n", " ")
    header = "| " + " | ".join(map(cell, df.columns)) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def table(shown: pd.DataFrame, data: pd.DataFrame, key: str, *, caption: str, source: str,
          note: str = "") -> None:
    """Show a formatted table (numbered, with caption) and offer the unformatted data as CSV."""
    path = _write_csv(data, key)
    text = "\n".join([f":::{{table}} {caption}", f":name: tab-{_slug(key)}", "", markdown_table(shown), ":::", ""])
    text += f"\nBron: {source}"
    if note:
        text += f"\n\n*Let op:* {note}"
    text += f"\n\n{{download}}`Download de gegevens (CSV) <{path.as_posix()}>`"
    display(Markdown(text))


def note(text: str) -> None:
    """A short remark for the reader (a data break, a limit of the data)."""
    display(Markdown(f":::{{note}}\n{text}\n:::"))


def _cell(value) -> str:
    """A table cell: Md as is, everything else escaped; missing values read 'onbekend'."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return "onbekend"
    if isinstance(value, Md):
        return value.replace("|", "\\|").replace("\n", " ")
    return esc(value)


def safe_markdown_table(df: pd.DataFrame) -> str:
    """A pipe table whose cells from data show literally (see mkbbook.result)."""
    header = "| " + " | ".join(_cell(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def show_figure(fig: Figure, key: str) -> None:
    """Display a Figure of a chapter result: chart, caption, source line, remark, CSV download."""
    from . import charts

    path = _write_csv(fig.data, key)
    display(charts.render(fig.spec), raw=True)
    display(Markdown(_footer("fig", key, "Figuur: " + fig.caption, fig.source, path, fig.note)))


def show_table(tab: Table, key: str) -> None:
    """Display a Table of a chapter result (numbered, with caption) and write its exact data as CSV."""
    path = _write_csv(tab.data, key)
    text = "\n".join([f":::{{table}} {tab.caption}", f":name: tab-{_slug(key)}", "",
                      safe_markdown_table(tab.shown), ":::", ""])
    text += f"\nBron: {tab.source}"
    if tab.note:
        text += f"\n\n*Let op:* {tab.note}"
    text += f"\n\n{{download}}`Download de gegevens (CSV) <{path.as_posix()}>`"
    display(Markdown(text))
