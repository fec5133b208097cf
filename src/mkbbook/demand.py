"""Demand versus supply: a model estimate of the region's mkb by size class, how many of
them lag in digitalisation (a range), the yearly reach of the initiatives, what helping
250 mkb'ers a year means, and a transparent sector score.

Everything here is a MODEL ESTIMATE built on stated assumptions (ASSUMPTIONS); the
chapter prints them next to every result.
"""

from __future__ import annotations

import re

import pandas as pd

from .initiatives import AMBITION_PER_YEAR  # recommendation 2 of the study: at least 250 a year
from .sectors import SECTOR_GROUPS, TOTAL, label

NL_TARGET_SHARE = 95.0  # Dutch ambition: 95 % of mkb at least a basic level in 2030
TARGET_YEAR = 2030

SIZE_CLASSES = ("zzp", "micro", "klein", "middelgroot")  # mkb; 'groot' (250+) is not mkb
SIZE_LABELS = {"zzp": "zzp (1 persoon)", "micro": "micro (2–9)", "klein": "klein (10–49)",
               "middelgroot": "middelgroot (50–249)", "groot": "groot (250+)"}
# CBS 81588NED size classes (persons employed) per class of the book
CBS_SIZE_CLASSES = {"zzp": ["1"], "micro": ["2", "3-4", "5-9"], "klein": ["10-19", "20-49"],
                    "middelgroot": ["50-99", "100-149", "150-199", "200-249"],
                    "groot": ["250-499", "500-999", "1000-1999", "2000+"]}
# SBI sections (81588NED rows) per sector group of the mirror; R-S leaves out T and U
SECTOR_SECTIONS = {"B-E": ["B-E"], "F": ["F"], "G-I": ["G-I"], "J": ["J"], "K": ["K"], "L": ["L"],
                   "M-N": ["M-N"], "A+O-Q": ["A", "O-Q"], "R-S": ["R", "S"]}
# CBS 2019 survey classes (84675NED) used for each class of the book, weighted by national counts
SURVEY_CLASSES = {"zzp": {"2": ["1"]}, "micro": {"2": ["2"], "3-5": ["3-4"], "5-10": ["5-9"]},
                  "klein": {"10-20": ["10-19"], "20-50": ["20-49"]}, "middelgroot": {"50-100": ["50-99"]}}
EUROSTAT_CLASS = {"klein": "10-49", "middelgroot": "50-249"}
NOT_DIGITISED = ("niet gedigitaliseerd",)
NOT_OR_HARDLY = ("niet gedigitaliseerd", "nauwelijks gedigitaliseerd")
SCENARIOS = ("laag", "midden", "hoog")

ASSUMPTIONS = {
    "structuur": "De verdeling over grootteklassen binnen elke sectorgroep is in de regio gelijk aan die in "
                 "Nederland (CBS 81588NED, bedrijven), en vestigingen verdelen zich zoals bedrijven.",
    "laag": "Achterblijvend = 'niet gedigitaliseerd' (CBS 2019) voor bedrijven onder 10 personen; "
            "voor 10–249 personen het aandeel onder het basisniveau digitale intensiteit (Eurostat, laatste jaar).",
    "midden": "Achterblijvend = 'niet of nauwelijks gedigitaliseerd' (CBS 2019) onder 10 personen; "
              "voor 10–249 personen het aandeel onder het basisniveau (Eurostat, laatste jaar).",
    "hoog": "Achterblijvend = 'niet of nauwelijks gedigitaliseerd' (CBS 2019) voor alle klassen, dus geen vooruitgang "
            "sinds 2019, en alle micro-bedrijven zo digitaal als bedrijven van 2 personen.",
    "zzp": "Voor zzp'ers (1 persoon) is er geen CBS-cijfer; ze tellen als bedrijven van 2 personen.",
}


# --- Size structure ---------------------------------------------------------------------

