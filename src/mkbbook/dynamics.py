"""Business structure and dynamics: establishments, growth, sector structure,
location quotients, births and jobs (chapter 'Bedrijvigheid en bedrijvendynamiek').

Pure functions on tidy frames; the loaders at the bottom read the mirror.
"""

from __future__ import annotations

import pandas as pd

from . import mirror
from .reorg import ESTIMATE_COLUMN, NOT_A_MUNICIPALITY, to_2025, to_units
from .sectors import SECTOR_GROUPS, TOTAL

FIRST_YEAR = 2015  # the snapshot starts at the 2015 break (public sector counted fully from then)

# Conventions of the data (the data README), stated in the book as they are. Breaks in the series
# (the 2022 jump, the 2024 break in K, L, M-N and J) are not typed here: mkbbook.breaks finds them.
BREAK_NOTES = {
    "2015": "Vanaf 2015 telt CBS de vestigingen in overheid, onderwijs en zorg volledig; "
            "eerdere jaren zijn daarom niet vergelijkbaar en niet opgenomen.",
    "GM0000": "Een deel van de vestigingen kon CBS niet aan een gemeente toewijzen (code GM0000). "
              "Ze tellen mee in het landelijke totaal, maar bij geen enkele gemeente, provincie of COROP-gebied.",
    "herindeling": "Alle jaren zijn omgerekend naar de gemeenten van 2025: vestigingen van opgeheven gemeenten "
                   "tellen mee bij hun opvolger. Alleen bij de drie gemeenten die over meer gemeenten zijn "
                   "verdeeld (Littenseradiel in 2018, Winsum in 2019, Haaren in 2021) is het deel per opvolger "
                   "een schatting; die cijfers zijn in de downloads gemarkeerd.",
}


def growth_pct(start, end):
    """Percentage change from start to end (works on numbers and aligned Series)."""
    return (end / start - 1) * 100


def location_quotient(unit_sector, unit_total, ref_sector, ref_total):
    """(unit's share of the sector) / (reference share). 1 = same as the reference; >1 = specialised."""
    return (unit_sector / unit_total) / (ref_sector / ref_total)


def per_thousand(count, population):
    return count / population * 1000


# --- Establishments ---------------------------------------------------------------------

def region_series(est_2025: pd.DataFrame, codes) -> pd.DataFrame:
    """Sum of establishments of the given 2025 municipalities per year and sector group
    (with ``bevat_schatting_splitsing`` when the input marks estimated rows)."""
    sub = est_2025[est_2025["gemeentecode"].isin(codes)]
    if ESTIMATE_COLUMN in sub.columns:
        return sub.groupby(["jaar", "sectorgroep"], as_index=False).agg(
            vestigingen=("vestigingen", "sum"), **{ESTIMATE_COLUMN: (ESTIMATE_COLUMN, "any")})
    return sub.groupby(["jaar", "sectorgroep"], as_index=False)["vestigingen"].sum()


def region_series_exact(est_raw: pd.DataFrame, codes) -> pd.DataFrame:
    """Like region_series, from the data on each year's boundaries: a dissolved municipality
    counts whole when all of it went into the region (integer counts); only a split that divides
    it over the region and outside passes an estimated share (marked ``bevat_schatting_splitsing``)."""
    out = to_units(est_raw, "vestigingen", {code: "regio" for code in codes})
    return out.drop(columns="gemeentecode")[["jaar", "sectorgroep", "vestigingen", ESTIMATE_COLUMN]]


def national_series(est_raw: pd.DataFrame) -> pd.DataFrame:
    """The national level per year and sector group: all municipalities plus GM0000 (unassigned).
    Show it as the number of establishments in the Netherlands; compare regions with
    :func:`municipal_sum_series`."""
    return est_raw.groupby(["jaar", "sectorgroep"], as_index=False)["vestigingen"].sum()


