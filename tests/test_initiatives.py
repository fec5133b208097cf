"""Tests for mkbbook.initiatives: schema checks, analysis functions and the real registers.

Expected values for the fixture register (tests/fixtures/initiatives/register.yml)
are computed by hand and written out literally.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from mkbbook import initiatives as ini
from mkbbook.errors import DataError
from mkbbook.paths import REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "initiatives"
REGISTER = FIXTURES / "register.yml"
BENCHMARKS = FIXTURES / "benchmarks.yml"
DOMAIN_MD = REPO_ROOT.parent / "shared" / "research" / "domain.md"

VALID = {"GM0001", "GM0002", "GM0003", "GM0009", "PV01", "PV02", "PV09", "NL"}
PROVINCE_OF = {"GM0001": "PV01", "GM0002": "PV01", "GM0003": "PV02", "GM0009": "PV09"}
REGION = {"GM0001", "GM0002", "GM0003"}


@pytest.fixture(scope="module")
def df():
    return ini.load_initiatives(REGISTER, valid_codes=VALID)


def as_pairs(table: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in table.itertuples(index=False)]


# ------------------------------------------------------------------ loading

def test_load_fixture(df):
    assert list(df["id"]) == ["a-provincie", "b-gemeente", "c-nationaal", "d-buiten", "e-burgers"]
    assert df.loc[0, "area"] == ["PV01"]
    assert df.loc[0, "target_sectors"] == ["B-E", "F"]
    assert df.loc[0, "start_year"] == 2020 and df.loc[0, "end_year"] == 2023
    assert df.loc[0, "budget_eur"] == 100000
    # missing values stay missing, never filled in
    assert df.loc[1, "target_size_classes"] is None
    assert pd.isna(df.loc[3, "start_year"]) and pd.isna(df.loc[3, "status"])
    assert pd.isna(df.loc[4, "reach_mkb"])
    assert df.loc[0, "checked"] == pd.Timestamp("2026-11-27")


def test_load_benchmarks():
    bench = ini.load_benchmarks(BENCHMARKS)
    assert list(bench["id"]) == ["bench-bron", "bench-zonder-getal"]
    assert bench.loc[0, "mkb_per_year"] == 220
    assert bench.loc[0, "basis"] == "bron"
    assert pd.isna(bench.loc[1, "mkb_per_year"]) and pd.isna(bench.loc[1, "basis"])


# ------------------------------------------------------------------ analysis

def test_reaching_region(df):
    assert list(ini.reaching_region(df, REGION, PROVINCE_OF)["id"]) == [
        "a-provincie", "b-gemeente", "c-nationaal", "e-burgers"]
    # GM0003 lies in PV02: only the national/European ones reach it
    assert list(ini.reaching_region(df, {"GM0003"}, PROVINCE_OF)["id"]) == [
        "c-nationaal", "e-burgers"]
    assert list(ini.reaching_region(df, {"GM0009"}, PROVINCE_OF)["id"]) == [
        "c-nationaal", "d-buiten", "e-burgers"]


def test_reaching_region_needs_provinces(df):
    with pytest.raises(ValueError, match="GM0007"):
        ini.reaching_region(df, {"GM0007"}, PROVINCE_OF)


def test_count_by_list_column_with_choices(df):
    assert as_pairs(ini.count_by(df, "support_types")) == [
        ("advies", 1), ("training", 1), ("studentenprojecten", 1), ("voucher_subsidie", 1),
        ("financiering", 0), ("netwerk", 1), ("informatiepunt", 1), ("onbekend", 0)]
    assert as_pairs(ini.count_by(df, "target_size_classes")) == [
        ("zzp", 1), ("micro", 2), ("klein", 2), ("middelgroot", 2), ("onbekend", 2)]


def test_count_by_list_column_without_choices(df):
    assert as_pairs(ini.count_by(df, "area")) == [
        ("NL", 2), ("GM0002", 1), ("GM0009", 1), ("PV01", 1), ("onbekend", 0)]


def test_count_by_scalar_columns(df):
    assert as_pairs(ini.count_by(df, "level")) == [
        ("regionaal", 3), ("nationaal", 1), ("europees", 1), ("onbekend", 0)]
    assert as_pairs(ini.count_by(df, "status")) == [
        ("lopend", 2), ("beeindigd", 1), ("gepland", 1), ("onbekend", 1)]
    assert as_pairs(ini.count_by(df, "focus")) == [
        ("digitalisering", 4), ("breed", 1), ("onbekend", 0)]
    # "onbekend" is both an allowed audience (the source does not say) and the row for a missing value
    assert as_pairs(ini.count_by(df, "audience")) == [
        ("mkb", 4), ("burgers", 1), ("onbekend", 0), ("onbekend", 0)]


def test_start_years(df):
    table = ini.start_years(df)
    assert list(table.columns) == ["start_year", "status", "initiatives"]
    rows = [(None if pd.isna(y) else int(y), s, n) for y, s, n in as_pairs(table)]
    assert rows == [
        (2020, "lopend", 1), (2020, "beeindigd", 1), (2021, "lopend", 1),
        (None, "gepland", 1), (None, "onbekend", 1)]


def test_reach_summary(df):
    assert ini.reach_summary(df, establishments=1000) == {
        "n_initiatives": 5,
        "n_known_reach": 3,
        "share_unknown_reach": 0.4,
        "known_reach_regional": 150,
        "known_reach_national": 1000,
        "regional_share_of_establishments": 0.15,
    }
    with pytest.raises(ValueError):
        ini.reach_summary(df, establishments=0)


def test_coverage_by_municipality(df):
    table = ini.coverage_by_municipality(df, REGION, PROVINCE_OF)
    assert as_pairs(table) == [("GM0001", 1, 0), ("GM0002", 2, 1), ("GM0003", 0, 0)]


def test_sector_focus(df):
    table = ini.sector_focus(df)
    assert as_pairs(table[["sector_group", "initiatives"]]) == [
        ("B-E", 1), ("F", 1), ("G-I", 0), ("J", 1), ("K", 0), ("L", 0), ("M-N", 0),
        ("A+O-Q", 0), ("R-S", 0), ("alle", 1), ("onbekend", 2)]
    assert table.loc[0, "label"] == "Industrie en energie"


def test_findings(df):
    assert ini.findings(df) == {
        "n_initiatives": 5,
        "share_sector_focus": 0.4,   # a and d
        "share_micro_small": 0.4,    # a and c; d is middelgroot only, b and e unknown
        "n_known_reach": 3,
        "n_mkb": 4,
        "n_burgers": 1,
        "n_digital": 4,
        "n_broad": 1,
    }


# ------------------------------------------------------------------ schema failures

BASE = {
    "id": "rec-x", "name": "X", "description": "Een test.", "organisations": ["Org"],
    "level": "regionaal", "area": ["GM0001"], "support_types": ["advies"],
    "audience": "mkb", "focus": "digitalisering", "start_year": 2020,
    "sources": ["https://example.org/x"], "checked": "2026-11-27", "certainty": "bevestigd",
}


def write(tmp_path, records, name="register.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def changed(**changes):
    record = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is ...:
            del record[key]
        else:
            record[key] = value
    return record


@pytest.mark.parametrize("record, field, problem", [
    (changed(colour="rood"), "colour", "unknown field"),                 # unknown field
    (changed(start_year="2020"), "start_year", "whole number"),          # wrong type
    (changed(area=["GM9999"]), "area", "GM9999"),                        # unknown municipality
    (changed(sources=...), "sources", "required"),                       # missing source
    (changed(start_year=2022, end_year=2020), "end_year", "before"),     # end before start
    (changed(level="lokaal"), "level", "'lokaal' is not allowed"),       # bad choice value
    (changed(sources=["http://example.org/x"]), "sources", "https://"),  # not https
    (changed(start_year=1890), "start_year", "outside"),                 # year out of range
    (changed(area=["NL"]), "area", "level and area"),                    # NL for a regional one
    (changed(reach_mkb=50), "reach_period", "without reach_period"),     # reach without period
])
def test_schema_failures(tmp_path, record, field, problem):
    path = write(tmp_path, [record])
    with pytest.raises(DataError) as info:
        ini.load_initiatives(path, valid_codes=VALID)
    message = str(info.value)
    assert str(path) in message
    assert "'rec-x'" in message
    assert f"field '{field}'" in message
    assert problem in message


def test_duplicate_id(tmp_path):
    path = write(tmp_path, [changed(), changed(name="Y")])
    with pytest.raises(DataError) as info:
        ini.load_initiatives(path, valid_codes=VALID)
    message = str(info.value)
    assert str(path) in message and "'rec-x'" in message and "field 'id'" in message
    assert "used twice" in message


def test_yaml_syntax_error(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("- id: rec-x\n  name: [niet afgesloten\n  level: regionaal\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        ini.load_initiatives(path, valid_codes=VALID)
    message = str(info.value)
    # a syntax error has no record or field yet: the message names the file and the line
    assert str(path) in message and "not valid YAML at line" in message


def test_benchmark_needs_basis(tmp_path):
    record = {"id": "bench-x", "name": "B", "figure": "100 per jaar", "mkb_per_year": 100,
              "sources": ["https://example.org/b"], "checked": "2026-11-27",
              "certainty": "bevestigd"}
    path = write(tmp_path, [record], "benchmarks.yml")
    with pytest.raises(DataError) as info:
        ini.load_benchmarks(path)
    assert str(path) in str(info.value) and "'bench-x'" in str(info.value)
    assert "field 'basis'" in str(info.value)


# ------------------------------------------------------------------ the real registers

def test_real_registers_load():
    real = ini.load_initiatives()
    bench = ini.load_benchmarks()
    assert len(real) >= 15
    assert len(bench) >= 1
    for table in (real, bench):
        for sources in table["sources"]:
            assert any(url.startswith("https://") for url in sources)


def _domain_urls(text: str) -> set[str]:
    return {url.rstrip(".,;)") for url in re.findall(r"https?://[^\s<>\"]+", text)}


# Sources found after domain.md, by a search of stored public pages on 2026-12-01 (primary or better
# than what they replace; each record's note says what they support).
FOUND_BY_SEARCH = {
    "https://www.ncsc.nl/actueel/nieuws/2021/september/13/dtc---okkt",
    "https://www.security.nl/posting/800840/NCSC+en+DTC+vanaf+2026+samengevoegd+tot+overheidsloket+voor+cyberadvies?channel=rss",
}


@pytest.mark.skipif(not DOMAIN_MD.exists(), reason="research notes (domain.md) not available")
def test_real_sources_come_from_research_notes():
    known = _domain_urls(DOMAIN_MD.read_text(encoding="utf-8")) | FOUND_BY_SEARCH
    for table in (ini.load_initiatives(), ini.load_benchmarks()):
        for rid, sources in zip(table["id"], table["sources"]):
            unknown = [url for url in sources if url not in known]
            assert not unknown, f"{rid}: sources not in domain.md: {unknown}"


# ------------------------------------------------------------------ chapter tables

def test_label():
    assert ini.label("support_types", "voucher_subsidie") == "voucher of subsidie"
    assert ini.label("support_types", "studentenprojecten") == "projecten met studenten"
    assert ini.label("status", "beeindigd") == "beëindigd"
    assert ini.label("target_sectors", "M-N") == "zakelijke dienstverlening"
    assert ini.label("target_size_classes", "zzp") == "zzp (1 persoon)"
    assert ini.label("target_size_classes", "klein") == "klein (10–49)"
    assert ini.label("level", "regionaal") == "regionaal"   # not listed: shown as it is
    assert ini.label("status", None) == "onbekend"
    assert ini.label("reach_mkb", pd.NA) == "onbekend"


def test_overview(df):
    table = ini.overview(df)
    # regional first, then national, then European; by name within a level
    assert list(table["id"]) == ["a-provincie", "b-gemeente", "d-buiten", "c-nationaal", "e-burgers"]
    a = table.iloc[0]
    assert a["url"] == "https://example.org/a" and a["sources"] == "https://example.org/a"
    assert a["short_name"] == "Initiatief A"
    named = ini.overview(df.assign(name=["A (uitleg)", "B", "C (x) (y)", "D-d", "E (burgers)"]))
    assert list(named["short_name"]) == ["A", "B", "D-d", "C", "E"]
    assert a["support_types"] == "advies, netwerk"
    assert a["target_size_classes"] == "micro, klein"
    assert a["target_sectors"] == "industrie en energie; bouw"
    assert (a["status"], a["reach_mkb"], a["reach_period"], a["reach_scope"]) == (
        "beëindigd", 120, "2020–2023", "eigen werkgebied")
    b = table.iloc[1]
    assert b["organisations"] == "Org B, Org C"
    assert b["target_size_classes"] == "onbekend" and b["target_sectors"] == "alle sectoren"
    d = table.iloc[2]
    assert pd.isna(d["reach_mkb"]) and pd.isna(d["start_year"])
    assert (d["status"], d["reach_period"], d["reach_scope"]) == ("onbekend", "onbekend", "onbekend")
    e = table.iloc[4]
    assert (e["level"], e["support_types"], e["audience"]) == ("Europees", "informatiepunt", "burgers")


def test_count_by_level_group(df):
    table = ini.count_by_level_group(df, "support_types")
    assert list(table.columns) == ["support_types", "label", "level_group", "initiatives"]
    # regional: a, b, d; national or European: c, e
    assert as_pairs(table) == [
        ("advies", "advies", "regionaal", 1), ("advies", "advies", "nationaal of Europees", 0),
        ("training", "training", "regionaal", 1), ("training", "training", "nationaal of Europees", 0),
        ("studentenprojecten", "projecten met studenten", "regionaal", 1),
        ("studentenprojecten", "projecten met studenten", "nationaal of Europees", 0),
        ("voucher_subsidie", "voucher of subsidie", "regionaal", 0),
        ("voucher_subsidie", "voucher of subsidie", "nationaal of Europees", 1),
        ("financiering", "financiering", "regionaal", 0), ("financiering", "financiering", "nationaal of Europees", 0),
        ("netwerk", "netwerk", "regionaal", 1), ("netwerk", "netwerk", "nationaal of Europees", 0),
        ("informatiepunt", "informatiepunt", "regionaal", 0),
        ("informatiepunt", "informatiepunt", "nationaal of Europees", 1),
        ("onbekend", "onbekend", "regionaal", 0), ("onbekend", "onbekend", "nationaal of Europees", 0)]
    sizes = ini.count_by_level_group(df, "target_size_classes")
    assert [(v, g, n) for v, _, g, n in as_pairs(sizes)] == [
        ("zzp", "regionaal", 0), ("zzp", "nationaal of Europees", 1),
        ("micro", "regionaal", 1), ("micro", "nationaal of Europees", 1),
        ("klein", "regionaal", 1), ("klein", "nationaal of Europees", 1),
        ("middelgroot", "regionaal", 1), ("middelgroot", "nationaal of Europees", 1),
        ("onbekend", "regionaal", 1), ("onbekend", "nationaal of Europees", 1)]


def test_within_region(df):
    # a: PV01 = {GM0001, GM0002}, inside; b: GM0002 inside; c and e: NL; d: GM0009 outside
    assert list(ini.within_region(df, REGION, PROVINCE_OF)) == [True, True, False, False, False]
    # GM0001 alone: PV01 also holds GM0002, so a's area is larger than the region
    assert list(ini.within_region(df, {"GM0001"}, PROVINCE_OF)) == [False, False, False, False, False]
    assert list(ini.within_region(df, {"GM0002"}, PROVINCE_OF)) == [False, True, False, False, False]


def test_reach_status(df):
    # known: a (120, regional), b (30, regional), c (1000, national); unknown: d, e
    assert as_pairs(ini.reach_status(df)) == [
        (ini.REACH_KNOWN_REGIONAL, 2), (ini.REACH_KNOWN_NATIONAL, 1), (ini.REACH_UNKNOWN, 2)]


GROUPS = ["B-E", "F", "G-I", "J", "K", "L", "M-N", "A+O-Q", "R-S"]
SHARES = pd.DataFrame({"sectorgroep": GROUPS,
                       "regio_pct": [5.0, 12.0, 20.0, 8.0, 3.0, 2.0, 25.0, 15.0, 10.0],
                       "nederland_pct": [4.0, 10.0, 19.0, 5.0, 3.0, 2.0, 25.0, 20.0, 12.0]})
LQ_REGION = pd.DataFrame({"eenheid": "Testregio", "sectorgroep": GROUPS,
                          "vestigingen": [50, 120, 200, 80, 30, 20, 250, 150, 100],
                          "lq": [1.25, 1.2, 1.05, 1.6, 1.0, 1.0, 1.0, 0.75, 0.83]})


def test_sector_gaps(df):
    # sector_focus of the fixture: B-E 1, F 1, J 1, all other groups 0
    table = ini.sector_gaps(ini.sector_focus(df), SHARES, LQ_REGION)
    assert list(table.columns) == ["sector_group", "label", "establishments", "share_pct", "share_nl_pct",
                                   "lq", "initiatives", "large", "specialised", "gap"]
    assert table.loc[6, "label"] == "Zakelijke dienstverlening"
    assert table.loc[6, "establishments"] == 250 and table.loc[6, "share_nl_pct"] == 25.0
    assert [(g, n, big, spec, gap) for g, n, big, spec, gap in
            table[["sector_group", "initiatives", "large", "specialised", "gap"]].itertuples(index=False)] == [
        ("B-E", 1, False, True, False),     # specialised but targeted
        ("F", 1, True, True, False),
        ("G-I", 0, True, False, True),      # large (20%), nobody targets it
        ("J", 1, False, True, False),
        ("K", 0, False, False, False),
        ("L", 0, False, False, False),
        ("M-N", 0, True, False, True),      # lq 1.0 < 1.1, but 25% of establishments
        ("A+O-Q", 0, True, False, True),
        ("R-S", 0, True, False, True),      # exactly 10%: counts as large
    ]


def test_sector_gaps_thresholds(df):
    table = ini.sector_gaps(ini.sector_focus(df), SHARES, LQ_REGION, large_share_pct=21, specialised_lq=1.3)
    assert list(table.loc[table["large"], "sector_group"]) == ["M-N"]
    assert list(table.loc[table["specialised"], "sector_group"]) == ["J"]
    assert list(table.loc[table["gap"], "sector_group"]) == ["M-N"]


def test_sector_gaps_checks_input(df):
    focus = ini.sector_focus(df)
    with pytest.raises(ValueError, match="R-S"):
        ini.sector_gaps(focus, SHARES, LQ_REGION[LQ_REGION["sectorgroep"] != "R-S"])
    municipalities = pd.concat([LQ_REGION, LQ_REGION.assign(eenheid="GM0001")])
    with pytest.raises(ValueError, match="one row per sector group"):
        ini.sector_gaps(focus, SHARES, municipalities)


def test_benchmark_comparison():
    table = ini.benchmark_comparison(ini.load_benchmarks(BENCHMARKS))
    # only the benchmark with a figure per year; 220 / 250 = 88%
    assert as_pairs(table) == [
        ("bench-bron", "Benchmark uit de bron", 220.0, "bron", "eerste jaar", "bevestigd", 88.0)]
    assert ini.benchmark_comparison(ini.load_benchmarks(BENCHMARKS), ambition=200).loc[0, "pct_of_ambition"] == pytest.approx(110.0)
    with pytest.raises(ValueError):
        ini.benchmark_comparison(ini.load_benchmarks(BENCHMARKS), ambition=0)


def test_count_by_on_a_region_without_regional_initiatives(df):
    """A province outside Utrecht has no regional initiatives: counts are zero, not an error."""
    empty = df.iloc[0:0]
    assert ini.count_by(empty, "focus")["initiatives"].sum() == 0
    assert ini.count_by(empty, "support_types")["initiatives"].sum() == 0
    assert ini.count_by_level_group(empty, "focus")["initiatives"].sum() == 0
