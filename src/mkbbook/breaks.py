"""Breaks in the establishment series, found by code, and the provisional status of periods.

The rule (thresholds in data/settings.yml, section ``breaks``)
-------------------------------------------------------------
Input: the national number of establishments per sector group and year, counted as the sum of all
municipalities (without ``GM0000``, the establishments CBS could not assign to a municipality, whose
number grows from 5 to about 4,500 and would itself look like a break).

1. For every sector group g and year t, the year-on-year change r(g, t) in % (from 1 January t-1
   to 1 January t).
2. **A break in all sectors** (``kind == "jaar"``): the change of all sectors together, r(totaal, t),
   departs from its median over all years by at least ``min_pp`` percentage points AND by at least
   ``robust_z`` robust standard deviations (1.4826 x the median absolute deviation). Median and
   MAD are robust to the one outlier year itself.
3. **A break in one sector group** (``kind == "sector"``): the change beyond that of all sectors
   in the same year, e(g, t) = r(g, t) - r(totaal, t), departs from the median of e(g, .) by the same
   two thresholds. Subtracting the common change keeps a year in which everything grows from being
   counted as nine sector breaks.

On the snapshot of 2015-2025 this finds the 2022 jump (all sectors +8.1 % against a median of
4.5 %: 3.6 pp, 2.7 robust SD) and, in 2024, K (-41 %), L (+17.8 %), M-N (+14.3 %) and J (+10.6 %)
(each at least 4.2 pp and 4.8 robust SD). The nearest misses are 2025 for all sectors together
(+1.7 %: 2.7 pp, 2.1 robust SD) and G-I and B-E in 2024 (2.5 and 2.6 pp beyond the common change).

``spanning`` gives the breaks a growth figure crosses, ``level_breaks`` those that change the
composition of sectors a share or location quotient rests on, each with one Dutch sentence.
``provisional_years`` says which years of a CBS table are provisional.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .dutch import fmt_dec, fmt_pct, join_nl
from .sectors import SECTOR_GROUPS, TOTAL

COLUMNS = ["jaar", "sectorgroep", "soort", "verandering_pct", "gewoonlijk_pct", "afwijking_pp", "robuuste_z"]
MAD_TO_SD = 1.4826  # MAD x 1.4826 estimates the standard deviation of a normal distribution


@dataclass(frozen=True)
class Break:
    """One flagged break: the year t of the change t-1 -> t, the sector groups (all groups for
    kind 'jaar'), and one Dutch sentence for the reader."""

    year: int
    kind: str  # "jaar" (all sectors) or "sector"
    groups: tuple
    sentence: str


def _robust(values: pd.Series) -> tuple[pd.Series, float]:
    """Departure from the median, and 1.4826 x MAD (0 when most values are equal)."""
    median = values.median()
    deviation = values - median
    return deviation, float(deviation.abs().median() * MAD_TO_SD)


def yearly_changes(national: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year change (%) per sector group: rows sectorgroep, columns jaar (the first year has none)."""
    wide = national.pivot_table(index="sectorgroep", columns="jaar", values="vestigingen", aggfunc="sum")
    wide = wide.reindex(columns=sorted(wide.columns))
    change = (wide / wide.shift(axis=1) - 1) * 100
    return change.iloc[:, 1:]


def detect(national: pd.DataFrame, min_pp: float, robust_z: float) -> pd.DataFrame:
    """Flag the sector-group x year changes that depart strongly from the usual national pattern.

    national: jaar, sectorgroep (the nine groups and 'totaal'), vestigingen: the sum of all
    municipalities (without GM0000). Returns one row per flag (columns COLUMNS): soort 'jaar'
    (sectorgroep 'totaal', all sectors) or 'sector'; verandering_pct is r(g, t);
    gewoonlijk_pct the usual change (median of r(totaal) for 'jaar'; for 'sector' r(totaal, t)
    plus the group's median excess); afwijking_pp the departure; robuuste_z in robust SD.
    """
    change = yearly_changes(national)
    rows = []
    total = change.loc[TOTAL]
    deviation, scale = _robust(total)
    for year, dev in deviation.items():
        if _flagged(dev, scale, min_pp, robust_z):
            rows.append((int(year), TOTAL, "jaar", float(total[year]), float(total[year] - dev), float(dev),
                         _z(dev, scale)))
    for group in [g for g in change.index if g != TOTAL]:
        excess = change.loc[group] - total
        deviation, scale = _robust(excess)
        for year, dev in deviation.items():
            if _flagged(dev, scale, min_pp, robust_z):
                rows.append((int(year), group, "sector", float(change.loc[group, year]),
                             float(change.loc[group, year] - dev), float(dev), _z(dev, scale)))
    out = pd.DataFrame(rows, columns=COLUMNS)
    order = {g: i for i, g in enumerate([TOTAL, *SECTOR_GROUPS])}
    return out.sort_values(["jaar", "sectorgroep"], key=lambda s: s.map(order) if s.name == "sectorgroep" else s) \
        .reset_index(drop=True)


