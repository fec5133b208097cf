"""The demand model: mkb population, size-class lag × sector factor, targets in their own scope, supply and
the robust sector focus, checked against values worked out by hand (fixtures, not the data snapshot)."""

from pathlib import Path

import pandas as pd
import pytest

from mkbbook import demand, eurostat
from mkbbook import population as pop

FIXTURES = Path(__file__).parent / "fixtures" / "demand"


def _sizes(rows):
    return pd.DataFrame(rows, columns=["sbi", "grootteklasse", "bedrijven"]).assign(periode="2026K3")


# F: 100 enterprises, 1 large; A+O-Q: A 10, O 10 (all large), P 20, Q 60 enterprises
SIZES = _sizes([
    ("F", "1", 60), ("F", "2", 20), ("F", "10-19", 15), ("F", "50-99", 4), ("F", "250-499", 1),
    ("A", "1", 10), ("O", "250-499", 10), ("P", "1", 20), ("Q", "1", 50), ("Q", "2", 10),
    ("G", "10-19", 30), ("H", "10-19", 10), ("I", "20-49", 10),
    ("A-U", "1", 100), ("A-U", "2", 40), ("A-U", "3-4", 40), ("A-U", "5-9", 20),
    ("A-U", "10-19", 30), ("A-U", "20-49", 10), ("A-U", "50-99", 5),
])
REGION = pd.Series({"F": 1000.0, "A+O-Q": 500.0})
# nationally F has 125 establishments for 100 enterprises (surplus 25/125 = 0.2); A+O-Q has none
NATIONAL = pd.Series({"F": 125.0, "A+O-Q": 100.0})


def test_part_shares_split_a_o_q_by_national_sections():
    shares = pop.part_shares(SIZES).set_index("deel")
    assert shares.loc["A", "deel_aandeel"] == pytest.approx(0.1) and shares.loc["O", "deel_aandeel"] == pytest.approx(0.1)
    assert shares.loc["P", "deel_aandeel"] == pytest.approx(0.2) and shares.loc["Q", "deel_aandeel"] == pytest.approx(0.6)
    assert shares.loc["F", "aandeel_groot"] == pytest.approx(0.01)
    assert shares.loc["F", "aandeel_zzp"] == pytest.approx(60 / 99)  # among the 99 mkb enterprises
    assert shares.loc["Q", "aandeel_micro"] == pytest.approx(10 / 60)


def test_surplus_of_establishments_over_enterprises():
    surplus = pop.surplus_shares(NATIONAL, SIZES)
    assert surplus["F"] == pytest.approx(0.2) and surplus["A+O-Q"] == 0.0
    assert surplus["J"] == 0.0  # no establishments: no surplus


def test_population_estimate_by_hand():
    est = pop.estimate(REGION, SIZES, NATIONAL)
    f = est[est["deel"] == "F"].set_index("grootte")
    # F: 1000 establishments; large 1000*0.01 = 10 (low) to 1000*(0.01+0.2) = 210 (high); mkb 790..990, mean 890
    assert f["groot_laag"].iloc[0] == pytest.approx(10) and f["groot_hoog"].iloc[0] == pytest.approx(210)
    assert f["mkb_hoog"].sum() == pytest.approx(990) and f["mkb_laag"].sum() == pytest.approx(790)
    assert f.loc["zzp", "mkb"] == pytest.approx(890 * 60 / 99)
    # A+O-Q 500: A 50, O 50 (public administration: removed), P 100, Q 300 (250 zzp, 50 micro)
    parts = est.groupby("deel")["mkb"].sum()
    assert parts["A"] == pytest.approx(50) and parts["O"] == 0 and parts["P"] == pytest.approx(100)
    q = est[est["deel"] == "Q"].set_index("grootte")["mkb"]
    assert q["zzp"] == pytest.approx(250) and q["micro"] == pytest.approx(50)
    assert set(est.loc[~est["markt"], "deel"]) == {"O", "P", "Q"}
    steps = pop.steps(est).set_index("stap")
    assert steps.loc["vestigingen", "midden"] == pytest.approx(1500)
    assert steps.loc["overheid", "midden"] == pytest.approx(50)
    assert steps.loc["groot", "laag"] == pytest.approx(10) and steps.loc["groot", "hoog"] == pytest.approx(210)
    assert steps.loc["mkb", "laag"] == pytest.approx(1240) and steps.loc["mkb", "hoog"] == pytest.approx(1440)
    assert steps.loc["mkb", "midden"] == pytest.approx(1500 - 50 - 110)


