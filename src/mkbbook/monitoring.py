"""Yearly monitoring of the running initiatives (recommendation 3 of the study).

One YAML register, ``data/monitoring.yml``: one record per initiative and
year with the number of mkb'ers helped that year and, where the initiative
knows it, the split of that number by size class, sector group and
municipality. The register is validated with :mod:`mkbbook.schema`; every
initiative id must exist in ``data/initiatives.yml``.

The indicator functions below are pure: they take the DataFrame from
:func:`load_monitoring` and never fill in missing values. The part of
``helped`` that a split does not cover counts as "onbekend" (unknown).
Percentages are in % units (12.5 means 12.5%); a share without a
denominator is None.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from .errors import DataError
from .initiatives import SIZE_CLASSES, SMALL_CLASSES, SUPPORT_TYPES, YEAR_RANGE
from .paths import DATA_DIR
from .schema import Field, load_register
from .sectors import SECTOR_GROUPS

MONITORING_FILE = DATA_DIR / "monitoring.yml"
UNKNOWN = "onbekend"
SIZE_KEYS = SIZE_CLASSES + (UNKNOWN,)
SECTOR_KEYS = tuple(SECTOR_GROUPS) + (UNKNOWN,)
SPLITS = ("by_size_class", "by_sector", "by_municipality")
# The fields whose completeness is measured, in display order.
OPTIONAL_DETAILS = SPLITS + ("support_type",)


MONITORING_FIELDS: list[Field] = [
    Field("id", "str", True, help="a unique slug such as 'mkb-werkplaats-utrecht-2025'"),
    Field("initiative", "str", True, help="the id of the initiative in data/initiatives.yml"),
    Field("year", "int", True, help="the calendar year the numbers are about, e.g. 2025"),
    Field("helped", "int", True, help="the number of mkb'ers helped in that year (0 or more)"),
    Field("by_size_class", "count_map", False, SIZE_KEYS,
       "mkb'ers helped per size class, e.g. {zzp: 10, micro: 25}; leave out when unknown"),
    Field("by_sector", "count_map", False, SECTOR_KEYS,
       "mkb'ers helped per sector group, e.g. {F: 12, G-I: 30}; leave out when unknown"),
    Field("by_municipality", "count_map", False,
       help="mkb'ers helped per 2025 municipality code, e.g. {GM0344: 40}; leave out when unknown"),
    Field("support_type", "code_list", False, SUPPORT_TYPES, "the kinds of help given that year"),
    Field("source", "str", True,
       help="the https:// address of the report, or a description of the internal report "
            "(title, organisation, date)"),
    Field("reported_by", "str", True, help="the organisation or person that supplied the numbers"),
    Field("date", "date", True, help="the date of the report, as YYYY-MM-DD"),
    Field("note", "str"),
]

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# ---------------------------------------------------------------- checks

def _check_record(path, rid, record):
    if not _SLUG.match(rid):
        raise DataError(path, f"id {rid!r} is not a slug", record=rid, field="id",
                        fix="use lower-case letters, digits and '-' only")
    low, high = YEAR_RANGE
    year = record["year"]
    if not low <= year <= high:
        raise DataError(path, f"year {year} is outside {low}-{high}", record=rid, field="year",
                        fix="give the year with four digits")
    if record["helped"] < 0:
        raise DataError(path, f"{record['helped']} is negative", record=rid, field="helped",
                        fix="give a number of 0 or more")
    date = record["date"]
    date = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
    if date.year < year:
        raise DataError(path, f"the report date {date.isoformat()} is before the year {year} it reports on",
                        record=rid, field="date", fix="check the year and the date")
    source = record["source"].strip()
    if source.lower().startswith(("http://", "https://", "www.")) and (
            not source.startswith("https://") or " " in source):
        raise DataError(path, f"{source!r} is not a full https:// address", record=rid, field="source",
                        fix="give the https:// address of the report, or describe the report in words")


def _check_split_sums(path, rid, record):
    helped = record["helped"]
    for name in SPLITS:
        split = record.get(name)
        if split and sum(split.values()) > helped:
            raise DataError(path, f"the numbers add up to {sum(split.values())}, more than helped ({helped})",
                            record=rid, field=name,
                            fix="correct the split or helped; the split may add up to less "
                                "(the rest counts as onbekend), never to more")


def _initiative_check(initiative_ids: frozenset):
    def check(path, rid, record):
        if record["initiative"] not in initiative_ids:
            raise DataError(path, f"unknown initiative {record['initiative']!r}", record=rid,
                            field="initiative",
                            fix="use the id of an initiative in data/initiatives.yml, or add the "
                                "initiative there first")
    return check


def _municipality_check(valid_codes: frozenset):
    def check(path, rid, record):
        for code in record.get("by_municipality") or {}:
            if code != UNKNOWN and code not in valid_codes:
                raise DataError(path, f"unknown municipality code {code!r}", record=rid,
                                field="by_municipality",
                                fix="use a 2025 municipality code such as GM0344 (Utrecht), or onbekend")
    return check


def _unique_year_check():
    seen: dict[tuple, str] = {}

    def check(path, rid, record):
        key = (record["initiative"], record["year"])
        if key in seen:
            raise DataError(path, f"initiative {key[0]!r} already has a record for {key[1]}: {seen[key]!r}",
                            record=rid, field="year",
                            fix="keep one record per initiative and year; add the numbers together")
        seen[key] = rid
    return check


# ---------------------------------------------------------------- loading

COLUMNS = [f.name for f in MONITORING_FIELDS]


def _frame(records: list[dict]) -> pd.DataFrame:
    """Records to a DataFrame with one column per field; a missing split stays None."""
    df = pd.DataFrame({name: pd.Series([r.get(name) for r in records], dtype=object) for name in COLUMNS},
                      columns=COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["helped"] = df["helped"].astype("Int64")
    df["date"] = pd.to_datetime(df["date"].astype(str)) if len(df) else pd.Series([], dtype="datetime64[ns]")
    return df


def load_monitoring(path=MONITORING_FILE, initiative_ids=None, valid_codes=None) -> pd.DataFrame:
    """Read and validate the monitoring register; one row per initiative and year.

    initiative_ids: the allowed initiative ids (default: the ids in
    data/initiatives.yml); valid_codes: the allowed municipality codes
    (default: the 2025 municipalities of the data mirror). Split columns hold
    dicts, support_type a list; missing values are None. Raises DataError on
    the first problem.
    """
    if initiative_ids is None:
        from .initiatives import load_initiatives

        initiative_ids = load_initiatives()["id"]
    if valid_codes is None:
        from .geography import municipality_codes

        valid_codes = municipality_codes()
    checks = [_check_record, _check_split_sums, _initiative_check(frozenset(initiative_ids)),
              _municipality_check(frozenset(valid_codes)), _unique_year_check()]
    return _frame(load_register(Path(path), MONITORING_FIELDS, checks=checks, allow_empty=True))


def for_initiatives(df: pd.DataFrame, initiative_ids: Iterable[str]) -> pd.DataFrame:
    """The records of the given initiatives (e.g. those that reach a region)."""
    return df[df["initiative"].isin(set(initiative_ids))].reset_index(drop=True)


# ---------------------------------------------------------------- indicators

def _pct(part, whole):
    return part / whole * 100 if whole else None


def _years(df: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in df["year"].unique())


def helped_per_year(df: pd.DataFrame, target: int) -> pd.DataFrame:
    """mkb'ers helped per year, summed over the initiatives, against the yearly target
    (the ambition per year from data/settings.yml).

    Columns: year, helped, records, target, pct_of_target (helped / target × 100).
    One row per year with at least one record, sorted by year.
    """
    if target <= 0:
        raise ValueError("target must be positive")
    rows = []
    for year in _years(df):
        part = df[df["year"] == year]
        helped = int(part["helped"].sum())
        rows.append({"year": year, "helped": helped, "records": len(part), "target": target,
                     "pct_of_target": helped / target * 100})
    return pd.DataFrame(rows, columns=["year", "helped", "records", "target", "pct_of_target"])


def split_counts(df: pd.DataFrame, split: str, keys: Iterable[str] | None = None) -> pd.DataFrame:
    """mkb'ers helped per year and value of a split, with the rest as "onbekend".

    keys: the values listed (in this order, zeros included); default the
    allowed values of by_size_class or by_sector. Values outside keys are
    left out (for by_municipality: municipalities outside the region). The
    "onbekend" row holds the explicit onbekend numbers, the part of helped a
    split does not cover and all of helped for records without the split; so
    for the default keys the rows of a year add up to helped.
    Columns: year, <split without 'by_'>, helped.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    if keys is None:
        keys = {"by_size_class": SIZE_CLASSES, "by_sector": tuple(SECTOR_GROUPS)}.get(split, ())
    keys = [k for k in keys if k != UNKNOWN]
    column = split.removeprefix("by_")
    rows = []
    for year in _years(df):
        counts = dict.fromkeys(keys, 0)
        unknown = 0
        for helped, values in zip(df.loc[df["year"] == year, "helped"], df.loc[df["year"] == year, split]):
            values = values or {}
            for key, count in values.items():
                if key in counts:
                    counts[key] += count
            unknown += int(helped) - sum(v for k, v in values.items() if k != UNKNOWN)
        rows += [{"year": year, column: k, "helped": v} for k, v in counts.items()]
        rows.append({"year": year, column: UNKNOWN, "helped": unknown})
    return pd.DataFrame(rows, columns=["year", column, "helped"]).astype({"helped": int})


