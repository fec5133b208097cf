"""The break detector (mkbbook.breaks): the rule by hand on a fixture, the snapshot's known breaks,
the sentences and spans, and the provisional status of periods."""

import json

import pandas as pd
import pytest

from mkbbook import breaks, dynamics, settings

# Yearly changes (%) chosen by hand. All sectors: 3, 5, 4, 12, 4, 6 -> median 4.5, departures
# -1.5, 0.5, -0.5, 7.5, -0.5, 1.5, MAD 1.0, robust SD 1.4826: 2019 departs 7.5 pp = 5.06 robust SD.
# F beyond all sectors: 1, 0, 2, 1, 1, -8 -> median 1, departures 0, -1, 1, 0, 0, -9, MAD 0.5:
# 2021 departs -9 pp = -12.14 robust SD. J beyond all sectors: 0.5, -0.5, 0, 1, -1, 2 -> at most 1.75 pp.
CHANGES = {
    "totaal": [3, 5, 4, 12, 4, 6],
    "F": [4, 5, 6, 13, 5, -2],
    "J": [3.5, 4.5, 4, 13, 3, 8],
}


def _national():
    rows = []
    for group, changes in CHANGES.items():
        value = 1000.0
        rows.append((2015, group, value))
        for year, pct in zip(range(2016, 2022), changes):
            value *= 1 + pct / 100
            rows.append((year, group, value))
    return pd.DataFrame(rows, columns=["jaar", "sectorgroep", "vestigingen"])


def test_rule_by_hand():
    flags = breaks.detect(_national(), min_pp=3.0, robust_z=2.5)
    assert list(zip(flags["jaar"], flags["sectorgroep"], flags["soort"])) == [(2019, "totaal", "jaar"),
                                                                             (2021, "F", "sector")]
    year, sector = flags.iloc[0], flags.iloc[1]
    assert year["verandering_pct"] == pytest.approx(12.0)
    assert year["gewoonlijk_pct"] == pytest.approx(4.5)
    assert year["afwijking_pp"] == pytest.approx(7.5)
    assert year["robuuste_z"] == pytest.approx(7.5 / 1.4826, rel=1e-6)
    assert sector["verandering_pct"] == pytest.approx(-2.0)
    assert sector["gewoonlijk_pct"] == pytest.approx(7.0)  # all sectors +6 plus F's usual excess +1
    assert sector["afwijking_pp"] == pytest.approx(-9.0)
    assert sector["robuuste_z"] == pytest.approx(-9.0 / (0.5 * 1.4826), rel=1e-6)


def test_both_thresholds_must_be_met():
    # 7.5 pp < 7.6: 2019 is no longer a break; F 2021 (9 pp) still is
    flags = breaks.detect(_national(), min_pp=7.6, robust_z=2.5)
    assert list(zip(flags["jaar"], flags["sectorgroep"])) == [(2021, "F")]
    # 9 pp is 12.1 robust SD: a z threshold of 13 drops it; 2019 (5.06 robust SD) too
    assert breaks.detect(_national(), min_pp=3.0, robust_z=13).empty


def test_spanning_and_sentences():
    flags = breaks.detect(_national(), min_pp=3.0, robust_z=2.5)
    assert [b.year for b in breaks.spanning(flags, ["F"], 2015, 2021)] == [2019, 2021]
    assert [b.year for b in breaks.spanning(flags, ["J"], 2015, 2021)] == [2019]
    assert [b.year for b in breaks.spanning(flags, ["totaal"], 2015, 2021)] == [2019]  # sector moves are not
    assert breaks.spanning(flags, ["F"], 2019, 2020) == []  # the 2018->2019 change is before this growth
    assert [b.year for b in breaks.spanning(flags, ["F"], 2018, 2019)] == [2019]
    year_break, f_break = breaks.spanning(flags, ["F"], 2015, 2021)
    assert year_break.sentence.startswith("Trendbreuk 2019: van 2018 op 2019 groeide het aantal vestigingen in alle "
                                          "sectoren samen landelijk met 12,0%, tegen gewoonlijk 4,5% per jaar.")
    assert "bouw (F) daalde met 2,0%" in f_break.sentence and "met +" not in f_break.sentence
    assert f_break.groups == ("F",)
    assert [b.year for b in breaks.level_breaks(flags, ["F"], 2021)] == [2021]
    assert breaks.level_breaks(flags, ["F"], 2020) == [] and breaks.level_breaks(flags, ["J"], 2021) == []
    assert breaks.chart_marks(breaks.spanning(flags, ["F"], 2015, 2021)) == {2019: "2019: breuk alle sectoren",
                                                                            2021: "2021: breuk F"}


def test_snapshot_breaks_are_found():
    """The data README names them: the 2022 jump (all sectors) and K, L, M-N and J in 2024."""
    raw = dynamics.establishments_raw()
    flags = breaks.detect_with(dynamics.municipal_sum_series(raw), settings.load())
    found = set(zip(flags["jaar"], flags["sectorgroep"]))
    assert {(2022, "totaal"), (2024, "K"), (2024, "L"), (2024, "M-N"), (2024, "J")} <= found
    assert flags.loc[flags["jaar"] == 2022, "soort"].tolist() == ["jaar"]  # one break in all sectors


# --- Provisional periods ---------------------------------------------------------------------

def _manifest(tmp_path, content):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_provisional_from_the_manifest(tmp_path):
    path = _manifest(tmp_path, {"files": {"cbs/oprichtingen_corop.csv": {"table": "83631NED", "periods": [
        {"year": 2023, "key": "2023JJ00", "status": "Definitief"},
        {"year": 2024, "key": "2024JJ00", "status": "Nader voorlopig"},
        {"year": 2025, "key": "2025JJ00", "status": "Voorlopig"}]}}})
    assert breaks.provisional_years([2023, 2024, 2025], path, "83631NED", "cbs/oprichtingen_corop.csv", 1) == \
        ([2024, 2025], "manifest")
    # a mapping under the table id, period codes as keys
    path = _manifest(tmp_path, {"tables": {"83631NED": {"periods": {"2024JJ00": "Definitief",
                                                                    "2025JJ00": "Voorlopig"}}}})
    assert breaks.provisional_years([2024, 2025], path, "83631NED", "x.csv", 2) == ([2025], "manifest")


def test_provisional_falls_back_to_the_latest_years(tmp_path):
    years = [2021, 2022, 2023, 2024, 2025]
    absent = tmp_path / "none.json"
    assert breaks.provisional_years(years, absent, "83631NED", "f.csv", 2) == ([2024, 2025], "aanname")
    other = _manifest(tmp_path, {"files": {"cbs/vestigingen_gemeente.csv": {"rows": 10}}, "created_utc": "x"})
    assert breaks.provisional_years(years, other, "83631NED", "f.csv", 3) == ([2023, 2024, 2025], "aanname")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert breaks.provisional_years(years, broken, "83631NED", "f.csv", 0) == ([], "aanname")