def municipal_sum_series(est_raw: pd.DataFrame) -> pd.DataFrame:
    """The like-for-like national comparator of a region that is a sum of municipalities: all
    municipalities per year and sector group, without GM0000 (integer counts)."""
    rows = est_raw[est_raw["gemeentecode"] != NOT_A_MUNICIPALITY]
    return rows.groupby(["jaar", "sectorgroep"], as_index=False)["vestigingen"].sum()


def totals_by_year(series: pd.DataFrame) -> pd.Series:
    """The 'totaal' row per year of a region or national series."""
    return series[series["sectorgroep"] == TOTAL].set_index("jaar")["vestigingen"]


def municipality_table(est_2025: pd.DataFrame, codes, names: pd.Series, population: pd.Series,
                       year: int, base_year: int = FIRST_YEAR, population_year: int = 2023) -> pd.DataFrame:
    """Per municipality: establishments in year, the year before and base_year (exact counts),
    growth since last year and since base_year, and establishments per 1,000 inhabitants (both
    counted in population_year). With ``bevat_schatting_splitsing`` when the input marks
    estimated rows: True where a count of these years holds an estimated share of a split."""
    total = est_2025[(est_2025["sectorgroep"] == TOTAL) & est_2025["gemeentecode"].isin(codes)]
    wide = total.pivot(index="gemeentecode", columns="jaar", values="vestigingen")
    out = pd.DataFrame({
        "gemeentecode": wide.index,
        "gemeente": names.reindex(wide.index).values,
        "vestigingen": wide[year].values,
        "vestigingen_vorig_jaar": wide[year - 1].values,
        f"vestigingen_{base_year}": wide[base_year].values,
        "groei_vorig_jaar_pct": growth_pct(wide[year - 1], wide[year]).values,
        f"groei_sinds_{base_year}_pct": growth_pct(wide[base_year], wide[year]).values,
        "per_1000_inwoners": per_thousand(wide[population_year], population.reindex(wide.index)).values,
    })
    if ESTIMATE_COLUMN in total.columns:
        used = total[total["jaar"].isin({year, year - 1, base_year, population_year})]
        flag = used.groupby("gemeentecode")[ESTIMATE_COLUMN].any()
        out[ESTIMATE_COLUMN] = flag.reindex(wide.index).fillna(False).astype(bool).values
    counts = ["vestigingen", "vestigingen_vorig_jaar", f"vestigingen_{base_year}"]
    if not out.get(ESTIMATE_COLUMN, pd.Series(False)).any() and (out[counts] == out[counts].round()).all().all():
        out[counts] = out[counts].round().astype("int64")  # no estimate went in: exact whole counts
    return out.sort_values("vestigingen", ascending=False).reset_index(drop=True)


def sector_shares(region: pd.DataFrame, national: pd.DataFrame, year: int) -> pd.DataFrame:
    """Share (%) of each sector group in the region and in the Netherlands in a year.

    The denominator is the sum of the nine groups (CBS rounds each count to a
    multiple of 5, so the 'totaal' row can differ slightly from that sum).
    """
    def shares(series):
        rows = series[(series["jaar"] == year) & (series["sectorgroep"] != TOTAL)].set_index("sectorgroep")
        return rows["vestigingen"] / rows["vestigingen"].sum() * 100

    out = pd.DataFrame({"regio_pct": shares(region), "nederland_pct": shares(national)})
    out = out.reindex(list(SECTOR_GROUPS)).rename_axis("sectorgroep").reset_index()
    out["verschil_pp"] = out["regio_pct"] - out["nederland_pct"]
    return out


