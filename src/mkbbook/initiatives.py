"""The curated register of mkb-digitalisation initiatives and the benchmarks.

Two YAML registers in ``data/``:

* ``initiatives.yml``: regional, national and European initiatives that
  support mkb'ers in the province of Utrecht (plus citizens' initiatives,
  marked ``audience: burgers``);
* ``benchmarks.yml``: reach figures from outside the region, used only to
  compare with the "at least 250 mkb'ers per year" ambition.

Both are validated with :mod:`mkbbook.schema`. The analysis functions below
are pure: they take the DataFrame from :func:`load_initiatives` and never
fill in missing values. "onbekend" (unknown) is always counted separately.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import geography
from .errors import DataError
from .paths import DATA_DIR
from .schema import Field, load_register
from .sectors import SECTOR_GROUPS, label as sector_label

UNKNOWN = "onbekend"
ALL_SECTORS = "alle"
NATIONAL = "NL"

LEVELS = ("regionaal", "nationaal", "europees")
SIZE_CLASSES = ("zzp", "micro", "klein", "middelgroot")
SMALL_CLASSES = frozenset({"zzp", "micro", "klein"})
SECTOR_CHOICES = tuple(SECTOR_GROUPS) + (ALL_SECTORS,)
SUPPORT_TYPES = ("advies", "training", "studentenprojecten", "voucher_subsidie",
                 "financiering", "netwerk", "informatiepunt")
AUDIENCES = ("mkb", "burgers", "onbekend")  # onbekend: the source does not say for whom
FOCUSES = ("digitalisering", "breed")
STATUSES = ("lopend", "beeindigd", "gepland")
SCOPES = ("regionaal", "nationaal")
CERTAINTIES = ("bevestigd", "onzeker")
SOURCE_TYPES = ("primair", "secundair")  # primair: the organisation's own page or the official document
REACH_KINDS = ("per_jaar", "cumulatief")  # is reach_mkb a count for one year, or a total over reach_from..reach_to?
REACH_UNITS = ("geholpen_bedrijven", "betrokken_ondernemers", "deelnemers", "contacten")
BASES = ("bron", "afgeleid")
YEAR_RANGE = (1990, 2040)

# Allowed values per column, in display order (used by count_by).
CHOICES: dict[str, tuple] = {
    "level": LEVELS, "target_size_classes": SIZE_CLASSES, "target_sectors": SECTOR_CHOICES,
    "support_types": SUPPORT_TYPES, "audience": AUDIENCES, "focus": FOCUSES,
    "status": STATUSES, "reach_scope": SCOPES, "certainty": CERTAINTIES,
}


INITIATIVE_FIELDS: list[Field] = [
    Field("id", "str", True, help="a unique slug of lower-case letters, digits and '-'"),
    Field("name", "str", True, help="the name of the initiative"),
    Field("description", "str", True, help="1-3 sentences in Dutch, in your own words"),
    Field("organisations", "str_list", True, help="list the organisations behind it"),
    Field("level", "str", True, LEVELS),
    Field("area", "code_list", True, help="list of GMxxxx, PVxx codes, or NL for national"),
    Field("target_size_classes", "code_list", False, SIZE_CLASSES,
       "leave out when the source does not say"),
    Field("target_sectors", "code_list", False, SECTOR_CHOICES,
       "sector group codes or [alle]; leave out when the source does not say"),
    Field("support_types", "code_list", True, SUPPORT_TYPES),
    Field("audience", "str", True, AUDIENCES),
    Field("focus", "str", True, FOCUSES),
    Field("start_year", "int", help="a year such as 2021; leave out when unknown"),
    Field("end_year", "int", help="a year such as 2024; leave out when unknown"),
    Field("status", "str", False, STATUSES, "leave out when no source says"),
    Field("status_as_of", "int", help="the year of the newest source that states the status, e.g. 2023"),
    Field("reach_mkb", "int", help="number of mkb'ers reached, as the source states it"),
    Field("reach_period", "str", help="the period of reach_mkb, e.g. 2021–2023"),
    Field("reach_scope", "str", False, SCOPES),
    Field("reach_kind", "str", False, REACH_KINDS,
          "per_jaar if reach_mkb is a count for one year, cumulatief if it is a total over several years"),
    Field("reach_unit", "str", False, REACH_UNITS, "what the source counted"),
    Field("reach_from", "int", help="first year of the period of reach_mkb"),
    Field("reach_to", "int", help="last year of the period of reach_mkb (the year of the source if ongoing)"),
    Field("reach_note", "str"),
    Field("budget_eur", "float", help="a number in euro, without a euro sign or dots"),
    Field("budget_note", "str"),
    Field("sources", "url_list", True, help="list of https:// addresses of the sources"),
    Field("checked", "date", True, help="the date the sources were read, as YYYY-MM-DD"),
    Field("certainty", "str", True, CERTAINTIES),
    Field("source_type", "str", False, SOURCE_TYPES,
          "primair if the key facts rest on the organisation's own page or an official document, "
          "secundair if they rest on news, blogs, consultancy or encyclopaedia pages"),
    Field("note", "str"),
]

BENCHMARK_KINDS = ("resultaat", "doel", "budget")
BENCHMARK_SCOPES = ("regionaal", "landelijk")
BENCHMARK_UNITS = ("initiatief", "landelijk_totaal", "gemiddelde_per_hub")
BENCHMARK_COUNTED = ("mkb_geholpen", "bedrijven_mkb_en_midcaps", "contacten")
BOUNDS = ("exact", "ondergrens")

BENCHMARK_FIELDS: list[Field] = [
    Field("id", "str", True, help="a unique slug of lower-case letters, digits and '-'"),
    Field("name", "str", True),
    Field("figure", "str", True, help="the figure as the source gives it, in words"),
    Field("mkb_per_year", "float", help="mkb'ers per year; leave out when not comparable"),
    Field("basis", "str", False, BASES, "bron if the source states it, afgeleid if computed"),
    Field("period", "str"),
    Field("kind", "str", False, BENCHMARK_KINDS, "resultaat (measured), doel (a target) or budget"),
    Field("scope", "str", False, BENCHMARK_SCOPES, "regionaal if the figure is for one region, landelijk if for NL"),
    Field("per", "str", False, BENCHMARK_UNITS, "what one figure covers: one initiative, a national total, "
          "or an average per hub computed by us"),
    Field("counted", "str", False, BENCHMARK_COUNTED, "what was counted"),
    Field("bound", "str", False, BOUNDS, "ondergrens when the source says 'meer dan'"),
    Field("sources", "url_list", True, help="list of https:// addresses of the sources"),
    Field("checked", "date", True, help="the date the sources were read, as YYYY-MM-DD"),
    Field("certainty", "str", True, CERTAINTIES),
    Field("source_type", "str", False, SOURCE_TYPES),
    Field("note", "str"),
]

LIST_COLUMNS = [f.name for f in INITIATIVE_FIELDS if f.kind.endswith("_list")]
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# ---------------------------------------------------------------- checks

def _check_common(path, rid, record):
    if not _SLUG.match(rid):
        raise DataError(path, f"id {rid!r} is not a slug", record=rid, field="id",
                        fix="use lower-case letters, digits and '-' only")
    for url in record.get("sources") or []:
        if not str(url).startswith("https://"):
            raise DataError(path, f"{url!r} does not start with https://", record=rid,
                            field="sources", fix="use the https:// address of the source")


def _check_years(path, rid, record):
    low, high = YEAR_RANGE
    for name in ("start_year", "end_year", "status_as_of", "reach_from", "reach_to"):
        year = record.get(name)
        if year is not None and not low <= year <= high:
            raise DataError(path, f"year {year} is outside {low}-{high}", record=rid,
                            field=name, fix="give the year with four digits")
    start, end = record.get("start_year"), record.get("end_year")
    if start is not None and end is not None and end < start:
        raise DataError(path, f"end_year {end} is before start_year {start}", record=rid,
                        field="end_year", fix="swap the years or correct one of them")
    first, last = record.get("reach_from"), record.get("reach_to")
    if first is not None and last is not None and last < first:
        raise DataError(path, f"reach_to {last} is before reach_from {first}", record=rid,
                        field="reach_to", fix="swap the years or correct one of them")
    if record.get("status") and record.get("status_as_of") is None:
        raise DataError(path, "status is given without status_as_of", record=rid, field="status_as_of",
                        fix="add the year of the newest source that states the status")


def _check_numbers(path, rid, record):
    for name in ("reach_mkb", "budget_eur", "mkb_per_year"):
        value = record.get(name)
        if value is not None and value < 0:
            raise DataError(path, f"{value} is negative", record=rid, field=name,
                            fix="give a number of 0 or more")
    if record.get("reach_mkb") is not None:
        for name in ("reach_period", "reach_scope", "reach_kind", "reach_unit"):
            if not record.get(name):
                raise DataError(path, "reach_mkb is given without " + name, record=rid,
                                field=name, fix=f"add {name} or move the number to reach_note")
    sectors = record.get("target_sectors") or []
    if ALL_SECTORS in sectors and len(sectors) > 1:
        raise DataError(path, "'alle' is combined with other sectors", record=rid,
                        field="target_sectors", fix="use [alle] alone or list the sectors")


def _area_check(valid_codes: frozenset):
    def check(path, rid, record):
        area = record.get("area") or []
        for code in area:
            if code not in valid_codes:
                raise DataError(path, f"unknown area code {code!r}", record=rid, field="area",
                                fix="use a 2025 municipality code (GMxxxx), a province "
                                    "code (PVxx) or NL")
        national = NATIONAL in area
        if national and len(area) > 1:
            raise DataError(path, "NL is combined with other area codes", record=rid,
                            field="area", fix="use [NL] alone for a national initiative")
        if national != (record.get("level") in ("nationaal", "europees")):
            raise DataError(path, "level and area do not match", record=rid, field="area",
                            fix="use area [NL] for level nationaal or europees, "
                                "and municipality or province codes for regionaal")
    return check


def _check_benchmark(path, rid, record):
    if record.get("mkb_per_year") is not None and not record.get("basis"):
        raise DataError(path, "mkb_per_year is given without basis", record=rid,
                        field="basis", fix="add basis: bron or basis: afgeleid")
    if record.get("mkb_per_year") is not None:
        for name in ("kind", "scope", "per", "counted", "bound"):
            if not record.get(name):
                raise DataError(path, "mkb_per_year is given without " + name, record=rid, field=name,
                                fix="say what the figure is, so that only comparable figures are compared")


def default_area_codes() -> frozenset[str]:
    """All valid area codes: 2025 municipalities, provinces and NL."""
    return geography.municipality_codes() | geography.province_codes() | {NATIONAL}


# ---------------------------------------------------------------- loading

def _frame(records: list[dict], fields: list[Field]) -> pd.DataFrame:
    """Records to a DataFrame with one column per field; missing stays missing."""
    rows = [{f.name: r.get(f.name) for f in fields} for r in records]
    df = pd.DataFrame(rows, columns=[f.name for f in fields])
    for f in fields:
        if f.kind == "int":
            df[f.name] = df[f.name].astype("Int64")
        elif f.kind == "float":
            df[f.name] = df[f.name].astype("Float64")
        elif f.kind == "date":
            df[f.name] = pd.to_datetime(df[f.name].astype(str))
        elif f.kind.endswith("_list"):
            df[f.name] = pd.Series([r.get(f.name) for r in records], dtype=object)
    return df


def load_initiatives(path=DATA_DIR / "initiatives.yml", valid_codes=None) -> pd.DataFrame:
    """Read and validate the initiatives register; one row per initiative.

    valid_codes: the allowed area codes (default: 2025 municipality and
    province codes plus NL). List columns hold Python lists; missing values
    are None / <NA>. Raises DataError on the first problem.
    """
    codes = frozenset(valid_codes) if valid_codes is not None else default_area_codes()
    checks = [_check_common, _check_years, _check_numbers, _area_check(codes)]
    records = load_register(Path(path), INITIATIVE_FIELDS, checks=checks)
    return _frame(records, INITIATIVE_FIELDS)


def load_benchmarks(path=DATA_DIR / "benchmarks.yml") -> pd.DataFrame:
    """Read and validate the benchmarks register; one row per benchmark."""
    checks = [_check_common, _check_numbers, _check_benchmark]
    return _frame(load_register(Path(path), BENCHMARK_FIELDS, checks=checks), BENCHMARK_FIELDS)


# ---------------------------------------------------------------- analysis

def _is_missing(value) -> bool:
    return value is None or (not isinstance(value, list) and pd.isna(value))


def _covers(area: list, municipality: str, province_of: dict[str, str]) -> bool:
    return municipality in area or province_of.get(municipality) in area


def reaching_region(df: pd.DataFrame, region_codes: set[str],
                    province_of: dict[str, str]) -> pd.DataFrame:
    """The initiatives that reach a region given as a set of municipality codes.

    National and European initiatives (area [NL]) always reach it; regional
    ones when their area names one of the region's municipalities or the
    province of one of them. province_of maps municipality code to province code.
    """
    missing = sorted(set(region_codes) - set(province_of))
    if missing:
        raise ValueError(f"no province known for {', '.join(missing)}")

    def reaches(area):
        return NATIONAL in area or any(_covers(area, m, province_of) for m in region_codes)

    return df[df["area"].map(reaches)].reset_index(drop=True)


def count_by(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Number of initiatives per value of a column, with a final row "onbekend".

    List columns are exploded (an initiative counts once for each value it
    lists). For columns with fixed choices every allowed value is listed in
    declared order, also with 0; other columns are sorted by count. The
    "onbekend" row counts initiatives where the field is missing.
    Columns: <column>, initiatives.
    """
    values = df[column]
    unknown = int(values.map(_is_missing).astype(bool).sum())  # astype: an empty selection sums to ""
    known = values[~values.map(_is_missing).astype(bool)]
    if column in LIST_COLUMNS:
        known = known.map(lambda items: list(dict.fromkeys(items))).explode()
    counts = known.value_counts()
    if column in CHOICES:
        counts = counts.reindex(list(CHOICES[column]), fill_value=0)
    else:
        counts = counts.rename_axis("value").reset_index().sort_values(
            ["count", "value"], ascending=[False, True]).set_index("value")["count"]
    out = pd.DataFrame({column: [str(v) for v in counts.index], "initiatives": counts.to_numpy()})
    out.loc[len(out)] = [UNKNOWN, unknown]
    return out.astype({"initiatives": int})