def small_share(df: pd.DataFrame) -> pd.DataFrame:
    """Per year, the share of zzp, micro and small firms among the helped with a known size.

    Columns: year, helped, helped_known_size, helped_small, pct_known_size
    (known size / helped), pct_small (small / known size; None without a known size).
    """
    counts = split_counts(df, "by_size_class")
    rows = []
    for year in _years(df):
        part = counts[counts["year"] == year].set_index("size_class")["helped"]
        known = int(part.drop(UNKNOWN).sum())
        small = int(part[list(c for c in SIZE_CLASSES if c in SMALL_CLASSES)].sum())
        helped = int(part.sum())
        rows.append({"year": year, "helped": helped, "helped_known_size": known, "helped_small": small,
                     "pct_known_size": _pct(known, helped), "pct_small": _pct(small, known)})
    return pd.DataFrame(rows, columns=["year", "helped", "helped_known_size", "helped_small",
                                       "pct_known_size", "pct_small"])


def sector_coverage(df: pd.DataFrame, priorities: Iterable[str]) -> pd.DataFrame:
    """Per year, how far the help reaches the priority sector groups.

    priorities: sector group codes (e.g. demand.analyse(...)["priorities"]).
    Columns: year, helped_known_sector, helped_priority, pct_priority (priority
    / known sector; None without a known sector), priorities_reached (priority
    sectors with at least one helped mkb'er), n_priorities.
    """
    priorities = list(dict.fromkeys(priorities))
    unknown = [p for p in priorities if p not in SECTOR_GROUPS]
    if unknown:
        raise ValueError(f"unknown sector group(s) {', '.join(unknown)}")
    counts = split_counts(df, "by_sector")
    rows = []
    for year in _years(df):
        part = counts[counts["year"] == year].set_index("sector")["helped"]
        known = int(part.drop(UNKNOWN).sum())
        prio = int(part[priorities].sum())
        rows.append({"year": year, "helped_known_sector": known, "helped_priority": prio,
                     "pct_priority": _pct(prio, known), "priorities_reached": int((part[priorities] > 0).sum()),
                     "n_priorities": len(priorities)})
    return pd.DataFrame(rows, columns=["year", "helped_known_sector", "helped_priority", "pct_priority",
                                       "priorities_reached", "n_priorities"])


