"""Business structure and dynamics: establishments, growth, sector structure,
location quotients, births and jobs (chapter 'Bedrijvigheid en bedrijvendynamiek').

Pure functions on tidy frames; the loaders at the bottom read the mirror.
"""

from __future__ import annotations

import pandas as pd

from . import mirror
from .reorg import NOT_A_MUNICIPALITY, to_2025
from .sectors import SECTOR_GROUPS, TOTAL

FIRST_YEAR = 2015  # the snapshot starts at the 2015 break (public sector counted fully from then)
K_BREAK_YEAR = 2024  # financial services drop ~40 % by a register change, not a real collapse

BREAK_NOTES = {
    "2015": "Vanaf 2015 telt CBS de vestigingen in overheid, onderwijs en zorg volledig; "
            "eerdere jaren zijn daarom niet vergelijkbaar en niet opgenomen.",
    "2024-K": "In 2024 daalt het aantal vestigingen in de financiële dienstverlening (K) in elke gemeente "
              "met ongeveer 40 procent door een wijziging in het register of de indeling van CBS. "
              "Dat is een trendbreuk, geen echte krimp.",
    "GM0000": "Ongeveer 4.700 vestigingen per jaar (vanaf 2019) kon CBS niet aan een gemeente toewijzen. "
              "Ze tellen mee in het landelijke totaal, maar bij geen enkele gemeente, provincie of COROP-gebied.",
    "herindeling": "Alle jaren zijn omgerekend naar de gemeenten van 2025: vestigingen van opgeheven gemeenten "
                   "tellen mee bij hun opvolger (bij een splitsing naar rato).",
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
    """Sum of establishments of the given 2025 municipalities per year and sector group."""
    sub = est_2025[est_2025["gemeentecode"].isin(codes)]
    return sub.groupby(["jaar", "sectorgroep"], as_index=False)["vestigingen"].sum()


def national_series(est_raw: pd.DataFrame) -> pd.DataFrame:
    """National total per year and sector group: all municipalities plus GM0000 (unassigned)."""
    return est_raw.groupby(["jaar", "sectorgroep"], as_index=False)["vestigingen"].sum()


def totals_by_year(series: pd.DataFrame) -> pd.Series:
    """The 'totaal' row per year of a region or national series."""
    return series[series["sectorgroep"] == TOTAL].set_index("jaar")["vestigingen"]


def municipality_table(est_2025: pd.DataFrame, codes, names: pd.Series, population: pd.Series,
                       year: int, base_year: int = FIRST_YEAR, population_year: int = 2023) -> pd.DataFrame:
    """Per municipality: establishments in year, growth since last year and since base_year,
    and establishments per 1,000 inhabitants (both counted in population_year)."""
    total = est_2025[(est_2025["sectorgroep"] == TOTAL) & est_2025["gemeentecode"].isin(codes)]
    wide = total.pivot(index="gemeentecode", columns="jaar", values="vestigingen")
    out = pd.DataFrame({
        "gemeentecode": wide.index,
        "gemeente": names.reindex(wide.index).values,
        "vestigingen": wide[year].values,
        "groei_vorig_jaar_pct": growth_pct(wide[year - 1], wide[year]).values,
        f"groei_sinds_{base_year}_pct": growth_pct(wide[base_year], wide[year]).values,
        "per_1000_inwoners": per_thousand(wide[population_year], population.reindex(wide.index)).values,
    })
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