def _flagged(dev: float, scale: float, min_pp: float, robust_z: float) -> bool:
    return abs(dev) >= min_pp and (scale == 0 or abs(dev) >= robust_z * scale)


def _z(dev: float, scale: float) -> float:
    return float("inf") if scale == 0 else float(dev / scale)


def detect_with(national: pd.DataFrame, settings) -> pd.DataFrame:
    """detect() with the thresholds of data/settings.yml (section breaks)."""
    return detect(national, settings.get("breaks", "min_pp", kind=float),
                  settings.get("breaks", "robust_z", kind=float))


# --- Sentences ----------------------------------------------------------------------------

def _group_name(group: str) -> str:
    return f"{SECTOR_GROUPS[group].lower()} ({group})"


def _moved(value: float) -> str:
    return f"steeg met {fmt_pct(value)}" if value >= 0 else f"daalde met {fmt_pct(-value)}"


def _breaks(flags: pd.DataFrame) -> list[Break]:
    """One Break per year and kind (the sector breaks of one year together)."""
    out = []
    for (year, kind), rows in flags.groupby(["jaar", "soort"], sort=True):
        year = int(year)
        if kind == "jaar":
            row = rows.iloc[0]
            direction = "groeide" if row["verandering_pct"] >= 0 else "kromp"
            sentence = (f"Trendbreuk {year}: van {year - 1} op {year} {direction} het aantal vestigingen in alle "
                        f"sectoren samen landelijk met {fmt_pct(abs(row['verandering_pct']))}, tegen gewoonlijk "
                        f"{fmt_pct(row['gewoonlijk_pct'])} per jaar. Groei over {year} heen bevat die sprong van "
                        f"één jaar.")
            out.append(Break(year, kind, tuple(SECTOR_GROUPS), sentence))
        else:
            parts = [f"{_group_name(r.sectorgroep)} {_moved(r.verandering_pct)}" for r in rows.itertuples()]
            groups = tuple(rows["sectorgroep"])
            sentence = (f"Trendbreuk {year}: van {year - 1} op {year} veranderde het aantal vestigingen landelijk "
                        f"veel sterker dan in andere jaren: {join_nl(parts)}. Dat wijst op een wijziging in het "
                        f"register of de indeling van CBS (bedrijven die van sector wisselen), niet op echte groei "
                        f"of krimp. Vergelijk groei en aandelen van "
                        f"{'deze sectoren' if len(groups) > 1 else 'deze sector'} over {year} heen daarom met "
                        f"voorzichtigheid.")
            out.append(Break(year, kind, groups, sentence))
    return out


def spanning(flags: pd.DataFrame, sector_groups, start_year: int, end_year: int) -> list[Break]:
    """The breaks a growth figure from start_year to end_year crosses (a change t-1 -> t with
    start_year < t <= end_year) that concern the given sector groups. 'totaal' (all sectors
    together) is concerned by breaks in all sectors only: sector breaks shift firms between sectors."""
    groups = set(sector_groups)
    out = []
    for brk in _breaks(flags):
        if not start_year < brk.year <= end_year:
            continue
        if brk.kind == "jaar" or groups & set(brk.groups):
            out.append(brk)
    return out


def level_breaks(flags: pd.DataFrame, sector_groups, year: int) -> list[Break]:
    """The sector breaks up to `year` that change which firms a sector group holds: a share or
    location quotient of `year` rests on the new grouping and is not comparable with years before."""
    groups = set(sector_groups)
    return [b for b in _breaks(flags) if b.kind == "sector" and b.year <= year and groups & set(b.groups)]


