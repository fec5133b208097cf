"""The chart renderer: deterministic, self-contained, with a text alternative and a print copy."""

import base64

import pandas as pd

from mkbbook import charts


def _chart():
    df = pd.DataFrame({"sector": ["Bouw", "Handel"], "n": [3, 5]})
    return charts.hbar(df, "n", "sector", title="Test", value_title="aantal", description="Handel is het grootst.")


def test_render_is_deterministic_and_has_no_external_urls():
    spec = _chart().to_dict()
    first, second = charts.render(spec), charts.render(spec)
    assert first["text/html"] == second["text/html"]
    html = first["text/html"]
    assert 'aria-label="Handel is het grootst."' in html and 'role="img"' in html
    # The only URL is the spec's "$schema" identifier, which vega-embed reads but never fetches.
    import re
    without_schema = re.sub(r'"\$schema":"[^"]*"', "", html)
    assert "http://" not in without_schema and "https://" not in without_schema and "src=" not in html
    assert base64.b64decode(first["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


def test_different_charts_get_different_ids():
    a = charts.render(_chart().to_dict())["text/html"]
    b = charts.render(_chart().properties(title="Ander").to_dict())["text/html"]
    assert a.split('id="')[1][:22] != b.split('id="')[1][:22]
