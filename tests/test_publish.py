"""Dutch number formats and the table markup used in every chapter."""

import pandas as pd

from mkbbook.publish import fmt_dec, fmt_int, fmt_pct, markdown_table


def test_dutch_number_formats():
    assert fmt_int(202045) == "202.045"
    assert fmt_int(955.4) == "955"
    assert fmt_dec(12.345) == "12,3"
    assert fmt_dec(1234.5, 2) == "1.234,50"
    assert fmt_pct(56.0884, signed=True) == "+56,1%"
    assert fmt_pct(-24.6) == "-24,6%"


def test_markdown_table_marks_unknown_values():
    text = markdown_table(pd.DataFrame({"a": ["x|y", None], "b": [float("nan"), "2"]}))
    assert text.splitlines()[0] == "| a | b |"
    assert "x\\|y" in text and text.count("onbekend") == 2