def start_years(df: pd.DataFrame) -> pd.DataFrame:
    """Initiatives per start year and status (long format).

    Columns: start_year (Int64; <NA> = unknown start year, sorted last),
    status (missing status shown as "onbekend"), initiatives.
    """
    status = df["status"].map(lambda s: UNKNOWN if _is_missing(s) else s)
    table = (pd.DataFrame({"start_year": df["start_year"].astype("Int64"), "status": status})
             .value_counts(dropna=False).rename("initiatives").reset_index())
    order = {s: i for i, s in enumerate(STATUSES + (UNKNOWN,))}
    table = table.assign(_order=table["status"].map(order))
    table = table.sort_values(["start_year", "_order"], na_position="last").drop(columns="_order")
    table["start_year"] = table["start_year"].astype("Int64")
    return table.reset_index(drop=True).astype({"initiatives": int})


def reach_summary(df: pd.DataFrame, establishments: int) -> dict:
    """Summary of the reported reach (reach_mkb).

    establishments: number of establishments in the region (the denominator
    for the regional share). Returns n_initiatives, n_known_reach,
    share_unknown_reach, known_reach_regional, known_reach_national and
    regional_share_of_establishments (known regional reach / establishments).
    """
    if establishments <= 0:
        raise ValueError("establishments must be positive")
    known = df[df["reach_mkb"].notna()]
    n = len(df)
    regional = int(known.loc[known["reach_scope"] == "regionaal", "reach_mkb"].sum())
    national = int(known.loc[known["reach_scope"] == "nationaal", "reach_mkb"].sum())
    return {
        "n_initiatives": n,
        "n_known_reach": len(known),
        "share_unknown_reach": (n - len(known)) / n if n else None,
        "known_reach_regional": regional,
        "known_reach_national": national,
        "regional_share_of_establishments": regional / establishments,
    }


