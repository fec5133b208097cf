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
