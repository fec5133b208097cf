"""Tests for the register of funding routes (data/funding.yml)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from mkbbook import funding
from mkbbook.errors import DataError
from mkbbook.publish import safe_markdown_table
from mkbbook.result import Md


def _write(tmp_path, records):
    path = tmp_path / "funding.yml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _record(**over):
    base = {"id": "route-a", "name": "Route A", "provider": "Rijk", "level": "Rijk", "funds": "Projecten.",
            "for_whom": "mkb", "status": "open", "relevance": "Past bij mkb-digitalisering.",
            "sources": ["https://www.example.org/a"], "checked": "2026-12-01", "certainty": "bevestigd",
            "source_quality": "primair"}
    return {**base, **over}


def test_real_register_has_the_routes_of_the_research():
    df = funding.load_funding()
    assert {"kansen-voor-west-3", "digitaal-europa-edih", "mit-provincie-utrecht", "groeifonds-katapult-pps",
            "regio-deal-utrecht-2023"} <= set(df["id"])
    assert df.set_index("id").loc["regio-deal-utrecht-2023", "status"] == "afgewezen"
    assert df["sources"].map(len).min() >= 1


def test_facts_and_stale(tmp_path):
    path = _write(tmp_path, [_record(), _record(id="route-b", name="Route B", status="afgewezen",
                                                checked="2024-06-01", source_quality="secundair")])
    df = funding.load_funding(path)
    f = funding.facts(df, dt.date(2026, 12, 1))
    assert f == {"n_routes": 2, "routes": ["Route A", "Route B"], "routes_usable": ["Route A"],
                 "routes_rejected": ["Route B"], "n_secondary": 1, "n_stale": 1}
    t = funding.table(df, dt.date(2026, 12, 1))
    assert t.shown["Status"].tolist() == ["open: aanvragen kan (gecontroleerd 1 december 2026)",
                                          "afgewezen (gecontroleerd 1 juni 2024; mogelijk verouderd)"]
    assert t.shown["Route"].tolist()[1] == "Route B (alleen secundaire bronnen)"
    assert isinstance(t.shown["Bronnen"].iloc[0], Md)
    assert t.data["stale"].tolist() == [False, True]
    assert "1 van de 2 routes rust nog alleen" in t.note


def test_text_from_the_register_is_escaped(tmp_path):
    path = _write(tmp_path, [_record(name="<script>alert(1)</script> *x*")])
    shown = safe_markdown_table(funding.table(funding.load_funding(path)).shown)
    assert "<script>" not in shown and "*x*" not in shown
    assert "&lt;script&gt;" in shown and r"\*x\*" in shown


@pytest.mark.parametrize("change, field, words", [
    ({"status": "misschien"}, "status", "not allowed"),
    ({"sources": ["https://"]}, "sources", "host"),
    ({"level": "wereld"}, "level", "not allowed"),
    ({"checked": "gisteren"}, "checked", "YYYY-MM-DD"),
])
def test_schema_errors(tmp_path, change, field, words):
    path = _write(tmp_path, [_record(**change)])
    with pytest.raises(DataError) as info:
        funding.load_funding(path)
    message = str(info.value)
    assert str(path) in message and "'route-a'" in message and f"'{field}'" in message and words in message


def test_empty_register(tmp_path):
    path = tmp_path / "funding.yml"
    path.write_text("[]\n", encoding="utf-8")
    with pytest.raises(DataError, match="no records"):
        funding.load_funding(path)
