"""Tests for the Eurostat SDMX-CSV reader, the DII / AI selections and the target gaps."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from mkbbook import eurostat, policies
from mkbbook.errors import DataError
from mkbbook.paths import mirror_dir

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
DII = FIXTURES / "isoc_e_dii_sample.csv"  # 12 rows cut from the real mirror file
AI = FIXTURES / "isoc_eb_ai_sample.csv"   # 4 rows cut from the real mirror file
CODES = {"GM0307", "GM0344", "GM0345", "PV26", "NL", "EU"}


@pytest.fixture
def raw():
    return eurostat.read_sdmx_csv(DII)


def test_read_sdmx_csv(raw):
    assert list(raw.columns) == ["indicator", "indicator_label", "size_emp", "size_emp_label", "nace_r2",
                                 "unit", "geo", "geo_label", "year", "value", "flag"]
    assert len(raw) == 12
    assert raw["year"].dtype.kind == "i" and raw["value"].dtype.kind == "f"
    first = raw.iloc[0]
    assert (first["indicator"], first["size_emp"], first["geo"], first["year"], first["value"]) == \
        ("E_DI3_GELO", "10-249", "NL", 2023, 82.72)
    assert first["geo_label"] == "Netherlands"
    assert first["indicator_label"].endswith("(DII Version 3)")
    assert first["size_emp_label"] == "From 10 to 249 persons employed"
    assert pd.isna(first["flag"])
    by_geo = raw.set_index(["geo", "indicator"])
    assert by_geo.loc[("FR", "E_DI3_GELO"), "flag"] == "b"
    # empty OBS_VALUE stays missing; the flag / confidentiality is kept
    assert pd.isna(by_geo.loc[("BA", "E_DI3_VHI"), "value"]) and by_geo.loc[("BA", "E_DI3_VHI"), "flag"] == "u"
    assert pd.isna(by_geo.loc[("ME", "E_DI3_GELO"), "value"]) and by_geo.loc[("ME", "E_DI3_GELO"), "flag"] == "c"


def test_digital_intensity(raw):
    d = eurostat.digital_intensity(raw)
    got = [(r.geo, r.size_emp, r.year, r.dii_version, r.value) for r in d.itertuples()]
    assert got == [
        ("NL", "10-49", 2025, 3, 87.28),
        ("NL", "GE250", 2025, 3, 97.92),
        ("NL", "10-249", 2023, 3, 82.72),
        ("NL", "10-249", 2024, 4, 80.83),
        ("NL", "10-249", 2025, 3, 88.76),
        ("EU27_2020", "10-249", 2024, 4, 72.91),
        ("EU27_2020", "10-249", 2025, 3, 71.39),
    ]
    # versions are separate series: v3 and v4 never share a series name
    nl = d[(d["geo"] == "NL") & (d["size_emp"] == "10-249")]
    assert nl["series"].tolist() == ["mkb (10-249), DII v3", "mkb (10-249), DII v4", "mkb (10-249), DII v3"]
    assert nl.groupby("series")["dii_version"].nunique().eq(1).all()


def test_dii_version_from_file_not_year():
    assert eurostat.dii_version("E_DI4_GELO", "… (DII Version 4)", 2023) == 4  # file wins over year
    assert eurostat.dii_version("X_GELO", "at least basic (DII version 3)", 2024) == 3
    assert eurostat.dii_version("X_GELO", None, 2024) == 4  # fallback: even year → v4
    with pytest.raises(DataError, match="v3 but its label says v4"):
        eurostat.dii_version("E_DI3_GELO", "(DII Version 4)", 2023)


def test_ai_use():
    a = eurostat.ai_use(eurostat.read_sdmx_csv(AI))
    got = [(r.geo, r.size_emp, r.year, r.indicator, r.value, r.flag) for r in a.itertuples()]
    assert got[0][:5] == ("NL", "GE10", 2025, "E_AI_TANY", 33.21) and got[0][5] == "b"
    assert got[1][:5] == ("EU27_2020", "GE10", 2025, "E_AI_TANY", 19.95) and pd.isna(got[1][5])
    assert len(got) == 2


def test_latest_and_gaps(raw):
    d = eurostat.digital_intensity(raw)
    latest = eurostat.latest_dii_basic(d)
    assert sorted(zip(latest["geo"], latest["year"], latest["value"], latest["dii_version"])) == \
        [("EU27_2020", 2025, 71.39, 3), ("NL", 2025, 88.76, 3)]
    targets = policies.targets_table(policies.load_policies(FIXTURES / "register.yml", valid_codes=CODES))
    gaps = eurostat.target_gaps(latest, targets)
    assert gaps["policy_id"].tolist() == ["eu-kompas", "eu-kompas", "rijk-sde"]
    assert gaps["target_value"].tolist() == [90.0, 75.0, 95.0]
    assert gaps["gap_pp"].iloc[0] == pytest.approx(18.61)   # 90 − 71.39
    assert pd.isna(gaps["gap_pp"].iloc[1])                  # no cloud/AI/big-data measurement
    assert gaps["gap_pp"].iloc[2] == pytest.approx(6.24)    # 95 − 88.76
    assert gaps["latest_year"].tolist()[0] == 2025
    assert "DII v3" in gaps["source"].iloc[0]
    # the latest DII v4 values give other gaps: 90 − 72.91 and 95 − 80.83
    v4 = eurostat.target_gaps(eurostat.latest_dii_basic(d, version=4), targets)
    assert v4["gap_pp"].iloc[0] == pytest.approx(17.09)
    assert v4["gap_pp"].iloc[2] == pytest.approx(14.17)


def test_gaps_refuse_duplicate_latest(raw):
    latest = eurostat.latest_dii_basic(eurostat.digital_intensity(raw))
    targets = policies.targets_table(policies.load_policies(FIXTURES / "register.yml", valid_codes=CODES))
    with pytest.raises(DataError, match="more than one"):
        eurostat.target_gaps(pd.concat([latest, latest]), targets)


# --- failures ---------------------------------------------------------------------------

def test_missing_column(tmp_path):
    lines = DII.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "no_geo.csv"
    bad.write_text("\n".join([lines[0].replace(",geo,", ",country,")] + lines[1:]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        eurostat.read_sdmx_csv(bad)
    message = str(info.value)
    assert str(bad) in message and "missing: geo" in message and "Fix:" in message


def test_non_numeric_value(tmp_path):
    text = DII.read_text(encoding="utf-8").replace(",80.83,", ",80.83x,", 1)
    bad = tmp_path / "bad_value.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        eurostat.read_sdmx_csv(bad)
    message = str(info.value)
    assert str(bad) in message and "'OBS_VALUE'" in message and "line 3" in message
    assert "'80.83x' on line 3 is not a number" in message and "Fix:" in message


def test_non_numeric_value_simple(tmp_path):
    text = DII.read_text(encoding="utf-8").replace(",88.76,", ",n.b.,", 1)
    bad = tmp_path / "bad_value.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(str(bad)) + r".*line 4.*'OBS_VALUE'.*'n\.b\.' on line 4 is not a number"):
        eurostat.read_sdmx_csv(bad)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        eurostat.read_sdmx_csv(tmp_path / "absent.csv")


# --- the real mirror files -----------------------------------------------------------------

@pytest.fixture(scope="module")
def mirror():
    try:
        path = mirror_dir() / "eurostat"
    except DataError:
        pytest.skip("data mirror not available")
    if not (path / "isoc_e_dii.csv").exists():
        pytest.skip("isoc_e_dii.csv not in the mirror")
    return path


def test_real_dii(mirror, seed_snapshot):
    d = eurostat.digital_intensity(eurostat.read_sdmx_csv(mirror / "isoc_e_dii.csv"))
    for geo in ("NL", "EU27_2020"):
        for size in eurostat.SME_SIZE_CLASSES:
            rows = d[(d["geo"] == geo) & (d["size_emp"] == size)]
            assert set(rows["year"]) == {2021, 2022, 2023, 2024, 2025}, (geo, size)
            assert rows["value"].notna().all()
            assert rows.set_index("year")["dii_version"].to_dict() == {2021: 3, 2022: 4, 2023: 3, 2024: 4, 2025: 3}
    # spot checks against the research file (EU SMEs: 55 % 2021, 69 % 2022, 58 % 2023, 73 % 2024)
    eu = d[(d["geo"] == "EU27_2020") & (d["size_emp"] == "10-249")].set_index("year")["value"]
    assert eu.round().to_dict() == {2021: 55, 2022: 69, 2023: 58, 2024: 73, 2025: 71}


def test_real_ai(mirror, seed_snapshot):
    a = eurostat.ai_use(eurostat.read_sdmx_csv(mirror / "isoc_eb_ai.csv"))
    assert set(a["geo"]) == {"NL", "EU27_2020"} and set(a["year"]) == {2025}
    assert a["value"].notna().all()


def test_real_gaps(mirror, seed_snapshot):
    try:
        register = policies.load_policies()
    except DataError as exc:
        pytest.skip(str(exc))
    d = eurostat.digital_intensity(eurostat.read_sdmx_csv(mirror / "isoc_e_dii.csv"))
    gaps = eurostat.target_gaps(eurostat.latest_dii_basic(d), policies.targets_table(register))
    dii = gaps[gaps["indicator"] == eurostat.IND_DII_BASIC].set_index("geo")
    assert dii.loc["EU27_2020", "latest_year"] == 2025
    assert dii.loc["EU27_2020", "gap_pp"] == pytest.approx(90 - 71.39)
    assert dii.loc["NL", "gap_pp"] == pytest.approx(95 - 88.76)
    assert gaps.loc[gaps["indicator"] == eurostat.IND_CLOUD_AI_BIGDATA, "gap_pp"].isna().all()


# --- helpers of the chapter "Beleidskaders vergeleken" (expected values by hand) ---------

RANK = FIXTURES / "isoc_e_dii_rank_sample.csv"  # 18 rows (10-249, at least basic, 2024-2025) cut from the mirror


def test_dii_series(raw):
    s = eurostat.dii_series(eurostat.digital_intensity(raw))
    got = [(r.series, r.year, r.value) for r in s.itertuples()]
    assert got == [("Nederland, DII v3", 2023, 82.72), ("Nederland, DII v3", 2025, 88.76),
                   ("Nederland, DII v4", 2024, 80.83), ("EU27, DII v3", 2025, 71.39),
                   ("EU27, DII v4", 2024, 72.91)]
    # a series never mixes versions
    assert s.groupby("series")["dii_version"].nunique().eq(1).all()
    assert s["year_label"].tolist()[:3] == ["2023 (DII v3)", "2025 (DII v3)", "2024 (DII v4)"]
    small = eurostat.dii_series(eurostat.digital_intensity(raw), size_emp="10-49")
    assert small["series"].tolist() == ["Nederland, DII v3"] and small["value"].tolist() == [87.28]


def test_eu_ranks():
    raw = eurostat.read_sdmx_csv(RANK)
    d = eurostat.digital_intensity(raw, geos=eurostat.EU27_MEMBERS + ("EU27_2020", "NO", "RS"),
                                   size_classes=("10-249",))
    r = eurostat.eu_ranks(d)
    # 2024 (v4): FI 92.51, DK 90.47, SE 86.56, BE 83.70, MT 81.28 above NL 80.83; NO and RS are no members
    # 2025 (v3): FI 94.04, DK 92.45 above NL 88.76; SE, BE, MT below
    assert r.values.tolist() == [[2024, 4, 80.83, 6, 6], [2025, 3, 88.76, 3, 6]]
    assert eurostat.eu_ranks(d, geo="DE").empty
    assert len(eurostat.EU27_MEMBERS) == 27 and "NL" in eurostat.EU27_MEMBERS


def test_real_eu_rank(mirror):
    raw = eurostat.read_sdmx_csv(mirror / "isoc_e_dii.csv")
    d = eurostat.digital_intensity(raw, geos=eurostat.EU27_MEMBERS, size_classes=("10-249",))
    r = eurostat.eu_ranks(d).set_index("year")
    assert r.loc[2025, "rank"] == 3 and r.loc[2025, "members"] == 27


def test_dii_table(raw):
    t = eurostat.dii_table(eurostat.digital_intensity(raw))
    assert list(t.columns) == ["size_emp", "size_label", "geo", "geo_name",
                               "2023 (DII v3)", "2025 (DII v3)", "2024 (DII v4)"]  # v3 years, then v4
    assert list(zip(t["size_emp"], t["geo"])) == [("10-49", "NL"), ("GE250", "NL"), ("10-249", "NL"),
                                                  ("10-249", "EU27_2020")]
    mkb_nl = t.iloc[2]
    assert (mkb_nl["2023 (DII v3)"], mkb_nl["2025 (DII v3)"], mkb_nl["2024 (DII v4)"]) == (82.72, 88.76, 80.83)
    assert t.iloc[3]["geo_name"] == "EU27" and pd.isna(t.iloc[3]["2023 (DII v3)"])  # not in the sample
    assert pd.isna(t.iloc[0]["2024 (DII v4)"])
