"""What a notebook shows a reader: Dutch number formats, glued values, and
figures and tables with caption, source line and a CSV download beside them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display
from myst_nb import glue

from .dutch import fmt_dec, fmt_int, fmt_pct, join_nl  # noqa: F401  (re-exported for notebooks)

DOWNLOAD_DIR = Path("data")  # relative to the executed notebook: the book serves it with the page


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
    data.to_csv(path, index=False, float_format="%.4g", lineterminator="\n")
    return path


def _footer(kind: str, key: str, caption: str, source: str, path: Path, note: str = "") -> str:
    lines = [f"({kind}-{_slug(key)})=", f"**{caption}**", "", f"Bron: {source}"]
    if note:
        lines += ["", f"*Let op:* {note}"]
    lines += ["", f"{{download}}`Download de data (CSV) <{path.as_posix()}>`"]
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
    text += f"\n\n{{download}}`Download de data (CSV) <{path.as_posix()}>`"
    display(Markdown(text))


def note(text: str) -> None:
    """A short remark for the reader (a data break, a limit of the data)."""
    display(Markdown(f":::{{note}}\n{text}\n:::"))
