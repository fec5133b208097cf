"""Everything the chapter on business structure and dynamics shows, for one region and year.

``profile(region, year)`` gathers the tables; mkbbook.chapters.business phrases them for chapter 1.
Later chapters reuse the same profile (sector structure, establishments). A region is a sum of
municipalities, so it is compared with the sum of all municipalities (without GM0000); the national
level including GM0000 is only shown as the size of the Netherlands.
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


NL_LEVEL = "Nederland"  # the national level: all establishments, incl. those not assigned to a municipality
NL_COMPARATOR = "Nederland (som van de gemeenten)"  # the like-for-like comparator of a region
BIRTHS_TABLE, BIRTHS_FILE = "83631NED", "cbs/oprichtingen_corop.csv"


@dataclass
class Profile:
    """Chapter 1's tables for one region and year.

    Two national figures, on purpose: ``nl*`` is the national level (all establishments, including
    those CBS could not assign to a municipality, GM0000), shown only as the size of the Netherlands;
    ``nl_municipal*`` is the sum of all municipalities (without GM0000), the like-for-like comparator
    of a region (which is a sum of municipalities) for growth, shares and location quotients.
    """

    region: Region
    year: int
    base_year: int
    establishments: float  # region total in year (exact: an int unless a split was estimated)
    establishments_prev: float
    establishments_base: float
    nl: float  # national level incl. GM0000
    nl_prev: float
    nl_base: float
    unassigned: float  # GM0000 in year
    index: pd.DataFrame  # jaar, eenheid, vestigingen, index (base year = 100): region and NL_COMPARATOR
    municipalities: pd.DataFrame  # municipality table
    shares: pd.DataFrame  # sector shares region vs the sum of municipalities
    lq: pd.DataFrame  # location quotients (long), reference: the sum of municipalities
    sector_growth: pd.DataFrame  # growth per sector group in the region
    births: pd.DataFrame  # jaar, eenheid, oprichtingen, vestigingen, per_100, voorlopig
    births_corops: tuple
    births_cover_region: bool
    nl_municipal: float = 0.0  # sum of all municipalities (without GM0000) in year
    nl_municipal_prev: float = 0.0
    nl_municipal_base: float = 0.0
    region_estimated: bool = False  # a documented split's estimated share is in the region's series
    flags: pd.DataFrame | None = None  # breaks.detect() on the national comparator
    births_provisional: tuple = ()  # provisional birth years
    births_status_from: str = "aanname"  # 'manifest' (the snapshot says) or 'aanname' (latest N years)
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
        """Growth of the like-for-like comparator (sum of municipalities) since the base year."""
        return dyn.growth_pct(self.nl_municipal_base, self.nl_municipal)

    @property
    def nl_growth_prev_pct(self) -> float:
        return dyn.growth_pct(self.nl_municipal_prev, self.nl_municipal)

    @property
    def nl_level_growth_pct(self) -> float:
        """Growth of the national level incl. GM0000 (not a comparator for a region)."""
        return dyn.growth_pct(self.nl_base, self.nl)

    @property
    def share_of_nl_pct(self) -> float:
        """The region's share of all establishments assigned to a municipality."""
        return self.establishments / self.nl_municipal * 100

    @property
    def within_utrecht_corop(self) -> bool:
        return self.region.corops == frozenset({UTRECHT_COROP})


def check_year(year: int, years) -> None:
    """The same rule and message as the build's check (mkbbook.checks.year_problem)."""
    from .checks import year_problem

    problem = year_problem(int(year), years)
    if problem is not None:
        raise problem


def _exact(value):
    """A count as an int when it is whole (exact counts stay integers), else the float."""
    value = float(value)
    return int(round(value)) if value == round(value) else value