def coverage_by_municipality(df: pd.DataFrame, region_codes: Iterable[str],
                             province_of: dict[str, str]) -> pd.DataFrame:
    """Per municipality of the region, the number of regional initiatives covering it.

    Only level "regionaal" counts. An initiative covers a municipality when its
    area names the municipality or its province. Columns: gemeentecode,
    initiatives, named_explicitly (initiatives that name the municipality itself).
    """
    regional = df.loc[df["level"] == "regionaal", "area"]
    rows = []
    for code in sorted(region_codes):
        if code not in province_of:
            raise ValueError(f"no province known for {code}")
        rows.append({
            "gemeentecode": code,
            "initiatives": int(sum(_covers(a, code, province_of) for a in regional)),
            "named_explicitly": int(sum(code in a for a in regional)),
        })
    return pd.DataFrame(rows, columns=["gemeentecode", "initiatives", "named_explicitly"])


def sector_focus(df: pd.DataFrame) -> pd.DataFrame:
    """Per sector group, the number of initiatives that explicitly target it.

    "alle" (all sectors) and "onbekend" (not stated) are separate rows.
    Columns: sector_group, label, initiatives.
    """
    counts = count_by(df, "target_sectors")
    labels = {**{g: sector_label(g) for g in SECTOR_GROUPS},
              ALL_SECTORS: "Alle sectoren", UNKNOWN: "Onbekend"}
    return pd.DataFrame({
        "sector_group": counts["target_sectors"],
        "label": counts["target_sectors"].map(labels),
        "initiatives": counts["initiatives"],
    })


