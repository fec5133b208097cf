"""Demand-versus-supply model: size structure, lagging range, pace, supply and the sector score,
checked against values worked out by hand."""

import pandas as pd
import pytest

from mkbbook import demand


def _sizes(rows):
    return pd.DataFrame(rows, columns=["sbi", "grootteklasse", "bedrijven"]).assign(periode="2026K3")


SIZES = _sizes([
    ("F", "1", 60), ("F", "2", 20), ("F", "10-19", 15), ("F", "50-99", 5),
    ("A", "1", 10), ("O-Q", "1", 30), ("O-Q", "3-4", 10),
    ("A-U", "1", 100), ("A-U", "2", 40), ("A-U", "3-4", 40), ("A-U", "5-9", 20),
    ("A-U", "10-19", 30), ("A-U", "20-49", 10), ("A-U", "50-99", 5),
])


def test_national_size_shares_and_structure():
    shares = demand.national_size_shares(SIZES)
    f = shares[shares.sectorgroep == "F"].set_index("grootte")["aandeel"]
    assert f["zzp"] == pytest.approx(0.60) and f["micro"] == pytest.approx(0.20)
    assert f["klein"] == pytest.approx(0.15) and f["middelgroot"] == pytest.approx(0.05) and f["groot"] == 0
    # A+O-Q combines sections A and O-Q: zzp 40 of 50
    aoq = shares[shares.sectorgroep == "A+O-Q"].set_index("grootte")["aandeel"]
    assert aoq["zzp"] == pytest.approx(0.8) and aoq["micro"] == pytest.approx(0.2)
    structure = demand.size_structure(pd.Series({"F": 1000.0, "A+O-Q": 500.0}), shares)
    est = structure.set_index(["sectorgroep", "grootte"])["vestigingen"]
    assert est[("F", "zzp")] == pytest.approx(600) and est[("A+O-Q", "micro")] == pytest.approx(100)


def _cbs():
    rows = []
    figures = {"2": (28, 20), "3-5": (22, 17), "5-10": (15, 13), "10-20": (12, 14), "20-50": (7, 9), "50-100": (4, 7)}
    for size, (niet, nauwelijks) in figures.items():
        rows.append(("mate van digitalisering (eigen inschatting)", "niet gedigitaliseerd", size, 2019, niet))
        rows.append(("mate van digitalisering (eigen inschatting)", "nauwelijks gedigitaliseerd", size, 2019, nauwelijks))
    return pd.DataFrame(rows, columns=["indicator", "category", "size_class", "year", "percentage"])


def test_lag_shares_per_scenario():
    lag = demand.lag_shares(_cbs(), {"10-49": 12.7, "50-249": 4.2}, SIZES).set_index(["scenario", "grootte"])["aandeel"]
    # zzp: proxy = 2-person firms: niet 28 %, niet+nauwelijks 48 %
    assert lag[("laag", "zzp")] == pytest.approx(0.28) and lag[("midden", "zzp")] == pytest.approx(0.48)
    # micro, weighted by national counts 2: 40, 3-4: 40, 5-9: 20
    # midden = (0.48*40 + 0.39*40 + 0.28*20) / 100 = 0.404; laag = (0.28*40 + 0.22*40 + 0.15*20)/100 = 0.23
    assert lag[("midden", "micro")] == pytest.approx(0.404) and lag[("laag", "micro")] == pytest.approx(0.23)
    assert lag[("hoog", "micro")] == pytest.approx(0.48)  # all micro firms like 2-person firms
    # klein: Eurostat below basic in laag and midden; hoog = CBS (0.26*30 + 0.16*10)/40 = 0.235
    assert lag[("midden", "klein")] == pytest.approx(0.127) and lag[("hoog", "klein")] == pytest.approx(0.235)
    assert lag[("hoog", "middelgroot")] == pytest.approx(0.11) and lag[("laag", "middelgroot")] == pytest.approx(0.042)