def location_quotients(est_2025: pd.DataFrame, national: pd.DataFrame, codes, year: int,
                       region_label: str) -> pd.DataFrame:
    """Location quotient per municipality (and for the region as a whole) per sector group,
    with the Netherlands as reference. Long format: eenheid, sectorgroep, lq, vestigingen."""
    ref = national[(national["jaar"] == year) & (national["sectorgroep"] != TOTAL)].set_index("sectorgroep")
    ref_total = ref["vestigingen"].sum()
    rows = est_2025[(est_2025["jaar"] == year) & est_2025["gemeentecode"].isin(codes)
                    & (est_2025["sectorgroep"] != TOTAL)]
    region = rows.groupby("sectorgroep", as_index=False)["vestigingen"].sum().assign(gemeentecode=region_label)
    both = pd.concat([rows[["gemeentecode", "sectorgroep", "vestigingen"]], region], ignore_index=True)
    unit_total = both.groupby("gemeentecode")["vestigingen"].transform("sum")
    ref_sector = both["sectorgroep"].map(ref["vestigingen"])
    both["lq"] = location_quotient(both["vestigingen"], unit_total, ref_sector, ref_total)
    return both.rename(columns={"gemeentecode": "eenheid"})


# --- Births and jobs (COROP level) ------------------------------------------------------

def births_rate(births: pd.DataFrame, stock: pd.DataFrame, corops=None) -> pd.Series:
    """New establishments during a year per 100 establishments on 1 January of that year,
    for the given COROP regions together (all 40 = the Netherlands)."""
    if corops is not None:
        births = births[births["coropcode"].isin(corops)]
        stock = stock[stock["coropcode"].isin(corops)]
    b = births.groupby("jaar")["oprichtingen"].sum()
    s = stock.groupby("jaar")["vestigingen"].sum()
    return (b / s * 100).dropna()


def births_table(births: pd.DataFrame, stock: pd.DataFrame, corops=None) -> pd.DataFrame:
    """jaar, oprichtingen, vestigingen (stock on 1 January) and per_100 for the given COROP
    regions together (all 40 = the Netherlands); counts stay integers."""
    if corops is not None:
        births = births[births["coropcode"].isin(corops)]
        stock = stock[stock["coropcode"].isin(corops)]
    b = births.groupby("jaar")["oprichtingen"].sum()
    s = stock.groupby("jaar")["vestigingen"].sum()
    out = pd.DataFrame({"oprichtingen": b, "vestigingen": s}).dropna().astype("int64")
    out["per_100"] = out["oprichtingen"] / out["vestigingen"] * 100
    return out.rename_axis("jaar").reset_index()


def sector_share_table(df: pd.DataFrame, value: str, year: int) -> pd.DataFrame:
    """Per sector group: the value in year and its share (%) of the groups' sum."""
    rows = df[(df["jaar"] == year) & (df["sectorgroep"] != TOTAL)][["sectorgroep", value]].copy()
    rows["aandeel_pct"] = rows[value] / rows[value].sum() * 100
    return rows.reset_index(drop=True)


def growth_by_sector(df: pd.DataFrame, value: str, start: int, end: int) -> pd.DataFrame:
    """Per sector group (incl. totaal): value at start and end and growth in %."""
    wide = df.pivot(index="sectorgroep", columns="jaar", values=value)
    out = pd.DataFrame({"start": wide[start], "eind": wide[end], "groei_pct": growth_pct(wide[start], wide[end])})
    return out.rename_axis("sectorgroep").reset_index()


# --- Loaders ----------------------------------------------------------------------------

def establishments_raw() -> pd.DataFrame:
    return mirror.load("cbs/vestigingen_gemeente.csv")


def establishments_2025() -> pd.DataFrame:
    """Establishments per 2025 municipality, year and sector group (GM0000 left out)."""
    return to_2025(establishments_raw(), "vestigingen")


def unassigned(est_raw: pd.DataFrame, year: int) -> float:
    """Establishments that CBS could not assign to a municipality (GM0000) in a year."""
    rows = est_raw[(est_raw["gemeentecode"] == NOT_A_MUNICIPALITY) & (est_raw["jaar"] == year)
                   & (est_raw["sectorgroep"] == TOTAL)]
    return float(rows["vestigingen"].sum())
