"""Everything the chapter on business structure and dynamics shows, for one region and year.

``profile(region, year)`` gathers the tables; the notebook only glues and charts them.
Later chapters reuse the same profile (sector structure, establishments).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import dynamics as dyn
from . import mirror
from .errors import DataError
from .geography import municipalities
from .regions import Region, all_regions
from .sectors import SECTOR_GROUPS, TOTAL, label

UTRECHT_COROP = "CR17"  # the only COROP region with births by sector and jobs by sector in the mirror


@dataclass
class Profile:
    region: Region
    year: int
    base_year: int
    establishments: float  # region total in year
    establishments_prev: float
    establishments_base: float
    nl: float  # national total incl. GM0000
    nl_prev: float
    nl_base: float
    unassigned: float  # GM0000 in year
    index: pd.DataFrame  # jaar, eenheid, index (base year = 100)
    municipalities: pd.DataFrame  # municipality table
    shares: pd.DataFrame  # sector shares region vs NL
    lq: pd.DataFrame  # location quotients (long)
    sector_growth: pd.DataFrame  # growth per sector group in the region
    births: pd.DataFrame  # jaar, eenheid, per_100
    births_corops: tuple
    births_cover_region: bool
    births_by_sector: pd.DataFrame | None = None
    jobs: pd.DataFrame | None = None
    jobs_year: int | None = None
    subregions: pd.DataFrame | None = None
    notes: dict = field(default_factory=lambda: dict(dyn.BREAK_NOTES))

    @property
    def growth_pct(self) -> float:
        return dyn.growth_pct(self.establishments_base, self.establishments)

    @property
    def growth_prev_pct(self) -> float:
        return dyn.growth_pct(self.establishments_prev, self.establishments)

    @property
    def nl_growth_pct(self) -> float:
        return dyn.growth_pct(self.nl_base, self.nl)

    @property
    def nl_growth_prev_pct(self) -> float:
        return dyn.growth_pct(self.nl_prev, self.nl)

    @property
    def within_utrecht_corop(self) -> bool:
        return self.region.corops == frozenset({UTRECHT_COROP})


def check_year(year: int, years) -> None:
    years = sorted(set(years))
    if year not in years or year - 1 not in years or year <= dyn.FIRST_YEAR:
        raise DataError("parameter YEAR", f"{year} is outside the data ({years[0]}–{years[-1]})",
                        fix=f"choose a year from {dyn.FIRST_YEAR + 1} to {years[-1]}")


def profile(region: Region, year: int, base_year: int = dyn.FIRST_YEAR) -> Profile:
    est_raw = dyn.establishments_raw()
    check_year(year, est_raw["jaar"])
    est = dyn.establishments_2025()
    geo = municipalities().set_index("gemeentecode")
    kern = mirror.load("cbs/kerncijfers_gemeente_2023.csv").set_index("gemeentecode")

    region_series = dyn.region_series(est, region.codes)
    national = dyn.national_series(est_raw)
    reg_tot = dyn.totals_by_year(region_series)
    nl_tot = dyn.totals_by_year(national)

    index = pd.concat([
        pd.DataFrame({"jaar": reg_tot.index, "eenheid": region.name, "index": reg_tot / reg_tot[base_year] * 100}),
        pd.DataFrame({"jaar": nl_tot.index, "eenheid": "Nederland", "index": nl_tot / nl_tot[base_year] * 100}),
    ], ignore_index=True)

    table = dyn.municipality_table(est, region.codes, geo["gemeentenaam"], kern["inwoners"], year, base_year)
    shares = dyn.sector_shares(region_series, national, year)
    shares["sector"] = shares["sectorgroep"].map(label)
    lq = dyn.location_quotients(est, national, region.codes, year, region.name)
    lq["naam"] = lq["eenheid"].map(geo["gemeentenaam"]).fillna(lq["eenheid"])
    lq["sector"] = lq["sectorgroep"].map(label)
    sector_growth = dyn.growth_by_sector(region_series, "vestigingen", base_year, year)
    sector_growth["sector"] = sector_growth["sectorgroep"].map(label)

    births_raw = mirror.load("cbs/oprichtingen_corop.csv")
    stock_corop = mirror.load("cbs/vestigingen_corop.csv")
    corops = tuple(sorted(region.corops))
    corop_names = municipalities().drop_duplicates("coropcode").set_index("coropcode")["coropnaam"]
    unit = ("COROP-gebied " + ", ".join(corop_names[c] for c in corops) if len(corops) <= 3
            else f"{len(corops)} COROP-gebieden")
    births = pd.concat([
        dyn.births_rate(births_raw, stock_corop, corops).rename("per_100").reset_index().assign(eenheid=unit),
        dyn.births_rate(births_raw, stock_corop).rename("per_100").reset_index().assign(eenheid="Nederland"),
    ], ignore_index=True)

    result = Profile(
        region=region, year=year, base_year=base_year,
        establishments=reg_tot[year], establishments_prev=reg_tot[year - 1], establishments_base=reg_tot[base_year],
        nl=nl_tot[year], nl_prev=nl_tot[year - 1], nl_base=nl_tot[base_year],
        unassigned=dyn.unassigned(est_raw, year), index=index, municipalities=table, shares=shares, lq=lq,
        sector_growth=sector_growth, births=births, births_corops=corops,
        births_cover_region=region.covers_whole_corops(),
    )
    if region.corops == frozenset({UTRECHT_COROP}):
        by_sector = mirror.load("cbs/oprichtingen_sector_corop_utrecht.csv")
        by_sector = by_sector[(by_sector["jaar"] >= base_year) & (by_sector["sectorgroep"] != TOTAL)].copy()
        by_sector["sector"] = by_sector["sectorgroep"].map(label)
        result.births_by_sector = by_sector
        jobs = mirror.load("cbs/banen_sector_corop_utrecht.csv")
        jobs = jobs[jobs["sectorgroep"] != TOTAL].copy()
        jobs["sector"] = jobs["sectorgroep"].map(label)
        result.jobs = jobs
        result.jobs_year = min(year, int(jobs["jaar"].max()))
    if region.subregions:
        regions = all_regions()
        rows = []
        for key in region.subregions:
            sub = regions[key]
            series = dyn.totals_by_year(dyn.region_series(est, sub.codes))
            sub_lq = lq_for(est, national, sub, year)
            top = sub_lq.sort_values("lq", ascending=False).iloc[0]
            rows.append({"deelregio": sub.name, "gemeenten": len(sub.codes), "vestigingen": series[year],
                         "groei_pct": dyn.growth_pct(series[base_year], series[year]),
                         "aandeel_regio_pct": series[year] / reg_tot[year] * 100,
                         "sterkste_specialisatie": label(top["sectorgroep"]), "lq": top["lq"]})
        result.subregions = pd.DataFrame(rows)
    return result


def lq_for(est: pd.DataFrame, national: pd.DataFrame, region: Region, year: int) -> pd.DataFrame:
    """Location quotients of a region as a whole (one row per sector group)."""
    lq = dyn.location_quotients(est, national, region.codes, year, region.name)
    return lq[lq["eenheid"] == region.name].reset_index(drop=True)


def sector_order() -> list[str]:
    return [label(code) for code in SECTOR_GROUPS]


def shapes(region: Region):
    """Boundaries of the region's municipalities (GeoDataFrame: gemeentecode, geometry)."""
    from .geography import municipality_shapes

    return municipality_shapes(region.codes).rename(columns={"statcode": "gemeentecode"})[["gemeentecode", "geometry"]]