def _cbs():
    rows = []
    figures = {"2": (28, 20), "3-5": (22, 17), "5-10": (15, 13), "10-20": (12, 14), "20-50": (7, 9), "50-100": (4, 7)}
    for size, (niet, nauwelijks) in figures.items():
        rows.append((demand.SELF_ASSESSED, "niet gedigitaliseerd", size, 2019, niet))
        rows.append((demand.SELF_ASSESSED, "nauwelijks gedigitaliseerd", size, 2019, nauwelijks))
    return pd.DataFrame(rows, columns=["indicator", "category", "size_class", "year", "percentage"])


def test_size_lag_per_scenario():
    lag = demand.size_lag(_cbs(), {"10-49": 12.7, "50-249": 4.2}, SIZES).set_index(["scenario", "grootte"])["aandeel"]
    # zzp: proxy = 2-person firms: niet 28 %, niet+nauwelijks 48 %
    assert lag[("laag", "zzp")] == pytest.approx(0.28) and lag[("midden", "zzp")] == pytest.approx(0.48)
    # micro, weighted by national counts 2: 40, 3-4: 40, 5-9: 20
    assert lag[("midden", "micro")] == pytest.approx(0.404) and lag[("laag", "micro")] == pytest.approx(0.23)
    assert lag[("hoog", "micro")] == pytest.approx(0.48)  # all micro firms like 2-person firms
    # klein: Eurostat below basic in laag and midden; hoog = CBS (0.26*30 + 0.16*10)/40 = 0.235
    assert lag[("midden", "klein")] == pytest.approx(0.127) and lag[("hoog", "klein")] == pytest.approx(0.235)
    assert lag[("hoog", "middelgroot")] == pytest.approx(0.11) and lag[("laag", "middelgroot")] == pytest.approx(0.042)


def _eu_tidy(values: dict, year=2025, indicator="E_DI3_GELO"):
    return pd.DataFrame([{"geo": "EU27_2020", "size_emp": "GE10", "nace_r2": k, "indic_is": indicator,
                          "unit": "PC_ENT", "year": year, "value": v} for k, v in values.items()])


def test_sector_factor_by_hand_from_the_eu_pattern():
    eu = pd.concat([_eu_tidy({"C10-S951_X_K": 72, "F": 58, "G": 80, "H": 60, "I": 64, "J": 96}),
                    _eu_tidy({"C10-S951_X_K": 50, "F": 10}, 2024, "E_DI4_GELO")])  # older year: not used
    intensity = demand.sector_intensity(None, eu)
    assert intensity.geo == "EU27_2020" and not intensity.dutch
    f = demand.sector_factors(intensity, SIZES).set_index("sectorgroep")
    assert f.loc["F", "factor"] == pytest.approx((100 - 58) / (100 - 72))  # 1.5
    assert f.loc["J", "factor"] == pytest.approx(4 / 28)
    # G-I weighted by enterprises of 10-249 persons: G 30, H 10, I 10 -> 72.8 % at least basic
    assert f.loc["G-I", "basis_pct"] == pytest.approx((30 * 80 + 10 * 60 + 10 * 64) / 50)
    assert f.loc["G-I", "factor"] == pytest.approx((100 - 72.8) / 28)
    assert f.loc["K", "factor"] == 1.0 and f.loc["A+O-Q", "factor"] == 1.0 and f.loc["B-E", "factor"] == 1.0
    assert int(f.loc["F", "jaar"]) == 2025 and int(f.loc["F", "dii_versie"]) == 3