def findings(df: pd.DataFrame) -> dict:
    """Key figures for the chapter text; shares are of all initiatives in df.

    share_sector_focus: target_sectors known and not [alle];
    share_micro_small: target_size_classes includes zzp, micro or klein
    (unknown counts as "no"); plus n_known_reach, n_mkb / n_burgers and
    n_digital / n_broad.
    """
    n = len(df)

    def share(mask):
        return int(mask.sum()) / n if n else None

    sectors = df["target_sectors"].map(lambda s: not _is_missing(s) and s != [ALL_SECTORS])
    small = df["target_size_classes"].map(
        lambda s: not _is_missing(s) and bool(SMALL_CLASSES & set(s)))
    return {
        "n_initiatives": n,
        "share_sector_focus": share(sectors),
        "share_micro_small": share(small),
        "n_known_reach": int(df["reach_mkb"].notna().sum()),
        "n_mkb": int((df["audience"] == "mkb").sum()),
        "n_burgers": int((df["audience"] == "burgers").sum()),
        "n_digital": int((df["focus"] == "digitalisering").sum()),
        "n_broad": int((df["focus"] == "breed").sum()),
    }


# ---------------------------------------------------------------- chapter tables

# Recommendation 2 of the 2022–2024 study for the province: help at least 250 mkb'ers a year.
AMBITION_PER_YEAR = 250
AMBITION_SOURCE = "https://www.birch.nl/cases/digitaliseringstransitie-mkb-regio-utrecht/"

# Levels shown side by side: the region's own offer against what is open to every Dutch firm.
LEVEL_GROUPS: dict[str, tuple] = {"regionaal": ("regionaal",), "nationaal of Europees": ("nationaal", "europees")}

# Working persons per size class (as in the guide book/appendix/initiatief-toevoegen.md).
SIZE_RANGES = {"zzp": "1", "micro": "2–9", "klein": "10–49", "middelgroot": "50–249"}

# Dutch display labels per column (values not listed are shown as they are).
LABELS: dict[str, dict[str, str]] = {
    "level": {"regionaal": "regionaal", "nationaal": "nationaal", "europees": "Europees"},
    "support_types": {"studentenprojecten": "projecten met studenten", "voucher_subsidie": "voucher of subsidie"},
    "target_size_classes": {"zzp": "zzp (1 persoon)", **{c: f"{c} ({SIZE_RANGES[c]})" for c in SIZE_CLASSES[1:]}},
    "target_sectors": {**{g: name.lower() for g, name in SECTOR_GROUPS.items()}, ALL_SECTORS: "alle sectoren"},
    "status": {"beeindigd": "beëindigd"},
    "reach_scope": {"regionaal": "eigen werkgebied", "nationaal": "heel Nederland"},
}
REACH_KNOWN_REGIONAL = "bekend, getal voor het werkgebied"
REACH_KNOWN_NATIONAL = "bekend, getal voor heel Nederland"
REACH_UNKNOWN = "onbekend"


def label(column: str, value) -> str:
    """The Dutch label of a register value; a missing value is "onbekend"."""
    if _is_missing(value) or value == UNKNOWN:
        return UNKNOWN
    return LABELS.get(column, {}).get(value, str(value))


def _joined(column: str, items, sep: str = ", ", labels: bool = True) -> str:
    if _is_missing(items):
        return UNKNOWN
    return sep.join(label(column, v) if labels else str(v) for v in dict.fromkeys(items))