def national_size_shares(size_counts: pd.DataFrame) -> pd.DataFrame:
    """Share of each size class (zzp … groot) within each sector group, national enterprises.

    size_counts: the mirror's bedrijven_grootteklasse_nl.csv (sbi, grootteklasse, bedrijven).
    Returns sectorgroep, grootte, bedrijven, aandeel (fractions summing to 1 per sector group).
    """
    rows = []
    for group, sections in SECTOR_SECTIONS.items():
        part = size_counts[size_counts["sbi"].isin(sections)]
        for size, classes in CBS_SIZE_CLASSES.items():
            rows.append({"sectorgroep": group, "grootte": size,
                         "bedrijven": float(part.loc[part["grootteklasse"].isin(classes), "bedrijven"].sum())})
    out = pd.DataFrame(rows)
    out["aandeel"] = out["bedrijven"] / out.groupby("sectorgroep")["bedrijven"].transform("sum")
    return out


def size_structure(region_counts: pd.Series, shares: pd.DataFrame) -> pd.DataFrame:
    """Estimated establishments per sector group and size class: region count × national share."""
    out = shares[["sectorgroep", "grootte", "aandeel"]].copy()
    out["vestigingen"] = out["sectorgroep"].map(region_counts) * out["aandeel"]
    return out[["sectorgroep", "grootte", "vestigingen"]]


# --- Lagging firms ----------------------------------------------------------------------

def _survey_share(cbs: pd.DataFrame, survey_class: str, categories) -> float:
    rows = cbs[(cbs["indicator"] == "mate van digitalisering (eigen inschatting)") & (cbs["year"] == 2019)
               & (cbs["size_class"] == survey_class) & cbs["category"].isin(categories)]
    if len(rows) != len(categories):
        raise ValueError(f"CBS 2019 survey figures missing for size class {survey_class!r}")
    return rows["percentage"].sum() / 100


def lag_shares(cbs: pd.DataFrame, below_basic: dict, size_counts: pd.DataFrame) -> pd.DataFrame:
    """Share of lagging firms per size class in each scenario (see ASSUMPTIONS).

    cbs: curated CBS size-class survey figures; below_basic: {'10-49': pct, '50-249': pct} =
    100 − Eurostat's share at least basic DII (NL, latest year); size_counts: national
    counts to weight the survey classes. Returns scenario, grootte, aandeel (fraction).
    """
    national = size_counts[size_counts["sbi"] == "A-U"].set_index("grootteklasse")["bedrijven"]

    def weighted(size, categories):
        parts = SURVEY_CLASSES[size]
        weights = {k: float(national.reindex(v).sum()) for k, v in parts.items()}
        total = sum(weights.values())
        return sum(_survey_share(cbs, k, categories) * w for k, w in weights.items()) / total

    rows = []
    for size in SIZE_CLASSES:
        small = size in ("zzp", "micro")
        eurostat = None if small else below_basic[EUROSTAT_CLASS[size]] / 100
        low = weighted(size, NOT_DIGITISED) if small else eurostat
        mid = weighted(size, NOT_OR_HARDLY) if small else eurostat
        high = _survey_share(cbs, "2", NOT_OR_HARDLY) if small else weighted(size, NOT_OR_HARDLY)
        rows += [{"scenario": s, "grootte": size, "aandeel": v} for s, v in zip(SCENARIOS, (low, mid, high))]
    return pd.DataFrame(rows)