def test_dutch_sector_figures_are_preferred_when_present():
    raw = eurostat.read_sdmx_csv(FIXTURES / "isoc_e_diin2.csv")
    intensity = demand.sector_intensity(raw, _eu_tidy({"C10-S951_X_K": 72, "F": 58}))
    assert intensity.dutch and intensity.file == "eurostat/isoc_e_diin2.csv"
    f = demand.sector_factors(intensity, SIZES).set_index("sectorgroep")
    assert f.loc["F", "factor"] == pytest.approx(30 / 20)  # NL: F 70 %, all activities 80 %
    assert f.loc["J", "factor"] == pytest.approx(2 / 20)
    # without an all-activities value for NL the EU figures are used
    no_total = raw[~((raw["geo"] == "NL") & (raw["nace_r2"] == demand.ALL_ACTIVITIES))]
    assert demand.sector_intensity(no_total, None).geo == "EU27_2020"
    assert demand.sector_intensity(None, None).rows is None
    assert (demand.sector_factors(demand.sector_intensity(None, None), SIZES)["factor"] == 1.0).all()


def test_lagging_combines_size_lag_and_sector_factor():
    est = pop.estimate(REGION, SIZES, NATIONAL)
    lag = pd.DataFrame({"scenario": "midden", "grootte": list(pop.MKB_CLASSES), "aandeel": [0.5, 0.4, 0.1, 0.05]})
    factors = pd.DataFrame({"sectorgroep": ["F", "A+O-Q"], "factor": [1.5, 3.0]})
    out = demand.lagging(est, lag, factors)
    f = out[(out["deel"] == "F")].set_index("grootte")
    assert f.loc["zzp", "aandeel"] == pytest.approx(0.75)  # 0.5 * 1.5
    assert f.loc["zzp", "achterblijvend"] == pytest.approx(890 * 60 / 99 * 0.75)
    assert f.loc["klein", "aandeel"] == pytest.approx(0.15)
    q = out[out["deel"] == "Q"].set_index("grootte")
    assert q.loc["zzp", "factor"] == 1.0  # parts of A+O-Q have no sector figure
    # the cap: a share can never pass 1
    capped = demand.lagging(est, lag.assign(aandeel=0.5), pd.DataFrame({"sectorgroep": ["F"], "factor": [3.0]}))
    assert capped["aandeel"].max() == 1.0


def test_target_pace_in_scope_with_and_without_trend():
    p = demand.target_pace(firms=1000, laggards=120, target_pct=95, target_year=2030, year=2025, per_year=250,
                           trend_pp=2.0)
    # the target allows 5 % = 50 laggards: 70 to help, 14 a year by 2030, 0.28 years at 250 a year
    assert p["te_helpen"] == pytest.approx(70) and p["nodig_per_jaar"] == pytest.approx(14)
    assert p["jaren"] == pytest.approx(0.28) and p["jaren_tot_doel"] == 5
    # the trend: 2 points of 1000 firms = 20 a year by themselves -> enough without help
    assert p["trend_per_jaar"] == pytest.approx(20) and p["nodig_per_jaar_trend"] == 0
    assert p["jaren_trend"] == pytest.approx(70 / 270) and p["jaren_alleen_trend"] == pytest.approx(3.5)
    slow = demand.target_pace(1000, 120, 95, 2030, 2025, 250, trend_pp=1.0)
    assert slow["nodig_per_jaar_trend"] == pytest.approx((70 - 5 * 10) / 5)
    none = demand.target_pace(1000, 120, 95, 2030, 2025, 250, trend_pp=None)
    assert none["jaren_trend"] == pytest.approx(none["jaren"]) and none["jaren_alleen_trend"] == float("inf")
    assert demand.target_pace(1000, 40, 95, 2030, 2025, 250, 2.0)["te_helpen"] == 0


def test_autonomous_trend_stays_within_one_index_version():
    rows = [(2021, 3, 75.0), (2022, 4, 80.0), (2023, 3, 79.0), (2024, 4, 81.0), (2025, 3, 87.0)]
    dii = pd.DataFrame([{"geo": "NL", "size_emp": "10-249", "year": y, "dii_version": v, "value": x} for y, v, x in rows])
    t = demand.autonomous_trend(dii)
    assert list(t["dii_versie"]) == [3, 4]  # the version of the latest year first
    assert t.iloc[0]["pp_per_jaar"] == pytest.approx(3.0) and t.iloc[1]["pp_per_jaar"] == pytest.approx(0.5)


