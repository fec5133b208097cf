"""Municipal reorganisations 2015-2025: put every year's figures on 2025 municipalities.

data/herindelingen_2015_2025.csv maps each dissolved CBS code onto its 2025
successor(s); a split municipality passes a share ('aandeel') to each.

Counts stay exact: a municipality that moves whole (a merger, a code that still exists) keeps
its integer count; only the three documented splits (Littenseradiel 2018, Winsum 2019, Haaren
2021) divide a count by estimated shares, and the rows they reach are marked in the column
``bevat_schatting_splitsing``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import DataError
from .paths import DATA_DIR

REORG_FILE = DATA_DIR / "herindelingen_2015_2025.csv"
NOT_A_MUNICIPALITY = "GM0000"  # establishments CBS could not assign to a municipality
COLUMNS = ["oude_code", "oude_naam", "opgeheven_per", "laatste_datajaar", "opvolger_code",
           "opvolger_naam", "aandeel", "zekerheid", "bron"]


@lru_cache(maxsize=None)
def load_reorganisations(path: Path = REORG_FILE) -> pd.DataFrame:
    """The curated mapping, checked: shares of each old code add up to 1 and every row has a source."""
    df = pd.read_csv(path, dtype={"laatste_datajaar": "int64", "aandeel": "float64"})
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)}", fix=f"the columns are {', '.join(COLUMNS)}")
    for row in df.itertuples():
        if not isinstance(row.bron, str) or "http" not in row.bron:
            raise DataError(path, "no source", record=row.oude_code, field="bron", fix="add the URL of a source")
    sums = df.groupby("oude_code")["aandeel"].sum()
    bad = sums[(sums - 1).abs() > 1e-9]
    if len(bad):
        raise DataError(path, f"shares add up to {bad.iloc[0]:.3f}, not 1", record=bad.index[0], field="aandeel",
                        fix="make the shares of every old code add up to 1")
    return df


def successor_shares(path: Path = REORG_FILE) -> pd.DataFrame:
    """oude_code -> opvolger_code with aandeel (one row per successor)."""
    return load_reorganisations(path)[["oude_code", "opvolger_code", "aandeel"]]


def unmapped_codes(codes, valid_2025, path: Path = REORG_FILE) -> set:
    """Codes that are neither a 2025 municipality nor a dissolved code with a successor (GM0000 excluded)."""
    known = set(valid_2025) | set(load_reorganisations(path)["oude_code"]) | {NOT_A_MUNICIPALITY}
    return set(codes) - known


ESTIMATE_COLUMN = "bevat_schatting_splitsing"  # True where a documented split passed an estimated share


def to_units(df: pd.DataFrame, value_columns, unit_of=None, code_column: str = "gemeentecode",
             path: Path = REORG_FILE) -> pd.DataFrame:
    """Re-aggregate rows of any year onto units made of 2025 municipalities (exact where possible).

    Every code is first followed to its 2025 successor(s) (a code that still exists is its own
    successor); ``unit_of`` then maps 2025 municipalities onto units (a dict or Series
    gemeentecode -> unit; None = each 2025 municipality is its own unit; municipalities not in
    it are left out). A code whose successors in one unit add up to the whole of it (a merger,
    a code that still exists, or a split whose parts all fall in the unit) moves whole, in
    integer arithmetic: the counts stay exactly what CBS published. Only a split that divides a
    code over several units passes an estimated share ('aandeel'); those rows are fractions and
    are marked in the column ``bevat_schatting_splitsing`` (True where an estimate went in).

    The value columns keep their integer type when no estimate went into the result, and become
    floats (whole numbers stay whole) when one did. GM0000 rows are dropped: they belong to no
    municipality.
    """
    value_columns = [value_columns] if isinstance(value_columns, str) else list(value_columns)
    keys = [c for c in df.columns if c not in value_columns and c not in (code_column, ESTIMATE_COLUMN)]
    data = df[df[code_column] != NOT_A_MUNICIPALITY]
    shares = successor_shares(path).rename(columns={"oude_code": code_column, "opvolger_code": "_successor"})
    codes = pd.DataFrame({code_column: pd.unique(data[code_column])})
    mapping = codes.merge(shares, on=code_column, how="left")
    stays = mapping["_successor"].isna()
    mapping.loc[stays, "_successor"] = mapping.loc[stays, code_column]
    mapping.loc[stays, "aandeel"] = 1.0
    if unit_of is None:
        mapping["_unit"] = mapping["_successor"]
    else:
        mapping["_unit"] = mapping["_successor"].map(pd.Series(unit_of) if isinstance(unit_of, dict) else unit_of)
        mapping = mapping[mapping["_unit"].notna()]
    mapping = mapping.groupby([code_column, "_unit"], as_index=False)["aandeel"].sum()
    mapping["_whole"] = (mapping["aandeel"] - 1).abs() < 1e-9
    merged = data.merge(mapping, on=code_column, how="inner")
    partial = ~merged["_whole"]
    if ESTIMATE_COLUMN in merged.columns:  # an estimate that went in earlier stays marked
        partial = partial | merged[ESTIMATE_COLUMN].fillna(False).astype(bool)
    merged[ESTIMATE_COLUMN] = partial
    if partial.any():
        for column in value_columns:
            merged[column] = merged[column].astype("float64")
            merged.loc[~merged["_whole"], column] = merged.loc[~merged["_whole"], column] * \
                merged.loc[~merged["_whole"], "aandeel"]
    out = merged.groupby(["_unit", *keys], as_index=False).agg(
        **{c: (c, "sum") for c in value_columns}, **{ESTIMATE_COLUMN: (ESTIMATE_COLUMN, "any")})
    out = out.rename(columns={"_unit": code_column})
    if not out[ESTIMATE_COLUMN].any():
        for column in value_columns:  # no estimate went in: exact counts, back to whole numbers
            if pd.api.types.is_float_dtype(out[column]) and (out[column] == out[column].round()).all():
                out[column] = out[column].round().astype("int64")
    return out.reset_index(drop=True)


def to_2025(df: pd.DataFrame, value_columns, code_column: str = "gemeentecode",
            path: Path = REORG_FILE) -> pd.DataFrame:
    """Re-aggregate rows of any year onto 2025 municipalities (see :func:`to_units`).

    Rows of a dissolved code are passed to its successor(s) and summed with the successor's own
    rows for the same keys: a merger moves whole (integer counts), a split passes 'aandeel' of
    the count to each part (an estimate, marked True in ``bevat_schatting_splitsing``).
    GM0000 rows are dropped: they belong to no municipality.
    """
    return to_units(df, value_columns, None, code_column, path)
