"""Dutch number formats, the exact CSV downloads and the table markup used in every chapter."""

import pandas as pd

from mkbbook.dutch import fmt_dec, fmt_eur, fmt_int, fmt_pct
from mkbbook.publish import safe_markdown_table, write_csv
from mkbbook.result import Md


def test_dutch_number_formats():
    assert fmt_int(202045) == "202.045"
    assert fmt_int(955.4) == "955"
    assert fmt_dec(12.345) == "12,3"
    assert fmt_dec(1234.5, 2) == "1.234,50"
    assert fmt_pct(56.0884, signed=True) == "+56,1%"
    assert fmt_pct(-24.6) == "-24,6%"
    assert fmt_eur(340909.09) == "€ 341.000"
    assert fmt_eur(3_750_000) == "€ 3,8 miljoen"


def test_markdown_table_marks_unknown_values_and_escapes_data():
    text = safe_markdown_table(pd.DataFrame({"a": ["x|y", None], "b": [float("nan"), Md("[b](https://e.org)")]}))
    assert text.splitlines()[0] == "| a | b |"
    assert "x\\|y" in text and text.count("onbekend") == 2 and "[b](https://e.org)" in text


def test_csv_is_exact(tmp_path):
    """Full precision, counts as whole numbers, never e-notation (issue 10: 6.299e+04 where CBS says 62,990)."""
    path = tmp_path / "x.csv"
    write_csv(pd.DataFrame({"n": [62990.0, 217915.0], "x": [0.1 + 0.2, 1e-7], "s": ["a", "b"]}), path)
    assert path.read_text() == "n,x,s\n62990,0.30000000000000004,a\n217915,0.0000001,b\n"
