"""Municipal reorganisations 2015-2025: put every year's figures on 2025 municipalities.

data/herindelingen_2015_2025.csv maps each dissolved CBS code onto its 2025
successor(s); a split municipality passes a share ('aandeel') to each.
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


def to_2025(df: pd.DataFrame, value_columns, code_column: str = "gemeentecode",
            path: Path = REORG_FILE) -> pd.DataFrame:
    """Re-aggregate rows of any year onto 2025 municipalities.

    Rows of a dissolved code are passed to its successor(s) times 'aandeel'
    and summed with the successor's own rows for the same keys. GM0000 rows
    are dropped: they belong to no municipality. Values become floats where a
    split applies a share; the caller rounds for display.
    """
    value_columns = [value_columns] if isinstance(value_columns, str) else list(value_columns)
    keys = [c for c in df.columns if c not in value_columns and c != code_column]
    data = df[df[code_column] != NOT_A_MUNICIPALITY]
    shares = successor_shares(path).rename(columns={"oude_code": code_column})
    merged = data.merge(shares, on=code_column, how="left")
    moved = merged["opvolger_code"].notna()
    merged.loc[moved, code_column] = merged.loc[moved, "opvolger_code"]
    factor = merged["aandeel"].where(moved, 1.0)
    for column in value_columns:
        merged[column] = merged[column] * factor
    out = merged.groupby([code_column] + keys, as_index=False)[value_columns].sum()
    return out
