"""Computations of the business-dynamics chapter, with expected values worked out by hand."""

import pandas as pd
import pytest

from mkbbook import business, dynamics as dyn
from mkbbook.regions import resolve


def test_growth_pct():
    assert dyn.growth_pct(200, 250) == pytest.approx(25.0)
    assert dyn.growth_pct(80, 60) == pytest.approx(-25.0)


def test_location_quotient():
    # 20 of 100 establishments in the unit vs 50 of 1,000 nationally: 0.20 / 0.05 = 4
    assert dyn.location_quotient(20, 100, 50, 1000) == pytest.approx(4.0)
    assert dyn.location_quotient(5, 100, 50, 1000) == pytest.approx(1.0)


def _est():
    rows = []
    for code, year, f, j in [("GM1", 2015, 30, 10), ("GM1", 2016, 40, 20), ("GM2", 2015, 60, 0), ("GM2", 2016, 60, 20)]:
        rows += [(code, year, "F", f), (code, year, "J", j), (code, year, "totaal", f + j)]
    return pd.DataFrame(rows, columns=["gemeentecode", "jaar", "sectorgroep", "vestigingen"])


def test_region_series_and_totals():
    series = dyn.region_series(_est(), {"GM1", "GM2"})
    assert dyn.totals_by_year(series).to_dict() == {2015: 100, 2016: 140}


def test_sector_shares_and_location_quotients():
    est = _est()
    national = est.assign(gemeentecode="NL").groupby(["jaar", "sectorgroep"], as_index=False)["vestigingen"].sum()
    national.loc[national.sectorgroep == "F", "vestigingen"] *= 4  # NL 2016: F 400, J 40 -> F 90.9 %
    shares = dyn.sector_shares(dyn.region_series(est, {"GM1"}), national, 2016).set_index("sectorgroep")
    # GM1 2016: F 40, J 20 -> 66.7 % / 33.3 %; NL: 400/440 = 90.9 %, 40/440 = 9.1 %
    assert shares.loc["F", "regio_pct"] == pytest.approx(66.6667, rel=1e-4)
    assert shares.loc["J", "nederland_pct"] == pytest.approx(9.0909, rel=1e-4)
    assert shares.loc["J", "verschil_pp"] == pytest.approx(33.3333 - 9.0909, rel=1e-4)
    lq = dyn.location_quotients(est, national, {"GM1", "GM2"}, 2016, "Regio").set_index(["eenheid", "sectorgroep"])
    # GM1 J: (20/60) / (40/440) = 3.6667; region J: (40/140) / (40/440) = 3.1429
    assert lq.loc[("GM1", "J"), "lq"] == pytest.approx(3.6667, rel=1e-4)
    assert lq.loc[("Regio", "J"), "lq"] == pytest.approx(3.1429, rel=1e-4)
    assert lq.loc[("Regio", "F"), "vestigingen"] == 100


def test_municipality_table():
    names = pd.Series({"GM1": "Eén", "GM2": "Twee"})
    population = pd.Series({"GM1": 1000, "GM2": 3000})
    table = dyn.municipality_table(_est(), {"GM1", "GM2"}, names, population, 2016, base_year=2015,
                                   population_year=2016).set_index("gemeentecode")
    assert table.loc["GM1", "vestigingen"] == 60
    assert table.loc["GM1", "groei_vorig_jaar_pct"] == pytest.approx(50.0)  # 40 -> 60
    assert table.loc["GM2", "groei_sinds_2015_pct"] == pytest.approx(33.3333, rel=1e-4)  # 60 -> 80
    assert table.loc["GM2", "per_1000_inwoners"] == pytest.approx(80 / 3000 * 1000)
    assert list(table.index) == ["GM2", "GM1"]  # largest first


def test_births_rate():
    births = pd.DataFrame({"coropcode": ["CR1", "CR2", "CR1"], "jaar": [2020, 2020, 2021], "oprichtingen": [10, 30, 12]})
    stock = pd.DataFrame({"coropcode": ["CR1", "CR2", "CR1"], "jaar": [2020, 2020, 2021], "vestigingen": [100, 200, 120]})
    assert dyn.births_rate(births, stock, ["CR1"]).to_dict() == {2020: 10.0, 2021: 10.0}
    assert dyn.births_rate(births, stock).loc[2020] == pytest.approx(40 / 300 * 100)