def municipality_coverage(df: pd.DataFrame, region_codes: Iterable[str]) -> pd.DataFrame:
    """Per year, the region's municipalities with at least one helped mkb'er.

    Only by_municipality counts; a record without it reaches no known
    municipality. Columns: year, helped_in_region (helped in the region's
    municipalities), reached, n_municipalities, pct_reached.
    """
    codes = sorted(set(region_codes))
    if not codes:
        raise ValueError("region_codes is empty")
    counts = split_counts(df, "by_municipality", codes)
    rows = []
    for year in _years(df):
        part = counts[(counts["year"] == year) & (counts["municipality"] != UNKNOWN)]
        reached = int((part["helped"] > 0).sum())
        rows.append({"year": year, "helped_in_region": int(part["helped"].sum()), "reached": reached,
                     "n_municipalities": len(codes), "pct_reached": reached / len(codes) * 100})
    return pd.DataFrame(rows, columns=["year", "helped_in_region", "reached", "n_municipalities",
                                       "pct_reached"])


def detail_completeness(df: pd.DataFrame) -> pd.DataFrame:
    """Per year and optional detail (the three splits and support_type), the share of records that fill it.

    Long format, fields in OPTIONAL_DETAILS order. Columns: year, field,
    records, records_filled, pct_filled.
    """
    rows = []
    for year in _years(df):
        part = df[df["year"] == year]
        for name in OPTIONAL_DETAILS:
            filled = int(part[name].map(lambda v: bool(v)).sum())
            rows.append({"year": year, "field": name, "records": len(part), "records_filled": filled,
                         "pct_filled": filled / len(part) * 100})
    return pd.DataFrame(rows, columns=["year", "field", "records", "records_filled", "pct_filled"])


