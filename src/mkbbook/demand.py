"""Demand versus supply: how many mkb establishments a region has (population.py), how many of them
lag in digitalisation (a range), what the Dutch and EU targets mean in their own scope (firms of 10 or
more persons), what the initiatives reach, and a sector score with a robust focus.

Everything here is a MODEL ESTIMATE on stated assumptions; the chapter prints them next to every result.

The lag model (:func:`lagging`): lagging share of a size class c in sector group g =
``min(1, L_c × f_g)``, where

- ``L_c`` is the national share of lagging firms in size class c for a scenario (:func:`size_lag`):
  CBS 2019 self-assessment for firms under 10 persons, the share below the basic level of the Digital
  Intensity Index (Eurostat isoc_e_dii, NL, latest year) for 10–249 persons;
- ``f_g`` is the sector factor (:func:`sector_factors`): the share of enterprises *below* the basic level in
  the sector divided by that share over all activities, same country, year and index version (Eurostat
  isoc_e_diin2, enterprises with 10 or more persons). A sector where twice as many firms stay below the
  basic level as on average gets factor 2. Sectors without a figure (K, A, O–Q, R–S) get factor 1.
  Assumption: the sector's relative lag is the same in every size class.

Targets are never typed here: they come from the policy register (data/policies.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from . import population as pop
from .errors import DataError
from .sectors import SECTOR_GROUPS, TOTAL, label

SIZE_CLASSES = pop.MKB_CLASSES  # mkb; 'groot' (250+) is not mkb
SIZE_LABELS = pop.SIZE_LABELS
SMALL = ("zzp", "micro")  # under 10 persons: outside the scope of the 95 % and 90 % targets
TARGET_SCOPE = ("klein", "middelgroot")  # 10–249 persons: what Eurostat's DII measures
SCOPE_SIZE_EMP = "10-249"
# CBS 2019 survey classes (84675NED) used for each class of the book, weighted by national counts
SURVEY_CLASSES = {"zzp": {"2": ["1"]}, "micro": {"2": ["2"], "3-5": ["3-4"], "5-10": ["5-9"]},
                  "klein": {"10-20": ["10-19"], "20-50": ["20-49"]}, "middelgroot": {"50-100": ["50-99"]}}
EUROSTAT_CLASS = {"klein": "10-49", "middelgroot": "50-249"}
SELF_ASSESSED = "mate van digitalisering (eigen inschatting)"

# The scenarios as data/settings.yml states them (demand.scenarios); used when no settings are given.
DEFAULT_SCENARIOS = {
    "laag": {"below_10": ["niet gedigitaliseerd"], "from_10": "eurostat", "micro_as_two_persons": False},
    "midden": {"below_10": ["niet gedigitaliseerd", "nauwelijks gedigitaliseerd"], "from_10": "eurostat",
               "micro_as_two_persons": False},
    "hoog": {"below_10": ["niet gedigitaliseerd", "nauwelijks gedigitaliseerd"], "from_10": "cbs2019",
             "micro_as_two_persons": True},
}
SCENARIOS = tuple(DEFAULT_SCENARIOS)
# Which bound of the mkb population each scenario uses (population.py gives a range)
POPULATION_BOUND = {"laag": "mkb_laag", "midden": "mkb", "hoog": "mkb_hoog"}

# Sector groups that are never a recommended sector focus: A+O-Q is mostly public administration,
# education and care, and the data cannot measure agriculture's specialisation apart from them.
NON_MARKET_GROUPS = frozenset({pop.SPLIT_GROUP})


def __getattr__(name):  # kept for callers of the old module constant (synthesis.py)
    if name == "AMBITION_PER_YEAR":
        from .settings import load
        return load().ambition_per_year
    raise AttributeError(name)


# --- Size-class lag (CBS 2019 + Eurostat isoc_e_dii) -------------------------------------

def scenario_text(name: str, rule: dict) -> str:
    """The assumption of one scenario in Dutch (for the page)."""
    answers = " of ".join(f"'{a}'" for a in rule["below_10"])
    small = f"onder 10 personen: {answers} (CBS, 2019)"
    if rule.get("micro_as_two_persons"):
        small += ", alle micro-bedrijven zo digitaal als bedrijven van 2 personen"
    if rule["from_10"] == "eurostat":
        big = "10–249 personen: onder het basisniveau digitale intensiteit (Eurostat, laatste jaar)"
    else:
        big = f"10–249 personen: {answers} (CBS, 2019), dus geen vooruitgang sinds 2019"
    return f"Achterblijvend is {small}; {big}."


def _survey_share(cbs: pd.DataFrame, survey_class: str, categories) -> float:
    rows = cbs[(cbs["indicator"] == SELF_ASSESSED) & (cbs["year"] == 2019)
               & (cbs["size_class"] == survey_class) & cbs["category"].isin(categories)]
    if len(rows) != len(categories):
        raise ValueError(f"CBS 2019 survey figures missing for size class {survey_class!r}")
    return rows["percentage"].sum() / 100


def size_lag(cbs: pd.DataFrame, below_basic: dict, size_counts: pd.DataFrame,
             scenarios: dict | None = None) -> pd.DataFrame:
    """Share of lagging firms per size class in each scenario (national, all sectors).

    cbs: curated CBS size-class survey figures; below_basic: {'10-49': pct, '50-249': pct} =
    100 − Eurostat's share at least basic DII (NL, latest year); size_counts: national
    counts to weight the survey classes. zzp'ers (1 person) have no CBS figure: they count as
    firms of 2 persons. Returns scenario, grootte, aandeel (fraction).
    """
    scenarios = scenarios or DEFAULT_SCENARIOS
    national = size_counts[size_counts["sbi"] == "A-U"].set_index("grootteklasse")["bedrijven"]

    def weighted(size, categories):
        parts = SURVEY_CLASSES[size]
        weights = {k: float(national.reindex(v).sum()) for k, v in parts.items()}
        total = sum(weights.values())
        return sum(_survey_share(cbs, k, categories) * w for k, w in weights.items()) / total

    rows = []
    for name, rule in scenarios.items():
        for size in SIZE_CLASSES:
            if size in SMALL:
                value = (_survey_share(cbs, "2", rule["below_10"]) if rule.get("micro_as_two_persons")
                         else weighted(size, rule["below_10"]))
            elif rule["from_10"] == "eurostat":
                value = below_basic[EUROSTAT_CLASS[size]] / 100
            else:
                value = weighted(size, rule["below_10"])
            rows.append({"scenario": name, "grootte": size, "aandeel": value})
    return pd.DataFrame(rows)


lag_shares = size_lag  # the old name


# --- Sector factor (Eurostat isoc_e_diin2) -----------------------------------------------

ALL_ACTIVITIES = "C10-S951_X_K"  # all activities of the ICT survey (without financial services)
# Per sector group: the SBI section (weight from national enterprises of 10–249 persons) and the NACE
# codes that measure it, tried in order. Groups without an entry have no sector figure (factor 1).
GROUP_NACE = {"B-E": {"C": ("C",), "D": ("D35", "D"), "E": ("E",)}, "F": {"F": ("F",)},
              "G-I": {"G": ("G",), "H": ("H",), "I": ("I",)}, "J": {"J": ("J",)}, "L": {"L": ("L68", "L")},
              "M-N": {"M": ("M",), "N": ("N",)}}
TIDY_COLUMNS = ("geo", "size_emp", "nace_r2", "indic_is", "unit", "year", "value")


@dataclass(frozen=True)
class SectorIntensity:
    """Digital intensity by sector: the tidy rows, the country used and how to name it on the page."""

    rows: pd.DataFrame | None  # columns TIDY_COLUMNS, or None when the snapshot has no such file
    geo: str | None  # 'NL' or 'EU27_2020'
    file: str | None

    @property
    def dutch(self) -> bool:
        return self.geo == "NL"


def sector_intensity(raw_nl: pd.DataFrame | None, eu_tidy: pd.DataFrame | None,
                     file_nl: str = "eurostat/isoc_e_diin2.csv",
                     file_eu: str = "eurostat/isoc_e_diin2_eu27.csv") -> SectorIntensity:
    """Choose the figures for the sector factor: the Dutch rows of the raw download when they have an
    all-activities value, else the EU27 rows (raw or the tidy EU-wide file), else none.

    raw_nl: eurostat.read_sdmx_csv of isoc_e_diin2 (or None); eu_tidy: the tidy EU27 file (or None).
    """
    candidates = []
    if raw_nl is not None:
        tidy = raw_nl.rename(columns={"indicator": "indic_is"})[list(TIDY_COLUMNS)]
        candidates += [(tidy, "NL", file_nl), (tidy, "EU27_2020", file_nl)]
    if eu_tidy is not None:
        missing = [c for c in TIDY_COLUMNS if c not in eu_tidy.columns]
        if missing:
            raise DataError(file_eu, f"column(s) missing: {', '.join(missing)}",
                            fix="restore the file from the data mirror (see its README)")
        candidates.append((eu_tidy[list(TIDY_COLUMNS)], "EU27_2020", file_eu))
    for rows, geo, file in candidates:
        mine = rows[(rows["geo"] == geo) & rows["indic_is"].str.endswith("_GELO") & rows["value"].notna()]
        if (mine["size_emp"] == "GE10").any():
            mine = mine[mine["size_emp"] == "GE10"]  # the dataset's one size class: 10 or more persons
        if (mine["nace_r2"] == ALL_ACTIVITIES).any():
            return SectorIntensity(mine.reset_index(drop=True), geo, file)
    return SectorIntensity(None, None, None)


def _version(indicator: str, year: int) -> int:
    m = re.match(r"E_DI(\d+)_", indicator)
    return int(m.group(1)) if m else (3 if year % 2 else 4)


def sector_factors(intensity: SectorIntensity, size_counts: pd.DataFrame) -> pd.DataFrame:
    """The sector factor per sector group (see the module docstring).

    Latest year with an all-activities value; within the group, sections are weighted by the
    national number of enterprises with 10–249 persons. Columns: sectorgroep, sector, nace (codes used),
    basis_pct (share at least basic in the sector, NaN without a figure), alle_pct, factor, jaar,
    dii_versie, geo.
    """
    ten_plus = ["10-19", "20-49", "50-99", "100-149", "150-199", "200-249"]
    weights = size_counts[size_counts["grootteklasse"].isin(ten_plus)].groupby("sbi")["bedrijven"].sum()
    rows = []
    if intensity.rows is None:
        return pd.DataFrame([{"sectorgroep": g, "sector": label(g), "nace": "", "basis_pct": float("nan"),
                              "alle_pct": float("nan"), "factor": 1.0, "jaar": pd.NA, "dii_versie": pd.NA,
                              "geo": None} for g in SECTOR_GROUPS])
    data = intensity.rows
    year = int(data.loc[data["nace_r2"] == ALL_ACTIVITIES, "year"].max())
    data = data[data["year"] == year]
    version = _version(str(data["indic_is"].iloc[0]), year)
    value = data.groupby("nace_r2")["value"].first()
    all_pct = float(value[ALL_ACTIVITIES])
    for group in SECTOR_GROUPS:
        found = []  # (code, weight, value); a section without enterprises of 10-249 persons weighs 0
        for section, codes in GROUP_NACE.get(group, {}).items():
            code = next((c for c in codes if c in value.index), None)
            if code is not None:
                found.append((code, float(weights.get(section, 0.0)), float(value[code])))
        total = sum(w for _, w, _ in found)
        if found and total <= 0:  # no weights known: a plain mean
            found, total = [(c, 1.0, v) for c, _, v in found], float(len(found))
        found = [item for item in found if item[1] > 0]
        used = [c for c, _, _ in found]
        basis = sum(w * v for _, w, v in found) / total if found else float("nan")
        factor = (100 - basis) / (100 - all_pct) if found and all_pct < 100 else 1.0
        rows.append({"sectorgroep": group, "sector": label(group), "nace": ", ".join(used), "basis_pct": basis,
                     "alle_pct": all_pct, "factor": factor, "jaar": year, "dii_versie": version,
                     "geo": intensity.geo})
    return pd.DataFrame(rows)


# --- Lagging firms -------------------------------------------------------------------------

def lagging(population: pd.DataFrame, lag: pd.DataFrame, factors: pd.DataFrame) -> pd.DataFrame:
    """Estimated lagging mkb establishments per scenario, sector group, part and size class.

    population: population.estimate; lag: size_lag; factors: sector_factors. Each scenario uses its
    bound of the population (laag: low, midden: central, hoog: high mkb estimate), so the range of the
    laggards holds both uncertainties. Columns: scenario, sectorgroep, deel, markt, grootte, vestigingen
    (mkb establishments used), aandeel_grootte (L_c), factor (f_g), aandeel (min(1, L_c × f_g)), achterblijvend.
    """
    factor = factors.set_index("sectorgroep")["factor"]
    rows = []
    for scenario, part in lag.groupby("scenario", sort=False):
        shares = part.set_index("grootte")["aandeel"]
        out = population[["sectorgroep", "deel", "markt", "grootte"]].copy()
        out.insert(0, "scenario", scenario)
        out["vestigingen"] = population[POPULATION_BOUND.get(scenario, "mkb")]
        out["aandeel_grootte"] = out["grootte"].map(shares)
        # parts of A+O-Q have no sector figure: factor 1
        out["factor"] = [1.0 if g == pop.SPLIT_GROUP else float(factor.get(g, 1.0)) for g in out["sectorgroep"]]
        out["aandeel"] = (out["aandeel_grootte"] * out["factor"]).clip(upper=1.0)
        out["achterblijvend"] = out["vestigingen"] * out["aandeel"]
        rows.append(out)
    return pd.concat(rows, ignore_index=True)


# --- Targets in their own scope ------------------------------------------------------------

def dii_target(register: pd.DataFrame, area: str):
    """The target on 'at least basic digital intensity' for an area ('NL' or 'EU') from the policy
    register (policies.target: value, year, size_class, document_title, source_url …), or None."""
    from .eurostat import IND_DII_BASIC
    from .policies import target

    try:
        return target(register, IND_DII_BASIC, area)
    except KeyError:
        return None


def autonomous_trend(dii: pd.DataFrame, geo: str = "NL", size_emp: str = SCOPE_SIZE_EMP) -> pd.DataFrame:
    """The yearly rise of the share at least basic, per index version (never across versions).

    dii: eurostat.digital_intensity. Per version with two or more years: first and last year, their
    values and pp_per_jaar = (last − first) / (years between). Sorted with the version of the latest year
    first. Columns: dii_versie, van, tot, waarde_van, waarde_tot, pp_per_jaar.
    """
    rows = dii[(dii["geo"] == geo) & (dii["size_emp"] == size_emp) & dii["value"].notna()]
    out = []
    for version, part in rows.groupby("dii_version"):
        part = part.sort_values("year")
        if len(part) < 2:
            continue
        first, last = part.iloc[0], part.iloc[-1]
        out.append({"dii_versie": int(version), "van": int(first["year"]), "tot": int(last["year"]),
                    "waarde_van": float(first["value"]), "waarde_tot": float(last["value"]),
                    "pp_per_jaar": (float(last["value"]) - float(first["value"])) / (int(last["year"]) - int(first["year"]))})
    out = pd.DataFrame(out, columns=["dii_versie", "van", "tot", "waarde_van", "waarde_tot", "pp_per_jaar"])
    return out.sort_values(["tot", "dii_versie"], ascending=False).reset_index(drop=True)


def target_pace(firms: float, laggards: float, target_pct: float, target_year: int, year: int,
                per_year: float, trend_pp: float | None) -> dict:
    """What a target means for the firms in its scope, with and without the autonomous trend.

    firms: establishments in scope; laggards: of those, below the target's level. The target allows
    (100 − target_pct) % of the firms to lag; te_helpen = laggards above that. Without trend every
    firm must be helped: jaren = te_helpen / per_year, nodig_per_jaar = te_helpen / years left. With the
    trend the share rises by trend_pp points a year by itself (trend_per_jaar = firms × trend_pp / 100
    firms): jaren_trend = te_helpen / (per_year + trend_per_jaar), nodig_per_jaar_trend =
    max(0, te_helpen − years left × trend_per_jaar) / years left, jaren_alleen_trend = te_helpen /
    trend_per_jaar. Years left = target_year − year (at least 1).
    """
    allowed = firms * (100 - target_pct) / 100
    to_help = max(0.0, laggards - allowed)
    years_left = max(1, int(target_year) - int(year))
    trend = firms * trend_pp / 100 if trend_pp is not None and trend_pp > 0 else 0.0
    return {"bedrijven": firms, "achterblijvend": laggards, "toegestaan": allowed, "te_helpen": to_help,
            "jaren_tot_doel": years_left, "per_jaar": per_year,
            "jaren": to_help / per_year if per_year else float("inf"),
            "nodig_per_jaar": to_help / years_left,
            "trend_pp": trend_pp, "trend_per_jaar": trend,
            "jaren_trend": to_help / (per_year + trend) if per_year + trend else float("inf"),
            "nodig_per_jaar_trend": max(0.0, to_help - years_left * trend) / years_left,
            "jaren_alleen_trend": to_help / trend if trend else float("inf")}


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


SUPPLY_SET_LABELS = {"hulp_nu": "lopende hulp bij digitalisering", "ander_thema": "lopend, ander hoofdthema",
                     "beeindigd": "beëindigd", "gepland": "gepland of nog niet gestart", "onbekend": "status onbekend",
                     "burgers": "voor burgers"}


def supply(reaching: pd.DataFrame, year: int) -> pd.DataFrame:
    """The initiatives that reach the region, each with its supply set in the edition year and its reach.

    Uses initiatives.supply_sets / reach_per_year when the register has them (status per year; a
    cumulative reach is never divided into years); otherwise the older register (all mkb initiatives
    count as help, reach spread over its period). Columns: id, naam, set, huidig (bool: current mkb
    digitalisation help), bereik (text), bereik_per_jaar (Float64, NA when not a yearly figure), schaal.
    """
    from . import initiatives as ini

    if hasattr(ini, "supply_sets") and hasattr(ini, "reach_per_year") and "reach_kind" in reaching.columns:
        sets = ini.supply_sets(reaching, year)
        per_year = ini.reach_per_year(sets).astype("Float64")
        out = pd.DataFrame({"id": sets["id"], "naam": sets["name"], "set": sets["supply_set"],
                            "bereik": [ini.reach_text(r) for _, r in sets.iterrows()],
                            "bereik_per_jaar": per_year.to_numpy(), "schaal": sets["reach_scope"]})
    else:
        legacy = yearly_reach(reaching)
        out = pd.DataFrame({"id": legacy["id"], "naam": legacy["naam"], "set": "hulp_nu",
                            "bereik": [("onbekend" if pd.isna(b) else f"{int(b)} in {p}")
                                       for b, p in zip(legacy["bereik"], legacy["periode"])],
                            "bereik_per_jaar": legacy["bereik_per_jaar"], "schaal": legacy["schaal"]})
    out["huidig"] = out["set"] == "hulp_nu"
    return out.reset_index(drop=True)


def supply_counts(table: pd.DataFrame) -> dict:
    """Current help: how many, with a known yearly reach, and the known regional reach per year;
    plus the number of initiatives per supply set."""
    now = table[table["huidig"]]
    known = now[now["bereik_per_jaar"].notna()]
    return {"hulp_nu": len(now), "bekend": len(known), "onbekend": len(now) - len(known),
            "regionaal_per_jaar": float(known.loc[known["schaal"] == "regionaal", "bereik_per_jaar"].sum()),
            "per_set": table["set"].value_counts().to_dict()}


# --- Sector score and the robust focus ----------------------------------------------------

DEFAULT_WEIGHTS = {"achterstand": 1.0, "specialisatie": 1.0, "weinig_aanbod": 1.0}


def _scale(values: pd.Series) -> pd.Series:
    span = values.max() - values.min()
    return (values - values.min()) / span if span else values * 0 + 1.0


def eligible_groups(groups) -> list[str]:
    """The sector groups that can be a sector focus (market groups, in the book's order)."""
    return [g for g in SECTOR_GROUPS if g in set(groups) and g not in NON_MARKET_GROUPS]


def sector_score(lagging_by_sector: pd.Series, lq: pd.Series, targeted: pd.Series,
                 weights: dict | None = None) -> pd.DataFrame:
    """A transparent score per market sector group: weighted mean of three components scaled 0–1 —
    many lagging firms, regional specialisation (location quotient) and little targeted supply
    (initiatives that name the sector). Higher = more reason for a sector focus. Non-market groups
    (NON_MARKET_GROUPS) are left out."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    groups = eligible_groups(lagging_by_sector.index)
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


CHOSEN = "gekozen gewichten"


def weight_variants(weights: dict | None = None) -> dict[str, dict]:
    """The chosen weights, each weight doubled and each weight left out (variants summing to 0 are skipped)."""
    base = {**DEFAULT_WEIGHTS, **(weights or {})}
    variants = {CHOSEN: base}
    for key in base:
        variants[f"{key} ×2"] = {**base, key: base[key] * 2}
        variants[f"zonder {key}"] = {**base, key: 0.0}
    return {k: v for k, v in variants.items() if sum(v.values()) > 0}


def sensitivity(lagging_by_sector: pd.Series, lq: pd.Series, targeted: pd.Series,
                weights: dict | None = None) -> pd.DataFrame:
    """The rank of each sector under every weight variant (:func:`weight_variants`)."""
    rows = []
    for name, w in weight_variants(weights).items():
        scored = sector_score(lagging_by_sector, lq, targeted, w)
        rows += [{"variant": name, "sector": r.sector, "sectorgroep": r.sectorgroep, "rang": r.rang}
                 for r in scored.itertuples()]
    return pd.DataFrame(rows)


def robustness(sens: pd.DataFrame, top_group: int, min_share: float) -> pd.DataFrame:
    """Per sector group: in how many weight variants it is in the top ``top_group`` (rank ≤ top_group),
    the share of variants, and whether it qualifies (share ≥ min_share) as a recommended focus.
    Columns: sectorgroep, sector, rang_gekozen, in_top, varianten, aandeel, robuust; sorted by share
    (high first), then the rank under the chosen weights."""
    n = sens["variant"].nunique()
    chosen = sens[sens["variant"] == CHOSEN].set_index("sectorgroep")["rang"]
    out = (sens.assign(in_top=sens["rang"] <= top_group)
           .groupby(["sectorgroep", "sector"], as_index=False)["in_top"].sum())
    out["in_top"] = out["in_top"].astype(int)
    out["varianten"] = n
    out["aandeel"] = out["in_top"] / n
    out["robuust"] = (out["aandeel"] >= min_share) & ~out["sectorgroep"].isin(NON_MARKET_GROUPS)
    out.insert(2, "rang_gekozen", out["sectorgroep"].map(chosen).astype(int))
    return out.sort_values(["aandeel", "rang_gekozen", "sectorgroep"], ascending=[False, True, True]) \
        .reset_index(drop=True)


def robust_priorities(robust: pd.DataFrame) -> list[str]:
    """The sector groups that qualify as a focus, most robust first (may be empty)."""
    return robust.loc[robust["robuust"], "sectorgroep"].tolist()


def priority_sectors(score: pd.DataFrame, n: int = 3) -> list[str]:
    """The n market sector groups with the highest score under one set of weights (not robust)."""
    return [g for g in score.sort_values(["rang", "sectorgroep"])["sectorgroep"]
            if g not in NON_MARKET_GROUPS][:n]


def region_sector_counts(profile, year: int | None = None) -> pd.Series:
    """Establishments per sector group of the region in the profile's year (from chapter 1)."""
    from . import dynamics

    series = dynamics.region_series(dynamics.establishments_2025(), profile.region.codes)
    year = year or profile.year
    rows = series[(series["jaar"] == year) & (series["sectorgroep"] != TOTAL)]
    return rows.set_index("sectorgroep")["vestigingen"]


# --- Inputs from the snapshot -------------------------------------------------------------

SIZE_FILE = "cbs/bedrijven_grootteklasse_nl.csv"
DIIN2_RAW = "eurostat/isoc_e_diin2.csv"
DIIN2_EU = "eurostat/isoc_e_diin2_eu27.csv"


def load_sector_intensity() -> SectorIntensity:
    """isoc_e_diin2 from the snapshot: the raw download (NL and EU27) when present, else the tidy EU27 file."""
    from . import eurostat
    from .paths import mirror_dir

    root = mirror_dir()
    raw = eurostat.read_sdmx_csv(root / DIIN2_RAW) if (root / DIIN2_RAW).exists() else None
    eu = None
    if (root / DIIN2_EU).exists():
        eu = pd.read_csv(root / DIIN2_EU, dtype={"geo": "string", "size_emp": "string", "nace_r2": "string",
                                                 "indic_is": "string", "unit": "string"})
    return sector_intensity(raw, eu, DIIN2_RAW, DIIN2_EU)


def national_establishments_latest() -> tuple[pd.Series, int]:
    """Establishments per sector group in Netherlands (incl. GM0000) in the latest year, and that year."""
    from . import dynamics

    raw = dynamics.establishments_raw()
    latest = int(raw["jaar"].max())
    rows = raw[(raw["jaar"] == latest) & (raw["sectorgroep"] != TOTAL)]
    return rows.groupby("sectorgroep")["vestigingen"].sum().astype(float), latest


# --- One call for the chapter ------------------------------------------------------------

def model(region, year: int, settings) -> dict:
    """Demand, targets, supply and the sector focus for a region (a Region) and year, with the settings.

    Returns a dict of frames and numbers (keys below); 'population' is None (and the chapter says so)
    when the snapshot has no national size-class file.
    """
    from . import business, eurostat, initiatives, mirror, policies
    from .geography import municipalities
    from .paths import mirror_dir

    weights = settings.score_weights
    per_year = settings.ambition_per_year
    scenarios = settings.get("demand", "scenarios", kind=dict) if "demand" in settings.raw else DEFAULT_SCENARIOS
    central = settings.get("demand", "central_scenario", kind=str) if "demand" in settings.raw else "midden"

    profile = business.profile(region, year)
    counts = region_sector_counts(profile)
    lq = profile.lq[profile.lq["eenheid"] == region.name].set_index("sectorgroep")["lq"]
    province_of = municipalities().set_index("gemeentecode")["provinciecode"].to_dict()
    reaching = initiatives.reaching_region(initiatives.load_initiatives(), set(region.codes), province_of)
    mkb_initiatives = reaching[reaching["audience"] == "mkb"]
    focus = initiatives.sector_focus(mkb_initiatives).set_index("sector_group")["initiatives"]
    reach = yearly_reach(reaching)
    offer = supply(reaching, year)
    out = {"offer": offer, "offer_counts": supply_counts(offer), "region": region, "year": year, "profile": profile, "counts": counts, "lq": lq,
           "targeted": focus.reindex(list(SECTOR_GROUPS)).fillna(0), "reach": reach,
           "supply": supply_summary(reach), "per_year": per_year, "scenarios": scenarios, "central": central,
           "population": None, "structure": None}

    dii = eurostat.digital_intensity(eurostat.read_sdmx_csv(mirror_dir() / "eurostat" / "isoc_e_dii.csv"))
    below = {}
    for size in EUROSTAT_CLASS.values():
        nl = eurostat.latest_dii_basic(dii, size_emp=size)
        nl = nl[nl["geo"] == "NL"].iloc[0]
        below[size] = 100 - float(nl["value"])
        out["eurostat_year"] = int(nl["year"])
    out["below_basic"] = below
    out["trend"] = autonomous_trend(dii)
    scope_now = eurostat.latest_dii_basic(dii, size_emp=SCOPE_SIZE_EMP)
    out["scope_now"] = scope_now[scope_now["geo"] == "NL"].iloc[0].to_dict()
    register = policies.load_policies()
    out["target_nl"], out["target_eu"] = dii_target(register, "NL"), dii_target(register, "EU")

    if not (mirror_dir() / SIZE_FILE).exists():
        lag_by_sector = counts * 0  # no size structure: the score then rests on specialisation and supply
    else:
        size_counts = mirror.load(SIZE_FILE)
        national, latest = national_establishments_latest()
        population = pop.estimate(counts, size_counts, national)
        intensity = load_sector_intensity()
        factors = sector_factors(intensity, size_counts)
        lag = size_lag(policies.load_cbs_size_class(), below, size_counts, scenarios)
        lagged = lagging(population, lag, factors)
        totals = lagged.groupby("scenario", sort=False)["achterblijvend"].sum()
        mkb = {s: float(population[POPULATION_BOUND.get(s, "mkb")].sum()) for s in scenarios}
        structure = (population.groupby(["sectorgroep", "grootte"], sort=False, as_index=False)["mkb"].sum()
                     .rename(columns={"mkb": "vestigingen"}))
        out.update(population=population, steps=pop.steps(population), structure=structure,
                   national_latest_year=latest, size_period=str(size_counts["periode"].iloc[0]),
                   intensity=intensity, factors=factors, lag_shares=lag, lagging=lagged,
                   mkb_total=float(population["mkb"].sum()), mkb_by_scenario=mkb,
                   lagging_total={s: float(totals[s]) for s in scenarios})
        trend_pp = float(out["trend"]["pp_per_jaar"].iloc[0]) if len(out["trend"]) else None
        scope = lagged[lagged["grootte"].isin(TARGET_SCOPE)].groupby("scenario", sort=False)
        out["pace"] = {}
        for s, part in scope:
            out["pace"][s] = (target_pace(float(part["vestigingen"].sum()), float(part["achterblijvend"].sum()),
                                          out["target_nl"].value, out["target_nl"].year, year,
                                          per_year, trend_pp) if out["target_nl"] else None)
        lag_by_sector = lagged[lagged["scenario"] == central].groupby("sectorgroep")["achterblijvend"].sum()
    out["score"] = sector_score(lag_by_sector, lq, out["targeted"], weights)
    out["sensitivity"] = sensitivity(lag_by_sector, lq, out["targeted"], weights)
    out["robustness"] = robustness(out["sensitivity"], settings.get("sector_score", "top_group", kind=int),
                                   settings.get("sector_score", "min_share", kind=float))
    out["priorities"] = robust_priorities(out["robustness"])
    return out


def analyse(region, year: int, weights: dict | None = None, per_year: int | None = None) -> dict:
    """Compatible wrapper of :func:`model` for the old callers (synthesis.py, notebooks 00/05/06).

    'priorities' is now the robust focus (may hold fewer than three sectors, or none); 'pace' is
    per scenario for firms of 10–249 persons (the scope of the 95 % target), with the old keys
    aandeel_per_jaar_pct, jaren_nodig and nodig_per_jaar.
    """
    from . import settings as settings_module

    base = settings_module.load()
    raw = dict(base.raw)
    if weights:
        raw["sector_score"] = {**raw["sector_score"], "weights": {**base.score_weights, **weights}}
    if per_year:
        raw["ambition"] = {**raw["ambition"], "per_year": int(per_year)}
    out = model(region, year, settings_module.Settings(raw, base.path))
    for scenario, p in (out.get("pace") or {}).items():
        if p:
            p["aandeel_per_jaar_pct"] = out["per_year"] / out["lagging_total"][scenario] * 100
            p["jaren_nodig"] = p["jaren"]
    return out