def sentences(breaks: list[Break]) -> str:
    """The sentences of several breaks as one text ('' for none)."""
    return " ".join(b.sentence for b in breaks)


def chart_marks(breaks: list[Break]) -> dict[int, str]:
    """Short labels for vertical rules in a line chart: {2022: '2022: alle sectoren', ...}."""
    marks: dict[int, list[str]] = {}
    for b in breaks:
        marks.setdefault(b.year, []).append("alle sectoren" if b.kind == "jaar" else ", ".join(b.groups))
    return {year: f"{year}: breuk {'; '.join(labels)}" for year, labels in sorted(marks.items())}


def table(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags for a table to read: year, sector, change, usual change, departure (text cells)."""
    return pd.DataFrame({
        "Jaar": [f"{y - 1}–{y}" for y in flags["jaar"]],
        "Sector": ["Alle sectoren samen" if g == TOTAL else f"{SECTOR_GROUPS[g]} ({g})" for g in flags["sectorgroep"]],
        "Verandering": [fmt_pct(v) for v in flags["verandering_pct"]],
        "Gewoonlijk": [fmt_pct(v) for v in flags["gewoonlijk_pct"]],
        "Afwijking (procentpunt)": [fmt_dec(v) for v in flags["afwijking_pp"]],
    })


# --- Provisional periods ------------------------------------------------------------------

def period_status(manifest_path: Path, table: str, file: str) -> dict[int, str] | None:
    """Status per year ('Voorlopig', 'Definitief', ...) of a CBS table in a snapshot's manifest.json,
    or None when the manifest is absent or says nothing about the table's periods.

    Tolerant of the layout: the entry may sit under 'files' -> file, under the table id, under
    'tables'/'periods'/'period_status' -> table id; its periods may be a mapping period -> status
    or a list of records with a year/period and a status. Period keys like '2024JJ00' are read as 2024.
    """
    try:
        manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    candidates = []
    for container in (manifest, manifest.get("files"), manifest.get("tables"), manifest.get("periods"),
                      manifest.get("period_status")):
        if isinstance(container, dict):
            candidates += [container.get(file), container.get(table)]
    for entry in candidates:
        status = _parse_status(entry, table)
        if status:
            return status
    return None


def _parse_status(entry, table: str) -> dict[int, str] | None:
    if isinstance(entry, dict):
        if entry.get("table") not in (None, table):
            return None
        for key in ("periods", "period_status", "perioden", "status"):
            if key in entry:
                found = _parse_periods(entry[key])
                if found:
                    return found
        return _parse_periods(entry)
    return _parse_periods(entry)


def _year(value) -> int | None:
    text = str(value).strip()
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def _parse_periods(periods) -> dict[int, str] | None:
    out: dict[int, str] = {}
    if isinstance(periods, dict):
        for key, status in periods.items():
            if isinstance(status, dict):
                status = status.get("status") or status.get("Status")
            if _year(key) is not None and isinstance(status, str):
                out[_year(key)] = status
    elif isinstance(periods, list):
        for item in periods:
            if isinstance(item, dict):
                key = next((item[k] for k in ("year", "jaar", "period", "periode", "key", "Key") if k in item), None)
                status = item.get("status") or item.get("Status")
            elif isinstance(item, (list, tuple)) and len(item) >= 2:
                key, status = item[0], item[-1]
            else:
                continue
            if _year(key) is not None and isinstance(status, str) and status:
                out[_year(key)] = status
    return out or None


def is_provisional(status: str) -> bool:
    """CBS period status: 'Voorlopig' and 'Nader voorlopig' are provisional, 'Definitief' is final."""
    return "voorlopig" in status.lower()


def provisional_years(years, manifest_path: Path, table: str, file: str, latest_n: int) -> tuple[list[int], str]:
    """The provisional years among `years`, and how that was decided ('manifest' or 'aanname').

    From the snapshot's manifest when it records the table's period status; otherwise the latest
    `latest_n` years are taken as provisional (the data README: CBS marks the latest periods so).
    """
    years = sorted(int(y) for y in years)
    status = period_status(manifest_path, table, file)
    if status:
        return [y for y in years if y in status and is_provisional(status[y])], "manifest"
    return years[-latest_n:] if latest_n > 0 else [], "aanname"