def lagging(structure: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Estimated lagging mkb establishments per scenario, sector group and size class."""
    mkb = structure[structure["grootte"].isin(SIZE_CLASSES)]
    out = mkb.merge(shares, on="grootte")
    out["achterblijvend"] = out["vestigingen"] * out["aandeel"]
    return out[["scenario", "sectorgroep", "grootte", "vestigingen", "achterblijvend"]]


# --- Supply -----------------------------------------------------------------------------

def _period_years(period) -> int | None:
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", str(period or ""))]
    if not years:
        return None
    return max(years) - min(years) + 1


def yearly_reach(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Per mkb initiative: reported reach, its period in years and the reach per year (unknown stays NA)."""
    mkb = initiatives[initiatives["audience"] == "mkb"]
    out = pd.DataFrame({
        "id": mkb["id"], "naam": mkb["name"], "bereik": mkb["reach_mkb"],
        "periode": mkb["reach_period"], "schaal": mkb["reach_scope"],
    })
    out["jaren"] = out["periode"].map(_period_years)
    per_year = [b / j if pd.notna(b) and j else pd.NA for b, j in zip(out["bereik"], out["jaren"])]
    out["bereik_per_jaar"] = pd.array(per_year, dtype="Float64")
    return out.reset_index(drop=True)


def supply_summary(reach: pd.DataFrame) -> dict:
    """Number of initiatives, number with a known yearly reach, and the known regional reach per year."""
    known = reach[reach["bereik_per_jaar"].notna()]
    regional = known[known["schaal"] == "regionaal"]
    return {"initiatieven": len(reach), "bekend": len(known), "onbekend": len(reach) - len(known),
            "regionaal_per_jaar": float(regional["bereik_per_jaar"].sum()),
            "nationaal_per_jaar": float(known[known["schaal"] == "nationaal"]["bereik_per_jaar"].sum())}


# --- The match: 250 a year against the demand -------------------------------------------

def pace(lagging_firms: float, mkb_firms: float, year: int, per_year: int = AMBITION_PER_YEAR,
         target_share: float = NL_TARGET_SHARE, target_year: int = TARGET_YEAR) -> dict:
    """What helping `per_year` firms a year means against the lagging firms.

    to_help = lagging firms above the (100 − target_share) % that the 2030 ambition allows;
    years_needed at the given pace; per_year_needed to reach it by target_year.
    """
    allowed = mkb_firms * (100 - target_share) / 100
    to_help = max(0.0, lagging_firms - allowed)
    years_left = max(1, target_year - year)
    return {"aandeel_per_jaar_pct": per_year / lagging_firms * 100 if lagging_firms else float("nan"),
            "te_helpen": to_help, "jaren_nodig": to_help / per_year, "jaren_tot_doel": years_left,
            "nodig_per_jaar": to_help / years_left}


# --- Sector score -----------------------------------------------------------------------

DEFAULT_WEIGHTS = {"achterstand": 1.0, "specialisatie": 1.0, "weinig_aanbod": 1.0}


def _scale(values: pd.Series) -> pd.Series:
    span = values.max() - values.min()
    return (values - values.min()) / span if span else values * 0 + 1.0


def sector_score(lagging_by_sector: pd.Series, lq: pd.Series, targeted: pd.Series,
                 weights: dict | None = None) -> pd.DataFrame:
    """A transparent score per sector group: weighted mean of three components scaled 0–1 —
    many lagging firms, regional specialisation (location quotient) and little targeted supply
    (initiatives that name the sector). Higher = more reason for a sector focus."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    groups = [g for g in SECTOR_GROUPS if g in lagging_by_sector.index]
    parts = pd.DataFrame({
        "achterstand": _scale(lagging_by_sector.reindex(groups).astype(float)),
        "specialisatie": _scale(lq.reindex(groups).astype(float)),
        "weinig_aanbod": 1 - _scale(targeted.reindex(groups).fillna(0).astype(float)),
    }, index=groups)
    if targeted.reindex(groups).fillna(0).nunique() == 1:
        parts["weinig_aanbod"] = 1.0  # equal supply everywhere: no sector is favoured by it
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("the weights of the sector score must add up to more than 0")
    parts["score"] = sum(parts[k] * w for k, w in weights.items()) / total
    parts["rang"] = parts["score"].rank(ascending=False, method="min").astype(int)
    parts = parts.rename_axis("sectorgroep").reset_index()
    parts["sector"] = parts["sectorgroep"].map(label)
    return parts.sort_values(["rang", "sectorgroep"]).reset_index(drop=True)


def sensitivity(lagging_by_sector: pd.Series, lq: pd.Series, targeted: pd.Series,
                weights: dict | None = None) -> pd.DataFrame:
    """The rank of each sector under the given weights and under variants (one component
    doubled or left out), to show how much the ranking depends on the weights."""
    base = {**DEFAULT_WEIGHTS, **(weights or {})}
    variants = {"gekozen gewichten": base}
    for key in base:
        variants[f"{key} ×2"] = {**base, key: base[key] * 2}
        variants[f"zonder {key}"] = {**base, key: 0.0}
    rows = []
    for name, w in variants.items():
        if sum(w.values()) <= 0:
            continue
        scored = sector_score(lagging_by_sector, lq, targeted, w)
        rows += [{"variant": name, "sector": r.sector, "sectorgroep": r.sectorgroep, "rang": r.rang}
                 for r in scored.itertuples()]
    return pd.DataFrame(rows)


def priority_sectors(score: pd.DataFrame, n: int = 3) -> list[str]:
    """The sector groups with the highest score (the suggested sector focus)."""
    return score.sort_values(["rang", "sectorgroep"])["sectorgroep"].head(n).tolist()


def region_sector_counts(profile, year: int | None = None) -> pd.Series:
    """Establishments per sector group of the region in the profile's year (from chapter 1)."""
    from . import dynamics

    series = dynamics.region_series(dynamics.establishments_2025(), profile.region.codes)
    year = year or profile.year
    rows = series[(series["jaar"] == year) & (series["sectorgroep"] != TOTAL)]
    return rows.set_index("sectorgroep")["vestigingen"]


# --- One call for the chapter ------------------------------------------------------------

SIZE_FILE = "cbs/bedrijven_grootteklasse_nl.csv"


def analyse(region, year: int, weights: dict | None = None, per_year: int = AMBITION_PER_YEAR) -> dict:
    """Demand, supply, match and sector score for a region (a Region from regions.resolve).

    Reuses chapter 1 (business.profile), the initiatives register and the policy
    chapter's statistics. Returns a dict of frames and numbers; 'structure' is None
    (and the chapter says so) when the mirror has no national size-class file.
    """
    from . import business, eurostat, initiatives, mirror, policies
    from .geography import municipalities
    from .paths import mirror_dir

    profile = business.profile(region, year)
    counts = region_sector_counts(profile)
    lq = profile.lq[profile.lq["eenheid"] == region.name].set_index("sectorgroep")["lq"]
    province_of = municipalities().set_index("gemeentecode")["provinciecode"].to_dict()
    reaching = initiatives.reaching_region(initiatives.load_initiatives(), set(region.codes), province_of)
    mkb_initiatives = reaching[reaching["audience"] == "mkb"]
    focus = initiatives.sector_focus(mkb_initiatives).set_index("sector_group")["initiatives"]
    reach = yearly_reach(reaching)
    result = {"profile": profile, "counts": counts, "lq": lq, "targeted": focus.reindex(list(SECTOR_GROUPS)).fillna(0),
              "reach": reach, "supply": supply_summary(reach), "per_year": per_year, "structure": None}

    dii = eurostat.digital_intensity(eurostat.read_sdmx_csv(mirror_dir() / "eurostat" / "isoc_e_dii.csv"))
    below = {}
    for size in EUROSTAT_CLASS.values():
        latest = eurostat.latest_dii_basic(dii, size_emp=size)
        nl = latest[latest["geo"] == "NL"].iloc[0]
        below[size] = 100 - float(nl["value"])
        result["eurostat_year"] = int(nl["year"])
    result["below_basic"] = below

    if not (mirror_dir() / SIZE_FILE).exists():
        lag_by_sector = counts * 0  # no size structure: the score then rests on specialisation and supply
    else:
        size_counts = mirror.load(SIZE_FILE)
        shares = national_size_shares(size_counts)
        structure = size_structure(counts, shares)
        lag = lag_shares(policies.load_cbs_size_class(), below, size_counts)
        lagged = lagging(structure, lag)
        mkb_total = float(structure.loc[structure["grootte"].isin(SIZE_CLASSES), "vestigingen"].sum())
        totals = lagged.groupby("scenario")["achterblijvend"].sum()
        result.update(structure=structure, size_shares=shares, lag_shares=lag, lagging=lagged,
                      mkb_total=mkb_total, lagging_total=totals.to_dict(),
                      size_period=str(size_counts["periode"].iloc[0]),
                      pace={s: pace(totals[s], mkb_total, year, per_year) for s in SCENARIOS})
        lag_by_sector = lagged[lagged["scenario"] == "midden"].groupby("sectorgroep")["achterblijvend"].sum()
    result["score"] = sector_score(lag_by_sector, lq, result["targeted"], weights)
    result["sensitivity"] = sensitivity(lag_by_sector, lq, result["targeted"], weights)
    result["priorities"] = priority_sectors(result["score"])
    return result
