"""Cost per helped firm and the cost of the ambition, hand-checked."""

import pytest

from mkbbook import costs
from mkbbook.errors import DataError

RECORD = """
- id: a
  name: A
  kind: subsidie
  budget_eur: 900000
  budget_years: 3
  reach_firms: 220
  reach_years: 1
  reach_what: firms
  basis: afgeleid
  sources: [https://example.org/a]
  checked: 2026-12-01
  certainty: onzeker
- id: b
  name: B
  kind: innovatiehub
  budget_eur: 1800000
  budget_years: 1
  reach_firms: 3500
  reach_years: 15
  reach_what: target
  basis: afgeleid
  sources: [https://example.org/b]
  checked: 2026-12-01
  certainty: onzeker
"""


def test_cost_per_firm_and_ambition(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text(RECORD)
    df = costs.load(path)
    # a: 900,000 / 3 years = 300,000 a year for 220 firms a year = 1,363.64 per firm
    # b: 1,800,000 a year; 3,500 firms / 15 hub-years = 233.33 a year: 7,714.29 per firm
    assert df["id"].tolist() == ["a", "b"]
    assert df["cost_per_firm"].tolist() == pytest.approx([300000 / 220, 1800000 * 15 / 3500])
    cost = costs.ambition_cost(df, 250)
    assert cost["cost_per_year"].tolist() == pytest.approx([250 * 300000 / 220, 250 * 1800000 * 15 / 3500])


def test_zero_reach_is_refused(tmp_path):
    path = tmp_path / "c.yml"
    path.write_text(RECORD.replace("reach_firms: 220", "reach_firms: 0"))
    with pytest.raises(DataError, match="record 'a', field 'reach_firms'"):
        costs.load(path)


def test_the_register_loads():
    df = costs.load()
    assert len(df) >= 3 and (df["cost_per_firm"] > 0).all()
