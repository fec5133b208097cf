"""What a notebook shows a reader: glued facts, and figures and tables with caption, source line and a CSV
download of their exact data. Chapters build the content (mkbbook.result); this module only renders it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from myst_nb import glue

from .result import DOWNLOAD_DIR, Figure, Md, Table, esc


def glue_text(key: str, text) -> None:
    """Store a value for the prose ({glue:text}`key`): shown literally, never read as markup."""
    glue(key, str(text), display=False)


def glue_markdown(key: str, text: str) -> None:
    """Store a composed sentence for the prose ({glue:md}`key`); unlike {glue:text} it is not bold,
    so the chapter marks the numbers in it with **…** where they should stand out."""
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


def note(text: str) -> None:
    """A short remark for the reader (a data break, a limit of the data)."""
    display(Markdown(f":::{{note}}\n{text}\n:::"))