def overview(df: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative with Dutch labels, for the chapter's overview table and its CSV.

    Sorted by level (regionaal, nationaal, europees), then by name. List fields
    are joined with ", " (sectors with "; ", as their labels contain commas;
    size classes by their short names zzp, micro, klein, middelgroot);
    missing fields read "onbekend". reach_mkb stays a number (<NA> = unknown).
    short_name is the name without its explanation in brackets ("ROM Utrecht Region").
    Columns: id, name, short_name, url (first source), sources (all, space-separated),
    organisations, level, support_types, target_size_classes, target_sectors,
    status, start_year, end_year, reach_mkb, reach_period, reach_scope,
    audience, focus, certainty.
    """
    order = {level: i for i, level in enumerate(LEVELS)}
    ordered = df.assign(_level=df["level"].map(order), _name=df["name"].str.lower()).sort_values(
        ["_level", "_name"], kind="stable")
    out = pd.DataFrame({
        "id": ordered["id"],
        "name": ordered["name"],
        "short_name": ordered["name"].str.split(" (", n=1, regex=False).str[0],
        "url": ordered["sources"].map(lambda s: s[0]),
        "sources": ordered["sources"].map(" ".join),
        "organisations": ordered["organisations"].map(lambda s: _joined("organisations", s)),
        "level": ordered["level"].map(lambda v: label("level", v)),
        "support_types": ordered["support_types"].map(lambda s: _joined("support_types", s)),
        "target_size_classes": ordered["target_size_classes"].map(
            lambda s: _joined("target_size_classes", s, labels=False)),
        "target_sectors": ordered["target_sectors"].map(lambda s: _joined("target_sectors", s, "; ")),
        "status": ordered["status"].map(lambda v: label("status", v)),
        "start_year": ordered["start_year"].astype("Int64"),
        "end_year": ordered["end_year"].astype("Int64"),
        "reach_mkb": ordered["reach_mkb"].astype("Int64"),
        "reach_period": ordered["reach_period"].map(lambda v: label("reach_period", v)),
        "reach_scope": ordered["reach_scope"].map(lambda v: label("reach_scope", v)),
        "audience": ordered["audience"].map(lambda v: label("audience", v)),
        "focus": ordered["focus"].map(lambda v: label("focus", v)),
        "certainty": ordered["certainty"].map(lambda v: label("certainty", v)),
    })
    return out.reset_index(drop=True)


def count_by_level_group(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """count_by for the regional initiatives and for the national/European ones, side by side.

    Long format in the order of count_by, each value once per level group
    (see LEVEL_GROUPS), zeros included. Columns: <column>, label, level_group,
    initiatives.
    """
    parts = []
    for group, levels in LEVEL_GROUPS.items():
        counts = count_by(df[df["level"].isin(levels)], column)
        parts.append(counts.assign(level_group=group, _group=len(parts)).reset_index(names="_value"))
    out = pd.concat(parts, ignore_index=True).sort_values(["_value", "_group"], kind="stable")
    out["label"] = out[column].map(lambda v: label(column, v))
    return out[[column, "label", "level_group", "initiatives"]].reset_index(drop=True)


def within_region(df: pd.DataFrame, region_codes: Iterable[str], province_of: dict[str, str]) -> pd.Series:
    """Per initiative, whether its whole area lies inside a region given as municipality codes.

    An area code lies inside when it is one of the region's municipalities, or a
    province all of whose municipalities (per province_of, the full mapping of
    municipality to province) belong to the region. National and European
    initiatives (area [NL]) never lie inside a region. A reach number of an
    initiative whose area is larger than the region cannot be set against the
    region's establishments. Returns a boolean Series aligned with df.
    """
    codes = set(region_codes)
    members: dict[str, set] = {}
    for municipality, province in province_of.items():
        members.setdefault(province, set()).add(municipality)

    def inside(area) -> bool:
        return bool(area) and all(c in codes or (c in members and members[c] <= codes) for c in area)

    return df["area"].map(inside).astype(bool)


def reach_status(df: pd.DataFrame) -> pd.DataFrame:
    """Number of initiatives whose reach is known (split by the scope of the number) or unknown.

    Columns: reach_status, initiatives; always three rows, zeros included.
    """
    known = df["reach_mkb"].notna()
    return pd.DataFrame({
        "reach_status": [REACH_KNOWN_REGIONAL, REACH_KNOWN_NATIONAL, REACH_UNKNOWN],
        "initiatives": [int((known & (df["reach_scope"] == "regionaal")).sum()),
                        int((known & (df["reach_scope"] == "nationaal")).sum()),
                        int((~known).sum())],
    })


def sector_gaps(focus: pd.DataFrame, shares: pd.DataFrame, lq_region: pd.DataFrame, *,
                large_share_pct: float = 10.0, specialised_lq: float = 1.1) -> pd.DataFrame:
    """The region's sector structure set against the initiatives that target each sector.

    focus: sector_focus() output (its "alle" and "onbekend" rows are not about
    one sector and are left out here); shares: sectorgroep, regio_pct,
    nederland_pct (business.profile().shares); lq_region: sectorgroep,
    vestigingen, lq for the region as a whole (one row per sector group).

    A sector is *large* when its share of the region's establishments is at
    least large_share_pct, *specialised* when its location quotient is at
    least specialised_lq, and a *gap* when it is large or specialised and no
    initiative names it. Columns: sector_group, label, establishments,
    share_pct, share_nl_pct, lq, initiatives, large, specialised, gap; one row
    per sector group in SECTOR_GROUPS order.
    """
    groups = list(SECTOR_GROUPS)
    if lq_region["sectorgroep"].duplicated().any():
        raise ValueError("lq_region must have one row per sector group (pass the region as a whole)")
    for name, table, col in (("focus", focus, "sector_group"), ("shares", shares, "sectorgroep"),
                             ("lq_region", lq_region, "sectorgroep")):
        missing = [g for g in groups if g not in set(table[col])]
        if missing:
            raise ValueError(f"{name} has no row for sector group(s) {', '.join(missing)}")
    targeted = focus.set_index("sector_group")["initiatives"]
    share = shares.set_index("sectorgroep")
    lq = lq_region.set_index("sectorgroep")
    out = pd.DataFrame({
        "sector_group": groups,
        "label": [SECTOR_GROUPS[g] for g in groups],
        "establishments": [lq.loc[g, "vestigingen"] for g in groups],
        "share_pct": [float(share.loc[g, "regio_pct"]) for g in groups],
        "share_nl_pct": [float(share.loc[g, "nederland_pct"]) for g in groups],
        "lq": [float(lq.loc[g, "lq"]) for g in groups],
        "initiatives": [int(targeted[g]) for g in groups],
    })
    out["large"] = out["share_pct"] >= large_share_pct
    out["specialised"] = out["lq"] >= specialised_lq
    out["gap"] = (out["large"] | out["specialised"]) & (out["initiatives"] == 0)
    return out


def benchmark_comparison(bench: pd.DataFrame, ambition: float = AMBITION_PER_YEAR) -> pd.DataFrame:
    """The benchmarks with a figure per year, set against the ambition (mkb'ers per year).

    Benchmarks without mkb_per_year are left out (they have no comparable
    figure). basis says whether the figure per year is from the source (bron)
    or computed by us (afgeleid). Columns: id, name, mkb_per_year, basis,
    period, certainty, pct_of_ambition.
    """
    if ambition <= 0:
        raise ValueError("ambition must be positive")
    rows = bench[bench["mkb_per_year"].notna()]
    out = pd.DataFrame({
        "id": rows["id"], "name": rows["name"], "mkb_per_year": rows["mkb_per_year"].astype(float),
        "basis": rows["basis"], "period": rows["period"].map(lambda v: label("period", v)),
        "certainty": rows["certainty"],
    }).reset_index(drop=True)
    out["pct_of_ambition"] = out["mkb_per_year"] / ambition * 100
    return out


# ---------------------------------------------------------------- supply as of the edition year

STATUS_UNKNOWN = UNKNOWN
STATUS_LABELS = {"lopend": "lopend", "beeindigd": "beëindigd", "gepland": "gepland of nog niet gestart",
                 STATUS_UNKNOWN: "onbekend"}


def _year(value) -> int | None:
    return None if _is_missing(value) else int(value)


def status_in_year(register: pd.DataFrame, year: int, max_age_years: int = 1) -> pd.DataFrame:
    """Each initiative's status in an edition year, derived from start_year, end_year, status and status_as_of.

    The rules, in this order (the first that applies decides):

    1. end_year before the year: *beeindigd* (the term ended).
    2. status *gepland*: *gepland* (a start_year is then only the planned start).
    3. start_year after the year: *gepland* (not yet started in that year).
    4. start_year equal to the year, or the year within start_year..end_year: *lopend* (by its term).
    5. a status from a source (status_as_of = the year of that source):
       *beeindigd* counts from status_as_of on (before it: *onbekend*, the end date is not known);
       *lopend* counts from status_as_of on, and before it only when start_year is known.
    6. otherwise *onbekend*: nothing is assumed.

    A status is *verouderd* (stale) when it rests on a source more than max_age_years calendar years
    older than the edition year (status_as_of < year - max_age_years; with 1: at most year - 2), for
    every status except an end that lies in the past (rule 1) or a start in the year itself (rule 4).
    A running term (rule 4) without status_as_of is stale too: the term is a plan, not a confirmation.
    The edition year is the year of the book's data (settings: initiatives.status_max_age_years).

    Returns one row per initiative, aligned with register: id, status_year (lopend, beeindigd,
    gepland, onbekend), status_basis (looptijd, startjaar, bron, geen gegevens), status_as_of (Int64),
    stale (bool).
    """
    rows = []
    for r in register.itertuples():
        start, end, as_of = _year(r.start_year), _year(r.end_year), _year(getattr(r, "status_as_of", None))
        status = None if _is_missing(r.status) else r.status
        stale_source = as_of is not None and as_of < year - max_age_years
        if end is not None and end < year:
            result = ("beeindigd", "looptijd", False)
        elif status == "gepland":
            result = ("gepland", "bron", stale_source)
        elif start is not None and start > year:
            result = ("gepland", "startjaar", False)
        elif start == year:
            result = ("lopend", "startjaar", False)
        elif start is not None and end is not None and start <= year <= end:
            result = ("lopend", "looptijd", stale_source or as_of is None)
        elif status == "beeindigd" and as_of is not None:
            result = ("beeindigd", "bron", False) if year >= as_of else (STATUS_UNKNOWN, "bron", False)
        elif status == "lopend" and as_of is not None and (year >= as_of or start is not None):
            result = ("lopend", "bron", stale_source)
        else:
            result = (STATUS_UNKNOWN, "geen gegevens", False)
        rows.append({"id": r.id, "status_year": result[0], "status_basis": result[1],
                     "status_as_of": as_of, "stale": result[2]})
    out = pd.DataFrame(rows, columns=["id", "status_year", "status_basis", "status_as_of", "stale"])
    out["status_as_of"] = out["status_as_of"].astype("Int64")
    out["stale"] = out["stale"].astype(bool)
    return out


# The sets of the supply, in display order. Every initiative is in exactly one (see supply_sets).
SUPPLY_SETS: dict[str, str] = {
    "hulp_nu": "lopende hulp bij digitalisering voor het mkb",
    "ander_thema": "lopend, voor het mkb, met een ander hoofdthema",
    "onbekend": "status of doelgroep onbekend",
    "gepland": "gepland of nog niet gestart",
    "beeindigd": "beëindigd",
    "burgers": "voor burgers",
}


def supply_sets(register: pd.DataFrame, year: int, max_age_years: int = 1) -> pd.DataFrame:
    """The register with its status in the edition year and the one supply set each initiative is in.

    Order of the rules: audience *burgers* -> "burgers"; status in the year beeindigd -> "beeindigd";
    gepland -> "gepland"; status or audience unknown -> "onbekend"; running for mkb with main theme
    (focus) not digitalisation -> "ander_thema"; running, for mkb, main theme digitalisation ->
    "hulp_nu" (the current mkb digitalisation help that the book counts everywhere).
    Adds the columns of status_in_year and supply_set (a key of SUPPLY_SETS).
    """
    status = status_in_year(register, year, max_age_years)
    out = register.reset_index(drop=True).copy()
    for col in ("status_year", "status_basis", "status_as_of", "stale"):
        out[col] = status[col].to_numpy()
    out["status_as_of"] = out["status_as_of"].astype("Int64")

    def which(r) -> str:
        if r["audience"] == "burgers":
            return "burgers"
        if r["status_year"] in ("beeindigd", "gepland"):
            return r["status_year"]
        if r["status_year"] == STATUS_UNKNOWN or r["audience"] != "mkb":
            return "onbekend"
        return "hulp_nu" if r["focus"] == "digitalisering" else "ander_thema"

    out["supply_set"] = out.apply(which, axis=1) if len(out) else pd.Series(dtype=object)
    return out


def status_text(row) -> str:
    """Dutch status of a supply_sets row for a table: 'lopend', or 'gepland (bron uit 2022, verouderd)'."""
    text = STATUS_LABELS[row["status_year"]]
    if row["stale"]:
        as_of = row["status_as_of"]
        text += f" (laatst bevestigd in {int(as_of)})" if not _is_missing(as_of) else " (niet bevestigd)"
    return text


REACH_UNIT_LABELS = {"geholpen_bedrijven": "geholpen bedrijven", "betrokken_ondernemers": "betrokken ondernemers",
                     "deelnemers": "deelnemers", "contacten": "contacten met ondernemers"}


def reach_per_year(register: pd.DataFrame) -> pd.Series:
    """Reach per year where the register says the figure is for one year (reach_kind per_jaar), else <NA>.

    A cumulative figure is never divided into years: how it is spread over the years is not known.
    """
    values = [r if (not _is_missing(r) and k == "per_jaar") else pd.NA
              for r, k in zip(register["reach_mkb"], register["reach_kind"])]
    return pd.Series(pd.array(values, dtype="Int64"), index=register.index)


def reach_text(row) -> str:
    """A reach figure in words with what it is: '200 betrokken ondernemers, opgeteld over 2021–2023'."""
    if _is_missing(row["reach_mkb"]):
        return UNKNOWN
    from .dutch import fmt_int

    what = REACH_UNIT_LABELS.get(row.get("reach_unit"), "mkb'ers")
    first, last = _year(row.get("reach_from")), _year(row.get("reach_to"))
    period = (f"{first}–{last}" if first is not None and last is not None and first != last
              else str(first or last) if (first or last) else str(row.get("reach_period") or UNKNOWN))
    kind = "in" if row.get("reach_kind") == "per_jaar" else "opgeteld over"
    return f"{fmt_int(row['reach_mkb'])} {what}, {kind} {period}"


def compare_benchmarks(bench: pd.DataFrame) -> pd.DataFrame:
    """Which benchmarks can be set against a yearly ambition for one region, and why the others cannot.

    Comparable: a measured result (kind resultaat) for one initiative in one region (scope regionaal,
    per initiatief), counting mkb'ers helped (counted mkb_geholpen), given per year by the source
    (basis bron). Columns: id, name, figure, mkb_per_year (Float64), bound, comparable (bool), reason
    (Dutch, empty when comparable), plus the typing columns kind, scope, per, counted, basis, period,
    certainty.
    """
    reasons = []
    for r in bench.itertuples():
        why = []
        if _is_missing(r.mkb_per_year):
            why.append("geen cijfer per jaar")
        else:
            if r.kind != "resultaat":
                why.append("een doel, geen gemeten resultaat" if r.kind == "doel" else "geen bereik")
            if r.scope != "regionaal" or r.per != "initiatief":
                why.append("landelijk totaal" if r.per == "landelijk_totaal" else
                           "gemiddelde per hub, door ons berekend" if r.per == "gemiddelde_per_hub" else
                           "geen cijfer voor één regio")
            if r.counted != "mkb_geholpen":
                why.append("telt ook grotere bedrijven" if r.counted == "bedrijven_mkb_en_midcaps" else
                           "telt contacten, geen geholpen bedrijven")
            if r.basis != "bron":
                why.append("het cijfer per jaar is door ons afgeleid")
        reasons.append("; ".join(why))
    out = bench[["id", "name", "figure", "mkb_per_year", "basis", "kind", "scope", "per", "counted", "bound",
                 "period", "certainty"]].copy().reset_index(drop=True)
    out["mkb_per_year"] = out["mkb_per_year"].astype("Float64")
    out["reason"] = reasons
    out["comparable"] = out["reason"] == ""
    return out


# ---------------------------------------------------------------- organisations

ORGANISATION_KINDS = ("overheid", "uitvoeringsorganisatie", "kennisinstelling", "netwerk",
                      "ontwikkelingsmaatschappij", "brancheorganisatie")
# Names that are categories, not organisations: the list names who is involved.
CATEGORY_NAMES = frozenset({"bedrijven", "gemeenten", "provincies", "onderwijsinstellingen", "intermediairs",
                            "regionale overheden", "rom's", "ministeries", "kennisinstellingen", "scholen",
                            "ondernemers", "overheden", "partners"})

ORGANISATION_FIELDS: list[Field] = [
    Field("id", "str", True, help="a unique slug of lower-case letters, digits and '-'"),
    Field("name", "str", True, help="the organisation's current name (not a category such as 'gemeenten')"),
    Field("kind", "str", True, ORGANISATION_KINDS),
    Field("level", "str", True, LEVELS, "where the organisation works: regionaal, nationaal or europees"),
    Field("role", "str", True, help="in one sentence, in Dutch: what it does for mkb digitalisation"),
    Field("initiatives", "code_list", True, help="ids of the initiatives in data/initiatives.yml it takes part in"),
    Field("sources", "url_list", True, help="https:// addresses that name the organisation in this role"),
    Field("source_type", "str", True, SOURCE_TYPES),
    Field("checked", "date", True, help="the date the sources were read, as YYYY-MM-DD"),
    Field("note", "str"),
]


def _name_key(name: str) -> str:
    return " ".join(str(name).lower().split())


def load_organisations(path=DATA_DIR / "organisations.yml", initiative_ids=None) -> pd.DataFrame:
    """Read and validate the register of organisations involved (data/organisations.yml).

    Refused, with the file, record and field named: categories instead of names ('bedrijven'),
    the same name twice, and initiative ids that are not in data/initiatives.yml
    (initiative_ids: the known ids; default: those of load_initiatives()).
    """
    path = Path(path)
    ids = set(load_initiatives()["id"]) if initiative_ids is None else set(initiative_ids)
    seen: dict[str, str] = {}

    def check(p, rid, record):
        _check_common(p, rid, record)
        key = _name_key(record.get("name", ""))
        if key in CATEGORY_NAMES:
            raise DataError(p, f"{record['name']!r} is a category, not an organisation", record=rid,
                            field="name", fix="name the organisations themselves, or leave the category out")
        if key in seen:
            raise DataError(p, f"the name {record['name']!r} is also used by {seen[key]!r}", record=rid,
                            field="name", fix="merge the two records into one")
        seen[key] = rid
        for iid in record.get("initiatives") or []:
            if iid not in ids:
                raise DataError(p, f"unknown initiative {iid!r}", record=rid, field="initiatives",
                                fix="use the id of an initiative in data/initiatives.yml")

    return _frame(load_register(path, ORGANISATION_FIELDS, checks=[check]), ORGANISATION_FIELDS)


def organisations_involved(orgs: pd.DataFrame, initiative_ids) -> pd.DataFrame:
    """The organisations that take part in at least one of the given initiatives, sorted by level and name.

    Adds n_initiatives (how many of the given initiatives) and initiative_ids (those, sorted).
    """
    wanted = set(initiative_ids)
    hits = orgs["initiatives"].map(lambda ids: sorted(wanted & set(ids)))
    out = orgs[hits.map(bool)].copy()
    out["initiative_ids"] = hits[hits.map(bool)]
    out["n_initiatives"] = out["initiative_ids"].map(len).astype(int)
    order = {level: i for i, level in enumerate(LEVELS)}
    out = out.assign(_l=out["level"].map(order), _n=out["name"].str.lower()).sort_values(["_l", "_n"])
    return out.drop(columns=["_l", "_n"]).reset_index(drop=True)


def audience_coverage(path=None) -> dict[str, str]:
    """How systematically each audience was searched (data/coverage.yml, initiatives.audiences)."""
    import yaml

    from .coverage import COVERAGE_FILE

    path = Path(path or COVERAGE_FILE)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    audiences = (raw.get("initiatives") or {}).get("audiences")
    if not isinstance(audiences, dict) or not {"mkb", "burgers"} <= set(audiences):
        raise DataError(path, "initiatives.audiences must say for mkb and burgers how they were searched",
                        record="initiatives", field="audiences", fix="restore data/coverage.yml from git")
    return {k: str(v) for k, v in audiences.items()}
