"""What a chapter function returns, and how a notebook shows it.

A chapter function ``compute(region, year, settings) -> Chapter`` does all the work of a chapter:
every fact the prose uses (value plus Dutch text, sentences already composed), and every figure,
table and note, each with its exact data, caption, source and remark. A notebook only calls it,
glues the facts (``chapter.glue()``) and shows one exhibit per cell (``chapter.show(key)``).

Escaping: text that comes from data (register names, labels, titles) must never become markup.
``Fact(text=...)`` is plain text: it is glued as text and shown literally. A fact that needs markup
(bold, links) is built with :func:`md` from escaped parts (:func:`esc`). Table cells are escaped
unless they are :class:`Md`. Captions, sources and notes are Markdown written by the chapter: put
data text into them through :func:`esc`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

DOWNLOAD_DIR = Path("data")  # relative to the executed notebook: the book serves it with the page


class Md(str):
    """A string that is already safe Markdown (built by the package from escaped parts)."""


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$^:=@%&])")


def esc(text: Any) -> Md:
    """Data text as Markdown that shows literally: HTML, Markdown and MyST syntax are neutralised.

    Markdown punctuation gets a backslash (CommonMark: any ASCII punctuation may be escaped);
    '<', '>' and '&' also become entities so raw HTML can never start. Already-safe ``Md`` passes.
    """
    if isinstance(text, Md):
        return text
    s = str(text).replace("\r", " ").replace("\n", " ")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return Md(s.replace("\\&", "&amp;").replace("\\<", "&lt;").replace("\\>", "&gt;"))


def md(template: str, **parts: Any) -> Md:
    """Fill a Markdown template written by the package with escaped data parts:
    md("In **{regio}** zijn {n} vestigingen", regio=name, n="1.234")."""
    return Md(template.format(**{k: esc(v) for k, v in parts.items()}))


def link(text: Any, url: str) -> Md:
    """A Markdown link with escaped text; the URL is validated by the register (http/https with a host)."""
    safe_url = str(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C") \
        .replace(">", "%3E")
    return Md(f"[{esc(text)}]({safe_url})")


@dataclass(frozen=True)
class Fact:
    """A fact for the prose: its raw value and its Dutch text.

    ``text`` is plain text (glued with {glue:text}, shown literally) unless it is ``Md``, then it is
    glued as Markdown (use {glue:md}).
    """

    value: Any
    text: str

    @property
    def is_markdown(self) -> bool:
        return isinstance(self.text, Md)


@dataclass
class Figure:
    """A chart with its exact data (full precision), caption, source and optional remark."""

    spec: dict  # the Vega-Lite spec (chart.to_dict()); its `description` is the text alternative
    data: pd.DataFrame
    caption: str
    source: str
    note: str = ""

    @classmethod
    def of(cls, chart, data: pd.DataFrame, *, caption: str, source: str, note: str = "") -> "Figure":
        from . import charts

        charts.enable()  # the book's theme is applied when the spec is made
        spec = chart.to_dict()
        if not spec.get("description"):
            raise ValueError(f"figure {caption!r}: give the chart a description (its text alternative)")
        return cls(spec, data, caption, source, note)


@dataclass
class Table:
    """A table for reading (``shown``: text cells) and its exact data for download (``data``)."""

    shown: pd.DataFrame
    data: pd.DataFrame
    caption: str
    source: str
    note: str = ""


@dataclass
class Note:
    """A short remark for the reader in a box (a data break, a limit of the data). Markdown."""

    text: str


@dataclass
class Chapter:
    """The result of one chapter: facts by glue key, and exhibits (figures, tables, notes) by key."""

    name: str
    facts: dict[str, Fact] = field(default_factory=dict)
    exhibits: dict[str, Figure | Table | Note | None] = field(default_factory=dict)

    def fact(self, key: str, value: Any, text: str | None = None) -> Fact:
        """Record a fact; text defaults to str(value)."""
        if key in self.facts:
            raise KeyError(f"{self.name}: fact {key!r} is set twice")
        if text is None:  # the value is its own text; an Md value stays Markdown
            text = value if isinstance(value, Md) else str(value)
        self.facts[key] = Fact(value, text)
        return self.facts[key]

    def add(self, key: str, exhibit: Figure | Table | Note | None) -> None:
        """Record an exhibit; None means 'nothing to show here for this region' (the cell stays empty)."""
        if key in self.exhibits:
            raise KeyError(f"{self.name}: exhibit {key!r} is set twice")
        self.exhibits[key] = exhibit

    def __getitem__(self, key: str) -> Any:
        return self.facts[key].value

    def text(self, key: str) -> str:
        return self.facts[key].text

    # --- in a notebook -------------------------------------------------------------------------
    def glue(self) -> None:
        """Glue every fact under its key (plain text, or Markdown for Md facts)."""
        from .publish import glue_markdown, glue_text

        for key, f in self.facts.items():
            (glue_markdown if f.is_markdown else glue_text)(key, f.text)

    def show(self, key: str) -> None:
        """Display one exhibit (and write its CSV next to the notebook)."""
        from . import publish

        exhibit = self.exhibits[key]
        if exhibit is None:
            return
        if isinstance(exhibit, Figure):
            publish.show_figure(exhibit, key)
        elif isinstance(exhibit, Table):
            publish.show_table(exhibit, key)
        else:
            publish.note(exhibit.text)