def reporting_coverage(df: pd.DataFrame, running_ids: Iterable[str], year: int) -> dict:
    """How many of the running initiatives (running_ids: e.g. mkbbook.initiatives.supply_sets, set hulp_nu)
    have a record for the year.

    Returns n_running, n_reported, pct_reported (None without running
    initiatives) and missing (sorted ids of running initiatives without a record).
    """
    running = sorted(set(running_ids))
    reported = set(df.loc[df["year"] == year, "initiative"])
    missing = [i for i in running if i not in reported]
    n_reported = len(running) - len(missing)
    return {"n_running": len(running), "n_reported": n_reported,
            "pct_reported": _pct(n_reported, len(running)), "missing": missing}


# ---------------------------------------------------------------- definitions for the chapter

INDICATOR_COLUMNS = ["indicator", "definitie", "eenheid", "doel", "bronveld"]
_NO_TARGET = "geen vastgesteld doel"

def indicators(ambition: int) -> pd.DataFrame:
    """The indicators of chapter 6, in Dutch: name, definition, unit, target or benchmark, source field.

    ambition: the yearly ambition (data/settings.yml, recommendation 2 of the study).
    """
    from .dutch import fmt_int

    per_year = fmt_int(ambition)
    return pd.DataFrame([
        ("Geholpen mkb'ers per jaar",
         "Het aantal mkb'ers dat in een jaar hulp kreeg, opgeteld over alle initiatieven.",
         "aantal per jaar", f"minstens {per_year} per jaar (aanbeveling 2 van de studie)", "helped"),
        ("Deel van de ambitie",
         f"Geholpen mkb'ers in het jaar gedeeld door {per_year}, keer 100.",
         "procent", "100% of meer", "helped"),
        ("Aandeel kleinste bedrijven",
         "Van de geholpen mkb'ers van wie de grootte bekend is: het deel dat zzp'er, micro- of klein bedrijf "
         "is (minder dan 50 werkzame personen).",
         "procent", _NO_TARGET + "; de studie vraagt vooral aandacht voor micro- en kleine bedrijven "
                                "(aanbeveling 5)", "by_size_class"),
        ("Bereik sectoren met voorrang",
         "Van de geholpen mkb'ers van wie de sector bekend is: het deel uit een van de sectoren die "
         "hoofdstuk 4 voorstelt.",
         "procent", _NO_TARGET + "; de studie vraagt om een sectorfocus (aanbeveling 2)", "by_sector"),
        ("Sectoren met voorrang bereikt",
         "Het aantal sectoren met voorrang waarin minstens één mkb'er is geholpen.",
         "aantal", _NO_TARGET + "; het maximum is het aantal sectoren met voorrang", "by_sector"),
        ("Gemeenten bereikt",
         "Het aantal en het deel van de gemeenten van de regio met minstens één geholpen mkb'er.",
         "aantal en procent", _NO_TARGET, "by_municipality"),
        ("Volledigheid van de uitsplitsingen",
         "Per uitsplitsing (grootte, sector, gemeente, soort hulp): het deel van de records waarin die is "
         "ingevuld.",
         "procent", _NO_TARGET + "; volledig is 100%",
         "by_size_class, by_sector, by_municipality, support_type"),
        ("Initiatieven die rapporteren",
         "Van de regionale initiatieven voor het mkb die in het jaar liepen: het deel met een record voor "
         "dat jaar.",
         "procent", _NO_TARGET + "; volledig is 100%", "initiative, year"),
    ], columns=INDICATOR_COLUMNS)


# Dutch labels of the optional details, for tables and charts.
DETAIL_LABELS = {"by_size_class": "grootteklasse", "by_sector": "sector", "by_municipality": "gemeente",
                 "support_type": "soort hulp"}