def test_targets_come_from_the_policy_register():
    from mkbbook import policies

    nl = demand.dii_target(policies.load_policies(), "NL")
    assert nl is not None and nl.size_class == "10-249"
    assert demand.dii_target(policies.load_policies(), "XX") is None


def test_sector_score_by_hand_and_non_market_groups_left_out():
    lag = pd.Series({"F": 100.0, "J": 50.0, "K": 0.0, "A+O-Q": 500.0})
    lq = pd.Series({"F": 1.0, "J": 2.0, "K": 0.5, "A+O-Q": 3.0})
    targeted = pd.Series({"F": 2, "J": 0, "K": 1, "A+O-Q": 0})
    score = demand.sector_score(lag, lq, targeted).set_index("sectorgroep")
    assert "A+O-Q" not in score.index
    # F: lag 1, spec (1-0.5)/1.5 = 1/3, little supply 1-1 = 0 -> 4/9; J: 0.5, 1, 1 -> 5/6; K: 0, 0, 0.5 -> 1/6
    assert score.loc["F", "score"] == pytest.approx(4 / 9)
    assert score.loc["J", "score"] == pytest.approx(5 / 6) and score.loc["J", "rang"] == 1
    assert score.loc["K", "score"] == pytest.approx(1 / 6)
    assert demand.priority_sectors(demand.sector_score(lag, lq, targeted), n=2) == ["J", "F"]
    with pytest.raises(ValueError):
        demand.sector_score(lag, lq, targeted, {"achterstand": 0, "specialisatie": 0, "weinig_aanbod": 0})


def test_weight_variants():
    variants = demand.weight_variants()
    assert len(variants) == 7 and variants["zonder specialisatie"]["specialisatie"] == 0
    assert len(demand.weight_variants({"achterstand": 1, "specialisatie": 0, "weinig_aanbod": 0})) == 6


def _sens(tops: dict, n=7):
    """A sensitivity frame where sector g is ranked 1 in tops[g] of n variants and 5 in the others."""
    rows = []
    for i in range(n):
        variant = demand.CHOSEN if i == 0 else f"v{i}"
        for g, k in tops.items():
            rows.append({"variant": variant, "sector": g, "sectorgroep": g, "rang": 1 if i < k else 5})
    return pd.DataFrame(rows)


def test_robustness_rule_by_hand():
    # top 3, at least 60 % of 7 variants = 4.2 -> 5 or more
    rob = demand.robustness(_sens({"F": 7, "J": 5, "K": 4, "L": 3, "A+O-Q": 7}), top_group=3, min_share=0.6)
    assert demand.robust_priorities(rob) == ["F", "J"]
    assert rob.set_index("sectorgroep").loc["K", "in_top"] == 4
    assert not rob.set_index("sectorgroep").loc["A+O-Q", "robuust"]  # never a focus, however high
    # fewer sectors qualify: the list is not filled up
    assert demand.robust_priorities(demand.robustness(_sens({"F": 4, "J": 3}), 3, 0.6)) == []
    assert demand.robust_priorities(demand.robustness(_sens({"F": 4, "J": 3}), 3, 0.5)) == ["F"]


def test_yearly_reach_and_supply_legacy():
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "name": list("ABCD"), "audience": ["mkb", "mkb", "mkb", "burgers"],
                       "reach_mkb": [300, None, 200, 999], "reach_period": ["2021–2023", None, "2021", "2020"],
                       "reach_scope": ["regionaal", None, "nationaal", "regionaal"]})
    reach = demand.yearly_reach(df).set_index("id")
    assert reach.loc["a", "bereik_per_jaar"] == pytest.approx(100.0) and reach.loc["a", "jaren"] == 3
    assert pd.isna(reach.loc["b", "bereik_per_jaar"]) and "d" not in reach.index
    counts = demand.supply_counts(pd.DataFrame({"huidig": [True, True, False], "bereik_per_jaar": [50.0, None, 9.0],
                                                "schaal": ["regionaal", "regionaal", "regionaal"],
                                                "set": ["hulp_nu", "hulp_nu", "beeindigd"]}))
    assert counts["hulp_nu"] == 2 and counts["bekend"] == 1 and counts["regionaal_per_jaar"] == 50.0
