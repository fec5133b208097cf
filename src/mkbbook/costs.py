"""What helping one mkb'er has cost elsewhere (data/cost_examples.yml), for the options in the decision note.

The cost per helped firm is computed from a budget and a reach over their periods, never typed; the range
over the examples is what the ambition (settings) would cost a year. Every example is labelled with how
certain it is and whether we combined figures (basis 'afgeleid').
"""

from __future__ import annotations

import pandas as pd

from .paths import DATA_DIR
from .schema import Field, load_register

COSTS_FILE = DATA_DIR / "cost_examples.yml"
KINDS = ("studentenprojecten", "innovatiehub", "adviestrajecten", "subsidie")

FIELDS = [
    Field("id", "str", True),
    Field("name", "str", True),
    Field("kind", "str", True, KINDS),
    Field("budget_eur", "float", True, help="the budget in euro over budget_years"),
    Field("budget_years", "float", True, help="how many years the budget covers"),
    Field("reach_firms", "float", True, help="how many firms were (or are to be) helped over reach_years"),
    Field("reach_years", "float", True, help="how many years the reach covers"),
    Field("reach_what", "str", True, help="what was counted (firms helped, target, ...)"),
    Field("basis", "str", True, ("bron", "afgeleid")),
    Field("sources", "url_list", True),
    Field("checked", "date", True),
    Field("certainty", "str", True, ("bevestigd", "onzeker")),
    Field("note", "str"),
]


def _positive(path, rid, record):
    from .errors import DataError

    for key in ("budget_eur", "budget_years", "reach_firms", "reach_years"):
        if record[key] <= 0:
            raise DataError(path, "must be more than 0", record=rid, field=key, fix="give a positive number")


def load(path=COSTS_FILE) -> pd.DataFrame:
    """The examples with their computed cost per helped firm (euro), cheapest first."""
    records = load_register(path, FIELDS, checks=[_positive])
    df = pd.DataFrame(records)
    if df.empty:
        from .errors import DataError

        raise DataError(path, "the register has no records", fix="restore data/cost_examples.yml from git")
    df["cost_per_firm"] = df["budget_eur"] / df["budget_years"] * df["reach_years"] / df["reach_firms"]
    return df.sort_values(["cost_per_firm", "id"]).reset_index(drop=True)


def ambition_cost(examples: pd.DataFrame, per_year: int) -> pd.DataFrame:
    """Per example: what helping `per_year` firms a year would cost a year at that example's cost per firm."""
    out = examples[["id", "name", "kind", "cost_per_firm", "basis", "certainty"]].copy()
    out["cost_per_year"] = out["cost_per_firm"] * per_year
    return out
