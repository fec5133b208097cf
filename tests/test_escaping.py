"""Text from data shows literally (issue 13): property-based tests of the escaping every chapter uses.

Hypothesis generates names full of HTML, Markdown and MyST syntax; each passes through the book's escaping
(mkbbook.result.esc, md, link; table cells in mkbbook.publish) and is rendered by the same MyST parser the book
uses. The rendered HTML must show the text as it is, and contain no element that came from the data.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from mkbbook.publish import safe_markdown_table
from mkbbook.result import Md, esc, link, md

PARSER = create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "dollarmath", "linkify", "substitution",
                                                            "deflist", "tasklist"}), RendererHTML)
SYNTAX = list("<>&*_`[](){}|#!:$\\~^=+-.%@\"'/") + ["<script>", "</script>", "<img src=x onerror=alert(2)>",
                                                    "{glue:text}`k`", ":::{note}", "[x](https://e.org)", "**", "&amp;",
                                                    "<!--", "-->", "1. ", "# ", "www.example.org", "{{ regio }}"]
names = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(alphabet="abcXYZ é0123", min_size=1, max_size=4)),
                 min_size=1, max_size=12).map("".join)


def rendered(markdown: str) -> str:
    return PARSER.render(markdown)


def text_of(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def tags(html_text: str) -> set[str]:
    return set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html_text))


@settings(max_examples=300, deadline=None)
@given(names)
def test_escaped_text_renders_literally(name):
    out = rendered(esc(name))
    assert tags(out) <= {"p"}, out
    assert text_of(out) == " ".join(name.split()) or text_of(out) == name.strip(), out


@settings(max_examples=150, deadline=None)
@given(names, names)
def test_templates_and_links_keep_data_inert(a, b):
    out = rendered(md("**{a}** en {b}", a=a, b=b))
    assert tags(out) <= {"p", "strong"}, out
    out = rendered(link(a, "https://example.org/x?y=1"))
    assert tags(out) <= {"p", "a"} and out.count("<a ") == 1, out


@settings(max_examples=100, deadline=None)
@given(st.lists(names, min_size=1, max_size=4))
def test_table_cells_show_data_literally(cells):
    table = safe_markdown_table(pd.DataFrame({"Naam": cells, "Link": [Md("[bron](https://e.org)")] * len(cells)}))
    out = rendered(table)
    assert tags(out) <= {"table", "thead", "tbody", "tr", "th", "td", "a"}, out
    assert out.count("<a ") == len(cells)
    body = re.findall(r"<td>(.*?)</td>", out, flags=re.S)[0::2]
    assert [text_of(c) for c in body] == [" ".join(c.split()) for c in cells] or \
        [text_of(c) for c in body] == [c.strip() for c in cells]


def test_the_attack_of_issue_13_is_inert():
    out = rendered(esc("X<script>alert(1)</script><img src=x onerror=alert(2)>*x*"))
    assert "<script" not in out and "<img" not in out and "<em>" not in out
    assert text_of(out) == "X<script>alert(1)</script><img src=x onerror=alert(2)>*x*"
