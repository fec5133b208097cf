"""Municipal reorganisations: every code maps onto 2025, shares are applied as documented."""

import pandas as pd
import pytest

from mkbbook import dynamics, reorg
from mkbbook.geography import municipality_codes


def test_every_code_in_the_snapshot_maps_onto_a_2025_municipality():
    est = dynamics.establishments_raw()
    assert reorg.unmapped_codes(est["gemeentecode"].unique(), municipality_codes()) == set()
    mapped = reorg.to_2025(est, "vestigingen")
    assert set(mapped["gemeentecode"]) <= set(municipality_codes())


def test_curated_table_has_all_72_dissolved_codes_with_sources():
    table = reorg.load_reorganisations()
    assert table["oude_code"].nunique() == 72 and len(table) == 78
    assert set(table["opvolger_code"]) <= set(municipality_codes())
    # Weesp joined Amsterdam on 24 March 2022: its last stock is 1 January 2022
    assert table.loc[table.oude_code == "GM0457", "laatste_datajaar"].item() == 2022


def test_unmapped_code_is_reported():
    assert reorg.unmapped_codes(["GM0344", "GM9999", "GM0000"], {"GM0344"}) == {"GM9999"}


def test_split_merge_and_unassigned_by_hand():
    df = pd.DataFrame({
        "gemeentecode": ["GM0788", "GM0457", "GM0363", "GM0000", "GM0344"],
        "jaar": [2020, 2022, 2022, 2022, 2022],
        "vestigingen": [1000, 100, 50, 7, 10],
    })
    out = reorg.to_2025(df, "vestigingen").set_index(["gemeentecode", "jaar"])["vestigingen"]
    # Haaren (GM0788) split by the documented shares 0.150/0.423/0.084/0.343
    assert out[("GM0757", 2020)] == pytest.approx(150)
    assert out[("GM0824", 2020)] == pytest.approx(423)
    assert out[("GM0855", 2020)] == pytest.approx(84)
    assert out[("GM0865", 2020)] == pytest.approx(343)
    assert out[("GM0363", 2022)] == pytest.approx(150)  # Weesp 100 + Amsterdam 50
    assert out[("GM0344", 2022)] == 10
    assert "GM0000" not in out.index.get_level_values(0)  # not a municipality


def test_whole_moves_keep_exact_integer_counts():
    df = pd.DataFrame({"gemeentecode": ["GM0457", "GM0363", "GM0344", "GM0000"], "jaar": [2022, 2022, 2022, 2022],
                       "vestigingen": [101, 53, 10, 7]})
    out = reorg.to_2025(df, "vestigingen").set_index("gemeentecode")
    assert out["vestigingen"].dtype == "int64"  # no split: integer arithmetic throughout
    assert out.loc["GM0363", "vestigingen"] == 154 and out.loc["GM0344", "vestigingen"] == 10
    assert not out[reorg.ESTIMATE_COLUMN].any()


def test_only_splits_make_estimates_and_are_marked():
    df = pd.DataFrame({"gemeentecode": ["GM0788", "GM0757", "GM0344"], "jaar": [2020, 2020, 2020],
                       "vestigingen": [1001, 20, 10]})
    out = reorg.to_2025(df, "vestigingen").set_index("gemeentecode")
    assert out.loc["GM0757", "vestigingen"] == pytest.approx(20 + 1001 * 0.150)  # Boxtel: own 20 + 15.0 % of Haaren
    assert out.loc["GM0757", reorg.ESTIMATE_COLUMN] and out.loc["GM0824", reorg.ESTIMATE_COLUMN]
    assert out.loc["GM0344", "vestigingen"] == 10 and not out.loc["GM0344", reorg.ESTIMATE_COLUMN]
    # a unit that holds all four parts of Haaren gets it whole again: exact, not an estimate
    parts = {c: "Haaren en opvolgers" for c in ["GM0757", "GM0824", "GM0855", "GM0865"]}
    whole = reorg.to_units(df, "vestigingen", parts).set_index("gemeentecode")
    assert whole.loc["Haaren en opvolgers", "vestigingen"] == 1021
    assert whole["vestigingen"].dtype == "int64" and not whole[reorg.ESTIMATE_COLUMN].any()
    # a unit with only Boxtel and Vught gets an estimate (15.0 % + 34.3 % of 1001), marked
    some = reorg.to_units(df, "vestigingen", {"GM0757": "BV", "GM0865": "BV"}).set_index("gemeentecode")
    assert some.loc["BV", "vestigingen"] == pytest.approx(20 + 1001 * (0.150 + 0.343))
    assert some.loc["BV", reorg.ESTIMATE_COLUMN]


def test_snapshot_counts_of_unchanged_municipalities_stay_exact():
    raw = dynamics.establishments_raw()
    mapped = reorg.to_2025(raw, "vestigingen")
    latest = int(raw["jaar"].max())
    raw_latest = raw[(raw["jaar"] == latest) & (raw["gemeentecode"] != "GM0000")].set_index(
        ["gemeentecode", "sectorgroep"])["vestigingen"]
    ours = mapped[mapped["jaar"] == latest].set_index(["gemeentecode", "sectorgroep"])["vestigingen"]
    assert (ours.reindex(raw_latest.index) == raw_latest).all()  # no reorganisation after 2025: identical
    # fractions occur only in rows marked as containing a split estimate
    fractional = mapped["vestigingen"] != mapped["vestigingen"].round()
    assert mapped.loc[fractional, reorg.ESTIMATE_COLUMN].all()
    split_successors = set(reorg.load_reorganisations().query("aandeel < 1")["opvolger_code"])
    assert set(mapped.loc[mapped[reorg.ESTIMATE_COLUMN], "gemeentecode"]) <= split_successors