def profile(region: Region, year: int, base_year: int = dyn.FIRST_YEAR, settings=None) -> Profile:
    from . import breaks
    from . import settings as settings_module
    from .paths import mirror_dir

    settings = settings or settings_module.load()
    est_raw = dyn.establishments_raw()
    check_year(year, est_raw["jaar"])
    est = dyn.establishments_2025()
    geo = municipalities().set_index("gemeentecode")
    kern = mirror.load("cbs/kerncijfers_gemeente_2023.csv").set_index("gemeentecode")

    region_series = dyn.region_series_exact(est_raw, region.codes)
    national = dyn.national_series(est_raw)
    comparator = dyn.municipal_sum_series(est_raw)
    reg_tot = dyn.totals_by_year(region_series)
    nl_tot = dyn.totals_by_year(national)
    cmp_tot = dyn.totals_by_year(comparator)

    index = pd.concat([
        pd.DataFrame({"jaar": reg_tot.index, "eenheid": region.name, "vestigingen": reg_tot.values,
                      "index": (reg_tot / reg_tot[base_year] * 100).values}),
        pd.DataFrame({"jaar": cmp_tot.index, "eenheid": NL_COMPARATOR, "vestigingen": cmp_tot.values,
                      "index": (cmp_tot / cmp_tot[base_year] * 100).values}),
    ], ignore_index=True)

    table = dyn.municipality_table(est, region.codes, geo["gemeentenaam"], kern["inwoners"], year, base_year)
    shares = dyn.sector_shares(region_series, comparator, year)
    shares["sector"] = shares["sectorgroep"].map(label)
    lq = dyn.location_quotients(est, comparator, region.codes, year, region.name)
    lq["naam"] = lq["eenheid"].map(geo["gemeentenaam"]).fillna(lq["eenheid"])
    lq["sector"] = lq["sectorgroep"].map(label)
    sector_growth = dyn.growth_by_sector(region_series, "vestigingen", base_year, year)
    sector_growth["sector"] = sector_growth["sectorgroep"].map(label)

    births_raw = mirror.load(BIRTHS_FILE)
    stock_corop = mirror.load("cbs/vestigingen_corop.csv")
    corops = tuple(sorted(region.corops))
    corop_names = municipalities().drop_duplicates("coropcode").set_index("coropcode")["coropnaam"]
    unit = ("COROP-gebied " + ", ".join(corop_names[c] for c in corops) if len(corops) <= 3
            else f"{len(corops)} COROP-gebieden")
    provisional, status_from = breaks.provisional_years(
        births_raw["jaar"].unique(), mirror_dir() / "manifest.json", BIRTHS_TABLE, BIRTHS_FILE,
        settings.get("business", "births_provisional_years", kind=int))
    births = pd.concat([
        dyn.births_table(births_raw, stock_corop, corops).assign(eenheid=unit),
        dyn.births_table(births_raw, stock_corop).assign(eenheid=NL_LEVEL),
    ], ignore_index=True)
    births["voorlopig"] = births["jaar"].isin(provisional)

    result = Profile(
        region=region, year=year, base_year=base_year,
        establishments=_exact(reg_tot[year]), establishments_prev=_exact(reg_tot[year - 1]),
        establishments_base=_exact(reg_tot[base_year]),
        nl=int(nl_tot[year]), nl_prev=int(nl_tot[year - 1]), nl_base=int(nl_tot[base_year]),
        unassigned=dyn.unassigned(est_raw, year), index=index, municipalities=table, shares=shares, lq=lq,
        sector_growth=sector_growth, births=births, births_corops=corops,
        births_cover_region=region.covers_whole_corops(),
        nl_municipal=int(cmp_tot[year]), nl_municipal_prev=int(cmp_tot[year - 1]),
        nl_municipal_base=int(cmp_tot[base_year]),
        region_estimated=bool(region_series[dyn.ESTIMATE_COLUMN].any()),
        flags=breaks.detect_with(comparator, settings),
        births_provisional=tuple(int(y) for y in provisional), births_status_from=status_from,
    )
    if region.corops == frozenset({UTRECHT_COROP}):
        by_sector = mirror.load("cbs/oprichtingen_sector_corop_utrecht.csv")
        by_sector = by_sector[(by_sector["jaar"] >= base_year) & (by_sector["sectorgroep"] != TOTAL)].copy()
        by_sector["sector"] = by_sector["sectorgroep"].map(label)
        by_sector["voorlopig"] = by_sector["jaar"].isin(provisional)
        result.births_by_sector = by_sector.reset_index(drop=True)
        jobs = mirror.load("cbs/banen_sector_corop_utrecht.csv")
        jobs = jobs[jobs["sectorgroep"] != TOTAL].copy()
        jobs["sector"] = jobs["sectorgroep"].map(label)
        result.jobs = jobs.reset_index(drop=True)
        result.jobs_year = min(year, int(jobs["jaar"].max()))
    if region.subregions:
        regions = all_regions()
        rows = []
        for key in region.subregions:
            sub = regions[key]
            series = dyn.totals_by_year(dyn.region_series_exact(est_raw, sub.codes))
            sub_lq = lq_for(est, comparator, sub, year)
            top = sub_lq.sort_values("lq", ascending=False).iloc[0]
            rows.append({"deelregio": sub.name, "gemeenten": len(sub.codes), "vestigingen": _exact(series[year]),
                         "groei_pct": dyn.growth_pct(series[base_year], series[year]),
                         "aandeel_regio_pct": series[year] / reg_tot[year] * 100,
                         "sterkste_specialisatie_code": top["sectorgroep"],
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
