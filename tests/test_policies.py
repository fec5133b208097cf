"""Tests for the policy register and the curated CBS / monitoring CSV files."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from mkbbook import eurostat, policies
from mkbbook.errors import DataError
from mkbbook.paths import DATA_DIR, REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
REGISTER = FIXTURES / "register.yml"
CODES = {"GM0307", "GM0344", "GM0345", "PV26", "NL", "EU"}
DOMAIN = REPO_ROOT.parent / "shared" / "research" / "domain.md"


@pytest.fixture
def df():
    return policies.load_policies(REGISTER, valid_codes=CODES)


# --- loading and the derived tables (expected values computed by hand) ----------------

def test_fixture_loads(df):
    assert list(df["id"]) == ["eu-kompas", "rijk-sde", "prov-visie", "regio-agenda",
                              "gem-amersfoort", "gem-veenendaal"]
    assert df.loc[df["id"] == "gem-veenendaal", "themes"].item() == []
    assert df.loc[df["id"] == "prov-visie", "targets"].item() == []
    assert df["checked"].unique().tolist() == ["2026-11-27"]


def test_level_theme_matrix(df):
    m = policies.level_theme_matrix(df)
    assert list(m.index) == ["EU", "Rijk", "provincie", "regio", "gemeente"]
    assert list(m.columns) == ["mkb_digitalisering", "digitale_vaardigheden", "cybersecurity",
                               "data_ai", "innovatie", "arbeidsmarkt", "digitale_infrastructuur"]
    assert m.values.tolist() == [
        [1, 1, 0, 1, 0, 0, 0],  # EU
        [1, 0, 0, 0, 1, 0, 0],  # Rijk
        [0, 0, 0, 0, 1, 1, 0],  # provincie
        [1, 0, 0, 1, 1, 0, 0],  # regio
        [0, 0, 0, 0, 1, 0, 0],  # gemeente (Veenendaal has no theme)
    ]


def test_numeric_mkb_targets_by_level(df):
    t = policies.numeric_mkb_targets_by_level(df)
    assert list(t.index) == ["EU", "Rijk", "provincie", "regio", "gemeente"]
    assert t["documents"].tolist() == [1, 1, 1, 1, 2]
    assert t["documents_with_mkb_target"].tolist() == [1, 1, 0, 0, 0]  # Amersfoort's target is 'nee'
    assert t["has_mkb_target"].tolist() == ["ja", "ja", "nee", "nee", "nee"]


def test_timeline(df):
    t = policies.timeline(df)
    assert t["id"].tolist() == ["regio-agenda", "eu-kompas", "prov-visie", "rijk-sde",
                                "gem-veenendaal", "gem-amersfoort"]
    row = t.set_index("id").loc["eu-kompas"]
    assert (row["start_year"], row["end_year"]) == (2021, 2030)
    row = t.set_index("id").loc["prov-visie"]  # no period: start = adoption, end missing
    assert row["start_year"] == 2021 and pd.isna(row["end_year"])
    row = t.set_index("id").loc["gem-amersfoort"]  # single-year period
    assert (row["start_year"], row["end_year"]) == (2025, 2025)


def test_period_years():
    assert policies._period_years("2021–", 2020) == (2021, None)
    assert policies._period_years("tot 2030", 2022) == (2022, 2030)
    assert policies._period_years("2013–2020; actieagenda 2022", 2013) == (2013, 2020)
    assert policies._period_years(None, 2018) == (2018, None)


def test_applying_to_region(df):
    utrecht = policies.applying_to_region(df, {"GM0344"}, {"GM0344": "PV26"})
    assert utrecht["id"].tolist() == ["prov-visie", "regio-agenda"]
    amersfoort = policies.applying_to_region(df, {"GM0307"}, {"GM0307": "PV26"})
    assert amersfoort["id"].tolist() == ["prov-visie", "regio-agenda", "gem-amersfoort"]
    elsewhere = policies.applying_to_region(df, {"GM0014"}, {"GM0014": "PV20"})
    assert elsewhere.empty  # EU and Rijk documents are never included


def test_targets_table(df):
    t = policies.targets_table(df)
    assert len(t) == 6
    assert t["policy_id"].tolist() == ["eu-kompas"] * 3 + ["rijk-sde"] * 2 + ["gem-amersfoort"]
    assert t["value"].tolist() == [90.0, 75.0, 80.0, 95.0, 100.0, 1000.0]
    assert t["applies_to"].tolist()[:4] == ["EU", "EU", "EU", "NL"]
    assert t["target_year"].tolist() == [2030] * 5 + [2026]


def test_themes_table():
    t = policies.themes_table()
    assert len(t) == 7 and set(t.columns) == {"code", "label", "definition"}
    assert t["definition"].str.endswith(".").all()


# --- schema failures: the message names file, record and field --------------------------

def _write(tmp_path, records):
    path = tmp_path / "policies.yml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _records():
    return yaml.safe_load(REGISTER.read_text(encoding="utf-8"))


def _expect_error(tmp_path, records, record_id, field, words=""):
    path = _write(tmp_path, records)
    with pytest.raises(DataError) as info:
        policies.load_policies(path, valid_codes=CODES)
    message = str(info.value)
    assert str(path) in message
    assert f"record {record_id!r}" in message
    assert f"field {field!r}" in message
    assert words in message
    return message


def test_unknown_field(tmp_path):
    records = _records()
    records[1]["budget"] = 5
    _expect_error(tmp_path, records, "rijk-sde", "budget", "unknown field")


def test_wrong_type(tmp_path):
    records = _records()
    records[2]["year_adopted"] = "2021"
    _expect_error(tmp_path, records, "prov-visie", "year_adopted", "whole number")


def test_wrong_target_value_type(tmp_path):
    records = _records()
    records[0]["targets"][0]["value"] = "90%"
    _expect_error(tmp_path, records, "eu-kompas", "targets[1]", "must be a number")


def test_unknown_code(tmp_path):
    records = _records()
    records[3]["applies_to"] = ["GM0344", "GM9999"]
    _expect_error(tmp_path, records, "regio-agenda", "applies_to", "GM9999")


def test_unknown_theme(tmp_path):
    records = _records()
    records[2]["themes"] = ["innovatie", "monitoring"]
    _expect_error(tmp_path, records, "prov-visie", "themes", "'monitoring' is not allowed")


def test_missing_source(tmp_path):
    records = _records()
    del records[4]["sources"]
    _expect_error(tmp_path, records, "gem-amersfoort", "sources", "missing")


def test_both_targets_and_note(tmp_path):
    records = _records()
    records[1]["no_numeric_target_note"] = "geen"
    _expect_error(tmp_path, records, "rijk-sde", "targets", "both")


def test_neither_targets_nor_note(tmp_path):
    records = _records()
    del records[2]["no_numeric_target_note"]
    _expect_error(tmp_path, records, "prov-visie", "targets", "neither")


def test_duplicate_id(tmp_path):
    records = _records()
    records[5]["id"] = "gem-amersfoort"
    _expect_error(tmp_path, records, "gem-amersfoort", "id", "used twice")


def test_bad_level(tmp_path):
    records = _records()
    records[3]["level"] = "Regio"
    _expect_error(tmp_path, records, "regio-agenda", "level", "'Regio' is not allowed")


def test_target_year_before_adoption(tmp_path):
    records = _records()
    records[4]["targets"][0]["target_year"] = 2019
    _expect_error(tmp_path, records, "gem-amersfoort", "targets[1]", "outside")


def test_target_missing_key(tmp_path):
    records = _records()
    del records[1]["targets"][0]["unit"]
    _expect_error(tmp_path, records, "rijk-sde", "targets[1]", "unit is missing")


# --- the real register ----------------------------------------------------------------

@pytest.fixture(scope="module")
def real():
    try:
        return policies.load_policies()
    except DataError as exc:
        if "no data mirror" in str(exc):
            pytest.skip("data mirror not available for municipality codes")
        raise


def test_real_register(real):
    assert len(real) >= 15
    assert set(real["level"]) == set(policies.LEVELS)
    assert real["id"].is_unique


VERIFIED = FIXTURES / "verified_sources.txt"  # sources found after the research, with what they are


def verified_sources() -> set:
    lines = VERIFIED.read_text(encoding="utf-8").splitlines()
    return {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}


def test_real_sources_appear_in_research(real):
    """Every source is in the research notes or in the list of sources verified afterwards."""
    if not DOMAIN.exists():
        pytest.skip("research/domain.md not available")
    text = DOMAIN.read_text(encoding="utf-8")
    urls = {u for sources in real["sources"] for u in sources}
    missing = sorted(u for u in urls if u not in text and u not in verified_sources())
    assert not missing, missing


def test_real_gap_targets(real):
    """The three targets the book measures gaps for come from the register (no typing twice)."""
    t = policies.targets_table(real)
    dii = t[t["indicator"] == eurostat.IND_DII_BASIC].set_index("applies_to")["value"]
    assert dii.to_dict() == {"EU": 90.0, "NL": 95.0}
    cloud = t[t["indicator"] == eurostat.IND_CLOUD_AI_BIGDATA].set_index("applies_to")["value"]
    assert cloud.to_dict() == {"EU": 75.0, "NL": 75.0}


def test_real_every_level_in_matrix(real):
    m = policies.level_theme_matrix(real)
    assert (m.sum(axis=1) > 0).all()
    assert m.loc["EU", "mkb_digitalisering"] >= 1


# --- curated CSV files ------------------------------------------------------------------

def test_cbs_size_class():
    cbs = policies.load_cbs_size_class()
    assert len(cbs) == 61
    assert cbs["year"].dtype.kind == "i" and cbs["percentage"].dtype.kind == "f"
    y2019 = cbs[(cbs["cbs_table"] == "84675NED") & cbs["indicator"].str.startswith("mate")]
    assert y2019["size_class"].nunique() == 7 and len(y2019) == 35
    sums = y2019.groupby("size_class")["percentage"].sum()
    assert sums.between(99, 101).all()  # rounding
    row = y2019[(y2019["size_class"] == "2") & (y2019["category"] == "niet gedigitaliseerd")]
    assert row["percentage"].item() == 28
    assert set(cbs["cbs_table"]) == {"84675NED", "84410NED", "84829NED", "85183NED", "85735NED"}


def test_nl_monitoring():
    mon = policies.load_nl_monitoring()
    basic = mon[mon["indicator"] == "mkb met ten minste basisniveau digitalisering"]
    assert basic["percentage"].tolist() == [75.0, 75.3, 80.0, 81.5]
    assert basic["reference_year"].tolist()[1] == 2021
    assert pd.isna(basic["reference_year"].tolist()[0])
    assert set(mon["certainty"]) <= {"bevestigd", "onzeker"}


def test_csv_errors(tmp_path):
    good = (DATA_DIR / "cbs_digitalisering_grootteklasse.csv").read_text(encoding="utf-8")
    bad = tmp_path / "cbs.csv"
    bad.write_text(good.replace(",2019,20,", ",2019,twintig,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(str(bad)) + r".*line 2.*'percentage'.*not a number"):
        policies.load_cbs_size_class(bad)
    bad.write_text(good.replace("cbs_table,", "tabel,", 1), encoding="utf-8")
    with pytest.raises(DataError, match="columns"):
        policies.load_cbs_size_class(bad)
    mon = (DATA_DIR / "nl_mkb_digitalisering_monitoring.csv").read_text(encoding="utf-8")
    bad.write_text(mon.replace(",onzeker,", ",zeker,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2.*'certainty'"):
        policies.load_nl_monitoring(bad)


# --- helpers of the chapter "Beleidskaders vergeleken" (expected values by hand) ---------

CBS_SAMPLE = FIXTURES / "cbs_size_class_sample.csv"  # 14 rows cut from data/cbs_digitalisering_grootteklasse.csv


def test_join_nl_and_theme_labels():
    assert policies.join_nl([]) == ""
    assert policies.join_nl(["EU"]) == "EU"
    assert policies.join_nl(["EU", "Rijk"]) == "EU en Rijk"
    assert policies.join_nl(["provincie", "regio", "gemeente"]) == "provincie, regio en gemeente"
    assert policies.theme_labels(["innovatie", "mkb_digitalisering"]) == "Digitalisering mkb, Innovatie"
    assert policies.theme_labels([]) == "geen"


def test_level_theme_long(df):
    long = policies.level_theme_long(df)
    assert len(long) == 5 * 7
    assert long["level"].unique().tolist() == list(policies.LEVELS)
    row = long[(long["level"] == "gemeente") & (long["theme"] == "innovatie")].iloc[0]
    assert row["documents"] == 1 and row["level_documents"] == 2 and row["share_pct"] == 50.0
    assert row["level_label"] == "Gemeente (2 documenten)" and row["theme_label"] == "Innovatie"
    assert long.loc[long["level"] == "EU", "level_label"].iloc[0] == "EU (1 document)"
    assert long["documents"].sum() == policies.level_theme_matrix(df).values.sum() == 11  # 3+2+2+3+1+0


def test_mkb_target_levels(df):
    with_target, without = policies.mkb_target_levels(policies.numeric_mkb_targets_by_level(df))
    assert with_target == ["EU", "Rijk"] and without == ["provincie", "regio", "gemeente"]
    # a level without documents is in neither list
    no_municipal = df[df["level"] != "gemeente"]
    with_target, without = policies.mkb_target_levels(policies.numeric_mkb_targets_by_level(no_municipal))
    assert with_target == ["EU", "Rijk"] and without == ["provincie", "regio"]


def test_theme_share(df):
    amersfoort = policies.applying_to_region(df, {"GM0307"}, {"GM0307": "PV26"})
    share = policies.theme_share(amersfoort)  # only regio-agenda of the three names mkb digitalisation
    assert (share["documents"], share["with_theme"]) == (3, 1)
    assert share["share_pct"] == pytest.approx(100 / 3)
    assert policies.theme_share(amersfoort, "innovatie")["share_pct"] == 100.0
    empty = policies.theme_share(df.iloc[0:0])
    assert empty == {"documents": 0, "with_theme": 0, "share_pct": None}
    with pytest.raises(ValueError):
        policies.theme_share(df, "monitoring")


def test_short_title():
    title = "Besluit (EU) 2022/2481 tot vaststelling van het beleidsprogramma Digitaal decennium 2030"
    assert policies.short_title(title) == "Besluit (EU) 2022/2481 tot vaststelling van het…"
    assert policies.short_title(title, 30) == "Besluit (EU) 2022/2481 tot…"
    assert policies.short_title("MKB-actieplan") == "MKB-actieplan"


def test_timeline_spans(df):
    t = policies.timeline_spans(df, until=2025).set_index("id")
    assert t.index.tolist() == ["eu-kompas", "rijk-sde", "prov-visie", "regio-agenda",
                                "gem-veenendaal", "gem-amersfoort"]  # by level, then first year
    kompas = t.loc["eu-kompas"]
    assert (kompas["span_start"], kompas["span_end"], kompas["open_end"]) == (2021, 2031, False)
    assert kompas["period_text"] == "2021–2030" and kompas["label"] == "EU: Digitaal kompas"
    assert kompas["adopted_mid"] == 2021.5
    visie = t.loc["prov-visie"]  # in force without an end: open to the edition year
    assert (visie["span_start"], visie["span_end"], visie["open_end"]) == (2021, 2026, True)
    assert visie["period_text"] == "vanaf 2021, geen einddatum"
    amersfoort = t.loc["gem-amersfoort"]  # one year
    assert (amersfoort["span_start"], amersfoort["span_end"], amersfoort["period_text"]) == (2025, 2026, "2025")
    ended = df.copy()
    ended.loc[ended["id"] == "gem-veenendaal", "status"] = "afgelopen"
    ended.loc[ended["id"] == "prov-visie", "status"] = "monitoring"
    t = policies.timeline_spans(ended, until=2025).set_index("id")
    assert (t.loc["gem-veenendaal", "span_end"], t.loc["gem-veenendaal", "open_end"]) == (2024, False)
    assert t.loc["gem-veenendaal", "period_text"] == "vanaf 2023, einddatum onbekend"
    assert (t.loc["prov-visie", "span_end"], t.loc["prov-visie", "period_text"]) == (2022, "rapport 2021")


def test_self_assessed_and_low_digitisation():
    cbs = policies.load_cbs_size_class(CBS_SAMPLE)
    s = policies.self_assessed_digitisation(cbs)
    assert s["size_class"].tolist() == ["2"] * 5 + ["50-100"] * 5  # size order, not file order
    assert s["category"].tolist()[5:] == list(policies.DIGITISATION_LEVELS)
    assert s["percentage"].tolist()[5:] == [4, 7, 40, 31, 18]
    assert s["size_label"].tolist()[-1] == "50 tot 100 personen"
    low = policies.low_digitisation(cbs)
    assert list(zip(low["size_class"], low["percentage"])) == [("2", 48.0), ("50-100", 11.0)]  # 28+20, 4+7
    assert low["year"].tolist() == [2019, 2019]


def test_other_cbs_series():
    o = policies.other_cbs_series(policies.load_cbs_size_class(CBS_SAMPLE))
    got = list(zip(o["indicator"], o["year"], o["size_class"], o["percentage"]))
    assert got == [("clouddiensten", 2018, "2", 27.0), ("website", 2019, "2", 65.0),
                   ("website", 2020, "2", 62.0), ("website", 2020, "5-10", 75.0)]
    assert o["size_label"].tolist()[-1] == "5 tot 10 personen"


def test_real_cbs_low_digitisation():
    low = policies.low_digitisation(policies.load_cbs_size_class()).set_index("size_class")["percentage"]
    assert low.index.tolist() == ["2", "3-5", "5-10", "10-20", "20-50", "50-100", "2 of meer"]
    assert low.to_dict() == {"2": 48, "3-5": 39, "5-10": 28, "10-20": 26, "20-50": 16, "50-100": 11, "2 of meer": 36}


def test_relevant_for_region(df):
    got = policies.relevant_for_region(df, {"GM0307"}, {"GM0307": "PV26"})
    assert got["id"].tolist() == ["eu-kompas", "rijk-sde", "prov-visie", "regio-agenda", "gem-amersfoort"]
    got = policies.relevant_for_region(df, {"GM0014"}, {"GM0014": "PV20"})  # Groningen: only EU and Rijk
    assert got["id"].tolist() == ["eu-kompas", "rijk-sde"]


def test_top_themes(df):
    # provincie + regio + gemeente: innovatie in prov-visie, regio-agenda and gem-amersfoort = 3;
    # the others at most 1 (Veenendaal names no theme)
    assert policies.top_themes(df, policies.LOCAL_LEVELS) == (["Innovatie"], 3)
    # EU + Rijk: mkb_digitalisering 1+1 = 2; the others 1
    assert policies.top_themes(df, ("EU", "Rijk")) == (["Digitalisering mkb"], 2)
    # EU alone: three themes with 1 each, in THEMES order
    assert policies.top_themes(df, ("EU",)) == (["Digitalisering mkb", "Digitale vaardigheden", "Gegevens en AI"], 1)
    only_veenendaal = df[df["id"] == "gem-veenendaal"]
    assert policies.top_themes(only_veenendaal, ("gemeente",)) == ([], 0)


def test_target_text():
    assert policies.target_text(90, "%") == "90%"
    assert policies.target_text(3.0, "plannen") == "3 plannen"
    assert policies.target_text(1000, "personen") == "1.000 personen"
    assert policies.target_text(7.5, "miljard euro") == "7,5 miljard euro"
    assert policies.target_text(3, "rangpositie (top-3)") == "plaats 3 of hoger"


def test_micro_share():
    counts = pd.read_csv(FIXTURES / "bedrijven_grootteklasse_sample.csv", dtype={"grootteklasse": str})
    m = policies.micro_share(counts)
    # 2,012,670 + 193,245 + 90,610 + 65,875 = 2,362,400 of 2,433,985
    assert (m["period"], m["below_ten"], m["total"]) == ("2026K3", 2362400, 2433985)
    assert m["share_pct"] == pytest.approx(97.0589, abs=1e-4)
    j = policies.micro_share(counts, sbi="J")  # 119,755 + 8,670 + 3,230 + 2,705 = 134,360 of 138,305
    assert (j["below_ten"], j["total"]) == (134360, 138305)
    with pytest.raises(ValueError, match="5-9"):
        policies.micro_share(counts[counts["grootteklasse"] != "5-9"])


# --- kind, targets from one place, age of a record (hand-checked on the chapter fixture) -------------

CHAPTER_REGISTER = FIXTURES / "chapter_register.yml"


@pytest.fixture
def chapter_df():
    return policies.load_policies(CHAPTER_REGISTER, valid_codes=CODES | {"GM0344"})


def test_policy_documents_and_reports(chapter_df):
    assert policies.policy_documents(chapter_df)["id"].tolist() == [
        "eu-kompas", "eu-besluit", "rijk-sde", "prov-visie", "gem-utrecht"]
    assert policies.monitoring_reports(chapter_df)["id"].tolist() == ["eu-rapport"]


def test_target_accessor(chapter_df):
    nl = policies.target(chapter_df, policies.IND_DII_BASIC, "NL")
    assert (nl.value, nl.year, nl.unit, nl.size_class, nl.document_id) == (95.0, 2030, "%", "10-249", "rijk-sde")
    assert nl.population == "mkb in Nederland" and nl.source_url == "https://www.rijksoverheid.nl/sde"
    assert nl.text == "95%"
    eu = policies.target(chapter_df, policies.IND_DII_BASIC, "EU")  # the later document (the Decision) wins
    assert (eu.value, eu.document_id) == (91.0, "eu-besluit")
    cloud = policies.target(chapter_df, policies.IND_CLOUD_AI_BIGDATA, "EU")
    assert cloud.size_class == "GE10"
    with pytest.raises(KeyError, match="NL"):
        policies.target(chapter_df, policies.IND_CLOUD_AI_BIGDATA, "NL")


def test_indicator_names_agree_with_eurostat():
    assert policies.IND_DII_BASIC == eurostat.IND_DII_BASIC
    assert policies.IND_CLOUD_AI_BIGDATA == eurostat.IND_CLOUD_AI_BIGDATA


def test_real_targets_from_one_place(real):
    nl = policies.target(real, policies.IND_DII_BASIC, "NL")
    assert (nl.value, nl.year, nl.size_class) == (95.0, 2030, "10-249")
    eu = policies.target(real, policies.IND_DII_BASIC, "EU")
    assert (eu.value, eu.document_id) == (90.0, "eu-digitaal-decennium-besluit-2022")
    assert eu.source_url.startswith("https://eur-lex.europa.eu/")


def test_stale(chapter_df):
    import datetime as dt

    old = policies.stale(chapter_df, dt.date(2026, 12, 1)).tolist()
    assert old == [False, False, False, False, True, False]  # prov-visie checked 2024-06-01
    assert policies.stale(chapter_df, dt.date(2025, 6, 1)).sum() == 0


def test_monitoring_kind_must_fit_status(tmp_path):
    records = yaml.safe_load(CHAPTER_REGISTER.read_text(encoding="utf-8"))
    records[2]["status"] = "geldend"
    path = _write(tmp_path, records)
    with pytest.raises(DataError, match=r"record 'eu-rapport'.*field 'status'"):
        policies.load_policies(path, valid_codes=CODES | {"GM0344"})


def test_source_without_host(tmp_path):
    records = _records()
    records[0]["sources"] = ["https://"]
    _expect_error(tmp_path, records, "eu-kompas", "sources", "https")


def test_real_register_kinds_and_sources(real):
    assert set(real.loc[real["id"].str.startswith("eu-stand-"), "kind"]) == {"monitoring"}
    assert {"eu-mkb-strategie-2020", "rijk-kamerbrief-financiering-digitalisering-mkb-2023"} <= set(real["id"])
    decision = real.set_index("id").loc["eu-digitaal-decennium-besluit-2022"]
    assert {t["value"] for t in decision["targets"]} == {90, 75}
    assert set(real["source_quality"]) <= {"primair", "secundair"}