def test_lagging_leaves_out_large_firms():
    structure = pd.DataFrame({"sectorgroep": ["F"] * 3, "grootte": ["zzp", "klein", "groot"], "vestigingen": [100.0, 50.0, 10.0]})
    shares = pd.DataFrame({"scenario": ["midden"] * 3, "grootte": ["zzp", "klein", "groot"], "aandeel": [0.5, 0.1, 0.9]})
    out = demand.lagging(structure, shares)
    assert out["achterblijvend"].sum() == pytest.approx(55.0)  # 100*0.5 + 50*0.1; 'groot' is not mkb


def test_pace():
    p = demand.pace(lagging_firms=1000, mkb_firms=10000, year=2025, per_year=250)
    # the 2030 ambition allows 5 % = 500 lagging firms: 500 to help, 2 years at 250 a year, 100 a year by 2030
    assert p["te_helpen"] == 500 and p["jaren_nodig"] == 2 and p["jaren_tot_doel"] == 5
    assert p["nodig_per_jaar"] == 100 and p["aandeel_per_jaar_pct"] == pytest.approx(25.0)
    assert demand.pace(100, 10000, 2025)["te_helpen"] == 0


def test_yearly_reach_and_supply():
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "name": list("ABCD"), "audience": ["mkb", "mkb", "mkb", "burgers"],
                       "reach_mkb": [300, None, 200, 999], "reach_period": ["2021–2023", None, "2021", "2020"],
                       "reach_scope": ["regionaal", None, "nationaal", "regionaal"]})
    reach = demand.yearly_reach(df).set_index("id")
    assert reach.loc["a", "bereik_per_jaar"] == pytest.approx(100.0) and reach.loc["a", "jaren"] == 3
    assert pd.isna(reach.loc["b", "bereik_per_jaar"]) and "d" not in reach.index
    summary = demand.supply_summary(reach.reset_index())
    assert summary == {"initiatieven": 3, "bekend": 2, "onbekend": 1, "regionaal_per_jaar": 100.0,
                       "nationaal_per_jaar": 200.0}


def test_sector_score_by_hand():
    lag = pd.Series({"F": 100.0, "J": 50.0, "K": 0.0})
    lq = pd.Series({"F": 1.0, "J": 2.0, "K": 0.5})
    targeted = pd.Series({"F": 2, "J": 0, "K": 1})
    score = demand.sector_score(lag, lq, targeted).set_index("sectorgroep")
    # F: lag 1, spec (1-0.5)/1.5 = 1/3, little supply 1-1 = 0 -> 4/9; J: 0.5, 1, 1 -> 5/6; K: 0, 0, 0.5 -> 1/6
    assert score.loc["F", "score"] == pytest.approx(4 / 9)
    assert score.loc["J", "score"] == pytest.approx(5 / 6) and score.loc["J", "rang"] == 1
    assert score.loc["K", "score"] == pytest.approx(1 / 6)
    only_lag = demand.sector_score(lag, lq, targeted, {"specialisatie": 0, "weinig_aanbod": 0}).set_index("sectorgroep")
    assert only_lag.loc["F", "rang"] == 1
    assert demand.priority_sectors(demand.sector_score(lag, lq, targeted), n=2) == ["J", "F"]
    with pytest.raises(ValueError):
        demand.sector_score(lag, lq, targeted, {"achterstand": 0, "specialisatie": 0, "weinig_aanbod": 0})


def test_sensitivity_lists_every_variant():
    lag = pd.Series({"F": 100.0, "J": 50.0})
    out = demand.sensitivity(lag, pd.Series({"F": 1.0, "J": 2.0}), pd.Series({"F": 1, "J": 0}))
    assert out["variant"].nunique() == 7  # chosen + 3 doubled + 3 left out
    assert set(out["rang"]) <= {1, 2, 3, 4, 5, 6, 7, 8, 9}