def test_growth_by_sector():
    series = dyn.region_series(_est(), {"GM1", "GM2"})
    out = dyn.growth_by_sector(series, "vestigingen", 2015, 2016).set_index("sectorgroep")
    assert out.loc["J", "start"] == 10 and out.loc["J", "eind"] == 40  # GM1 10+0 -> 20+20
    assert out.loc["J", "groei_pct"] == pytest.approx(300.0)


def _raw():
    """Establishments on each year's boundaries, with GM0000 (hand-checked below)."""
    rows = []
    for code, year, f, j in [("GM1", 2015, 30, 10), ("GM1", 2016, 40, 20), ("GM2", 2015, 60, 0), ("GM2", 2016, 60, 20),
                             ("GM3", 2015, 100, 0), ("GM3", 2016, 100, 0), ("GM0000", 2015, 0, 0),
                             ("GM0000", 2016, 0, 60)]:
        rows += [(code, year, "F", f), (code, year, "J", j), (code, year, "totaal", f + j)]
    return pd.DataFrame(rows, columns=["gemeentecode", "jaar", "sectorgroep", "vestigingen"])


def test_like_for_like_comparator_leaves_out_unassigned():
    raw = _raw()
    level = dyn.totals_by_year(dyn.national_series(raw))
    comparator = dyn.totals_by_year(dyn.municipal_sum_series(raw))
    # national level incl. GM0000: 200 -> 300 (+50 %); sum of municipalities: 200 -> 240 (+20 %)
    assert level.to_dict() == {2015: 200, 2016: 300}
    assert comparator.to_dict() == {2015: 200, 2016: 240}
    assert dyn.growth_pct(comparator[2015], comparator[2016]) == pytest.approx(20.0)
    region = dyn.region_series_exact(raw, {"GM1", "GM2"})
    assert dyn.totals_by_year(region).to_dict() == {2015: 100, 2016: 140}  # +40 %, against +20 % like-for-like
    assert region["vestigingen"].dtype == "int64"
    shares = dyn.sector_shares(region, dyn.municipal_sum_series(raw), 2016).set_index("sectorgroep")
    # region J 40/140 = 28.57 %; comparator J 40/240 = 16.67 % (with GM0000's 60 J: 100/300 = 33.3 %)
    assert shares.loc["J", "regio_pct"] == pytest.approx(40 / 140 * 100)
    assert shares.loc["J", "nederland_pct"] == pytest.approx(40 / 240 * 100)
    lq = dyn.location_quotients(raw[raw.gemeentecode != "GM0000"], dyn.municipal_sum_series(raw), {"GM1", "GM2"},
                                2016, "Regio").set_index(["eenheid", "sectorgroep"])
    assert lq.loc[("Regio", "J"), "lq"] == pytest.approx((40 / 140) / (40 / 240))  # 1.714, not 0.857


def test_profile_on_the_real_data_matches_the_mirror_readme(seed_snapshot):
    p = business.profile(resolve("provincie-utrecht"), 2023)
    # municipal sums for the province in 2023 = 202,045 (cross-check in the mirror README)
    assert p.establishments == 202045 and isinstance(p.establishments, int)
    assert p.nl == p.nl_municipal + p.unassigned  # level = comparator + GM0000
    assert p.births_cover_region and p.within_utrecht_corop
    assert set(p.subregions["deelregio"]) == {"U16", "Regio Amersfoort (Utrechtse gemeenten)",
                                              "Regio Foodvalley (Utrechtse gemeenten)"}
    assert p.subregions["gemeenten"].sum() == 26


def test_outside_years_give_a_clear_error():
    from mkbbook.errors import DataError

    with pytest.raises(DataError, match="choose a year from 2016"):
        business.profile(resolve("u16"), 2030)
