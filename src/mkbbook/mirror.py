"""The data mirror: its contract (files, columns, keys), validation and loading.

The mirror's README.md is the contract. ``validate()`` checks every file
against SHA256SUMS, against the columns, types and keys below, and for
completeness (every year from the first to the last, every sector group of
every region and year, every municipality of ``geo/gebieden_2025.csv``, the
municipal sums against the COROP table) before any notebook runs; loaders read
the tidy CSV files with the right types. ``manifest()``, ``period_status()`` and
``latest_year()`` read what a snapshot says about itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import DataError
from .paths import mirror_dir
from .sectors import JOB_SECTOR_GROUPS, SECTOR_GROUPS, TOTAL


@dataclass(frozen=True)
class CsvContract:
    """Columns (name -> 'str' | 'int' | 'float'), key columns and non-negative count columns."""

    columns: dict
    key: tuple
    counts: tuple = ()
    codes: dict = field(default_factory=dict)  # column -> regex every value must match
    sectors: frozenset | None = None  # allowed values of 'sectorgroep'
    required: bool = True


FIX_MIRROR = "restore the mirror file (from the original download or `make data`) and run again"

CONTRACTS: dict[str, CsvContract] = {
    "cbs/vestigingen_gemeente.csv": CsvContract(
        {"gemeentecode": "str", "jaar": "int", "sectorgroep": "str", "vestigingen": "int"},
        key=("gemeentecode", "jaar", "sectorgroep"), counts=("vestigingen",),
        codes={"gemeentecode": r"GM\d{4}"}, sectors=frozenset(SECTOR_GROUPS) | {TOTAL}),
    "cbs/vestigingen_corop.csv": CsvContract(
        {"coropcode": "str", "jaar": "int", "vestigingen": "int"},
        key=("coropcode", "jaar"), counts=("vestigingen",), codes={"coropcode": r"CR\d{2}"}),
    "cbs/oprichtingen_corop.csv": CsvContract(
        {"coropcode": "str", "jaar": "int", "oprichtingen": "int"},
        key=("coropcode", "jaar"), counts=("oprichtingen",), codes={"coropcode": r"CR\d{2}"}),
    "cbs/oprichtingen_sector_corop_utrecht.csv": CsvContract(
        {"coropcode": "str", "jaar": "int", "sectorgroep": "str", "oprichtingen": "int"},
        key=("coropcode", "jaar", "sectorgroep"), counts=("oprichtingen",),
        codes={"coropcode": r"CR\d{2}"}, sectors=frozenset(SECTOR_GROUPS) | {TOTAL}),
    "cbs/banen_sector_corop_utrecht.csv": CsvContract(
        {"coropcode": "str", "jaar": "int", "sectorgroep": "str", "banen_x1000": "float"},
        key=("coropcode", "jaar", "sectorgroep"), counts=("banen_x1000",),
        codes={"coropcode": r"CR\d{2}"}, sectors=frozenset(JOB_SECTOR_GROUPS) | {TOTAL}),
    "cbs/kerncijfers_gemeente_2023.csv": CsvContract(
        {"gemeentecode": "str", "gemeentenaam": "str", "jaar": "int", "inwoners": "int",
         "huishoudens": "int", "oppervlakte_land_ha": "int", "inwoners_per_km2": "int",
         "stedelijkheid": "int"},
        key=("gemeentecode",), counts=("inwoners", "huishoudens", "oppervlakte_land_ha"),
        codes={"gemeentecode": r"GM\d{4}"}),
    "cbs/bedrijven_grootteklasse_nl.csv": CsvContract(
        {"sbi": "str", "sbi_naam": "str", "periode": "str", "grootteklasse": "str", "bedrijven": "int"},
        key=("sbi", "periode", "grootteklasse"), counts=("bedrijven",), required=False),
    "geo/gebieden_2025.csv": CsvContract(
        {"gemeentecode": "str", "gemeentenaam": "str", "provinciecode": "str", "provincienaam": "str",
         "coropcode": "str", "coropnaam": "str"},
        key=("gemeentecode",),
        codes={"gemeentecode": r"GM\d{4}", "provinciecode": r"PV\d{2}", "coropcode": r"CR\d{2}"}),
    # Raw SDMX-CSV as Eurostat serves it: only the columns the reader needs.
    "eurostat/isoc_e_dii.csv": CsvContract(
        {"size_emp": "str", "indic_is": "str", "unit": "str", "geo": "str", "TIME_PERIOD": "int"},
        key=("size_emp", "nace_r2", "indic_is", "unit", "geo", "TIME_PERIOD")),
    "eurostat/isoc_eb_ai.csv": CsvContract(
        {"size_emp": "str", "indic_is": "str", "unit": "str", "geo": "str", "TIME_PERIOD": "int"},
        key=("size_emp", "nace_r2", "indic_is", "unit", "geo", "TIME_PERIOD")),
    # Digital intensity by NACE activity, NL and EU27_2020 (written by `make data`; the seed has only
    # the tidy EU27 transcription isoc_e_diin2_eu27.csv, which has no contract of its own here).
    "eurostat/isoc_e_diin2.csv": CsvContract(
        {"size_emp": "str", "nace_r2": "str", "indic_is": "str", "unit": "str", "geo": "str", "TIME_PERIOD": "int"},
        key=("size_emp", "nace_r2", "indic_is", "unit", "geo", "TIME_PERIOD"), required=False),
}
GEBIEDEN = "geo/gebieden_2025.csv"
GEBIEDEN_YEAR = 2025  # the year whose municipalities geo/gebieden_2025.csv lists
COROP_TOLERANCE = 0.01  # municipal sums vs the COROP table (the README: at most 0.35 % apart)
MANIFEST = "manifest.json"
ESTAT_GEOS = ("NL", "EU27_2020")
# Pairs of files that cover the same years (one CBS table, or tables of one release).
SAME_YEARS = (("cbs/vestigingen_gemeente.csv", "cbs/vestigingen_corop.csv"),
              ("cbs/oprichtingen_corop.csv", "cbs/oprichtingen_sector_corop_utrecht.csv"))
UNASSIGNED = "GM0000"  # establishments CBS could not assign to a municipality (README)  # the geos the book reads from the raw Eurostat files
GEOJSON = ("geo/gemeenten_2023.geojson", "geo/gemeenten_2025.geojson", "geo/provincies_2023.geojson")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_checksums(root: Path) -> dict[str, str]:
    """SHA256SUMS as {relative path: hex digest}."""
    sums = root / "SHA256SUMS"
    if not sums.exists():
        raise DataError(sums, "the checksum list is missing", fix=FIX_MIRROR)
    out = {}
    for number, line in enumerate(sums.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise DataError(sums, f"line {number} is not '<sha256>  <file>'", fix=FIX_MIRROR)
        out[parts[1].lstrip("*")] = parts[0]
    return out


def _check_csv(root: Path, name: str, contract: CsvContract) -> pd.DataFrame:
    path = root / name
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise DataError(path, "is empty: no header and no rows (an interrupted download or copy?)",
                        fix=FIX_MIRROR) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(path, f"cannot be read as CSV ({exc})", fix=FIX_MIRROR) from None
    missing = [c for c in list(contract.columns) + list(contract.key) if c not in df.columns]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(sorted(set(missing)))}; found {', '.join(df.columns)}",
                        fix=FIX_MIRROR)
    if df.empty:
        raise DataError(path, "has no rows", fix=FIX_MIRROR)
    for column, kind in contract.columns.items():
        values = df[column]
        if kind in ("int", "float"):
            numbers = pd.to_numeric(values, errors="coerce")
            bad = values[numbers.isna() | ((numbers % 1 != 0) if kind == "int" else False)]
            if len(bad):
                row = bad.index[0] + 2  # header is line 1
                raise DataError(path, f"line {row}, column {column!r}: {bad.iloc[0]!r} is not a "
                                      f"{'whole number' if kind == 'int' else 'number'}", fix=FIX_MIRROR)
        elif (values.str.strip() == "").any():
            row = values[values.str.strip() == ""].index[0] + 2
            raise DataError(path, f"line {row}, column {column!r} is empty", fix=FIX_MIRROR)
    for column, pattern in contract.codes.items():
        bad = df[~df[column].str.fullmatch(pattern)]
        if len(bad):
            raise DataError(path, f"line {bad.index[0] + 2}, column {column!r}: {bad[column].iloc[0]!r} "
                                  f"is not a code of the form {pattern}", fix=FIX_MIRROR)
    if contract.sectors is not None:
        bad = df[~df["sectorgroep"].isin(contract.sectors)]
        if len(bad):
            raise DataError(path, f"line {bad.index[0] + 2}: unknown sector group {bad['sectorgroep'].iloc[0]!r}",
                            fix="the mirror's README lists the sector groups; map new SBI groups in the downloader")
    duplicated = df[df.duplicated(list(contract.key), keep=False)]
    if len(duplicated):
        first = duplicated.iloc[0]
        key = ", ".join(f"{k}={first[k]}" for k in contract.key)
        raise DataError(path, f"duplicate key ({key}) on lines "
                              f"{', '.join(str(i + 2) for i in duplicated.index[:3])}", fix=FIX_MIRROR)
    for column in contract.counts:
        numbers = pd.to_numeric(df[column])
        if (numbers < 0).any():
            row = numbers[numbers < 0].index[0] + 2
            raise DataError(path, f"line {row}, column {column!r} is negative", fix=FIX_MIRROR)
    return df


# --- Completeness: a file cut at a line boundary is well-formed but not whole ----------------

FIX_INCOMPLETE = ("the file is incomplete (cut off, or rows lost): restore it from the snapshot's source "
                  "(`git checkout -- snapshots/`, or `make data`) and run again")


def _years_unbroken(path: Path, years, what: str) -> None:
    years = sorted(int(y) for y in pd.unique(pd.Series(years)))
    holes = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if holes:
        raise DataError(path, f"{what} has no rows for {', '.join(map(str, holes))} "
                              f"(between {years[0]} and {years[-1]})", fix=FIX_INCOMPLETE)


def _check_region_grid(path: Path, df: pd.DataFrame, region: str, sectors: bool) -> None:
    """Every year first..last; per region an unbroken run of years; per region and year every group."""
    _years_unbroken(path, df["jaar"], "the file")
    years = df.loc[df[region] != UNASSIGNED, [region, "jaar"]].astype({"jaar": int}).drop_duplicates()
    span = years.groupby(region)["jaar"].agg(["min", "max", "count"])  # GM0000 has no rows in 2017-2018
    for code in span.index[span["max"] - span["min"] + 1 != span["count"]][:1]:
        _years_unbroken(path, years.loc[years[region] == code, "jaar"], f"{region} {code}")
    if sectors:
        groups = set(df["sectorgroep"])
        found = df.groupby([region, "jaar"])["sectorgroep"].nunique()
        short = found[found < len(groups)]
        if len(short):
            code, year = short.index[0]
            present = set(df.loc[(df[region] == code) & (df["jaar"] == year), "sectorgroep"])
            raise DataError(path, f"{region} {code}, {year}: sector group(s) "
                                  f"{', '.join(sorted(groups - present))} missing ({len(short)} region-year(s) "
                                  "incomplete)", fix=FIX_INCOMPLETE)


def _check_complete(root: Path, frames: dict) -> None:
    """Expected years, regions and groups are present, not only well-formed rows (see the module doc)."""
    est, corop = frames["cbs/vestigingen_gemeente.csv"], frames["cbs/vestigingen_corop.csv"]
    gebieden = frames[GEBIEDEN]
    for name, shapes in (("cbs/kerncijfers_gemeente_2023.csv", "geo/gemeenten_2023.geojson"),
                         (GEBIEDEN, "geo/gemeenten_2025.geojson")):
        codes, expected = set(frames[name]["gemeentecode"]), set(frames[shapes])
        if codes != expected:
            absent = sorted(expected - codes) or sorted(codes - expected)
            what = "missing" if expected - codes else "not in " + shapes
            raise DataError(root / name, f"{len(absent)} municipalit{'y' if len(absent) == 1 else 'ies'} "
                                         f"{what} ({', '.join(absent[:5])}{' …' * (len(absent) > 5)})",
                            fix=FIX_INCOMPLETE)
    # files of one cycle end in the same year: a file cut at a year boundary is shorter than its twin
    for first, second in SAME_YEARS:
        last = {name: max(int(y) for y in frames[name]["jaar"]) for name in (first, second)}
        if last[first] != last[second]:
            short = min(last, key=last.get)
            raise DataError(root / short, f"ends in {last[short]}, but {max(last, key=last.get)} (same CBS "
                                          f"release cycle) ends in {max(last.values())}", fix=FIX_INCOMPLETE)
    for name, region, sectors in [("cbs/vestigingen_gemeente.csv", "gemeentecode", True),
                                  ("cbs/vestigingen_corop.csv", "coropcode", False),
                                  ("cbs/oprichtingen_corop.csv", "coropcode", False),
                                  ("cbs/oprichtingen_sector_corop_utrecht.csv", "coropcode", True),
                                  ("cbs/banen_sector_corop_utrecht.csv", "coropcode", True)]:
        _check_region_grid(root / name, frames[name], region, sectors)
    for name in ("cbs/vestigingen_corop.csv", "cbs/oprichtingen_corop.csv"):  # every COROP region every year
        df = frames[name]
        expected = set(gebieden["coropcode"])
        for year, codes in df.groupby("jaar")["coropcode"]:
            absent = expected - set(codes)
            if absent:
                raise DataError(root / name, f"{year}: COROP region(s) {', '.join(sorted(absent))} missing",
                                fix=FIX_INCOMPLETE)
    # the municipalities of geo/gebieden_2025.csv are all there in 2025 ...
    years = {int(y) for y in est["jaar"]}
    if GEBIEDEN_YEAR in years:
        present = set(est.loc[est["jaar"].astype(int) == GEBIEDEN_YEAR, "gemeentecode"])
        absent = set(gebieden["gemeentecode"]) - present
        if absent:
            raise DataError(root / "cbs/vestigingen_gemeente.csv",
                            f"{GEBIEDEN_YEAR}: {len(absent)} municipalit{'y' if len(absent) == 1 else 'ies'} of "
                            f"{GEBIEDEN} missing ({', '.join(sorted(absent)[:5])}{' …' * (len(absent) > 5)})",
                            fix=FIX_INCOMPLETE)
    # ... and from then on their sums per COROP region agree with the COROP table (81578NED)
    totals = est[(est["sectorgroep"] == TOTAL)].astype({"jaar": int, "vestigingen": int})
    totals = totals[totals["jaar"] >= GEBIEDEN_YEAR].merge(gebieden[["gemeentecode", "coropcode"]], how="left")
    if totals["coropcode"].isna().any():
        codes = sorted(set(totals.loc[totals["coropcode"].isna(), "gemeentecode"]) - {"GM0000"})
        if codes:
            raise DataError(root / "cbs/vestigingen_gemeente.csv",
                            f"municipality code(s) {', '.join(codes[:5])} after {GEBIEDEN_YEAR} are not in "
                            f"{GEBIEDEN} (a reorganisation after {GEBIEDEN_YEAR}?)",
                            fix=f"add the new municipalities to {GEBIEDEN} and data/herindelingen_2015_2025.csv")
    sums = totals.dropna(subset=["coropcode"]).groupby(["coropcode", "jaar"])["vestigingen"].sum()
    table = corop.astype({"jaar": int, "vestigingen": int}).set_index(["coropcode", "jaar"])["vestigingen"]
    for (code, year), total in sums.items():
        if (code, year) in table.index and abs(total - table[(code, year)]) > COROP_TOLERANCE * table[(code, year)]:
            raise DataError(root / "cbs/vestigingen_gemeente.csv",
                            f"{year}: the municipalities of {code} sum to {total}, the COROP table "
                            f"(cbs/vestigingen_corop.csv) says {table[(code, year)]}: more than "
                            f"{COROP_TOLERANCE:.0%} apart", fix=FIX_INCOMPLETE)
    for name in CONTRACTS:
        if name.startswith("eurostat/") and name in frames:
            _check_eurostat_complete(root / name, frames[name])


def _check_eurostat_complete(path: Path, df: pd.DataFrame) -> None:
    """Every year first..last has rows, and rows for both NL and EU27_2020 (the geos the book reads)."""
    _years_unbroken(path, df["TIME_PERIOD"], "the file")
    for year, rows in df.groupby("TIME_PERIOD"):
        absent = [geo for geo in ESTAT_GEOS if not (rows["geo"] == geo).any()]
        if absent:
            raise DataError(path, f"{year}: no rows for {', '.join(absent)}", fix=FIX_INCOMPLETE)


def _check_geojson(root: Path, name: str) -> None:
    path = root / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        codes = [f["properties"]["statcode"] for f in data["features"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(path, f"not a GeoJSON FeatureCollection with 'statcode' properties ({exc})",
                        fix=FIX_MIRROR) from None
    if len(codes) != len(set(codes)):
        raise DataError(path, "a statcode occurs twice", fix=FIX_MIRROR)
    return codes


@dataclass(frozen=True)
class Snapshot:
    """A validated mirror: where it is and a fingerprint of its contents."""

    root: Path
    checksums: dict

    @property
    def fingerprint(self) -> str:
        """sha256 over SHA256SUMS: changes whenever any mirror file changes."""
        text = "".join(f"{k} {v}\n" for k, v in sorted(self.checksums.items()))
        return hashlib.sha256(text.encode()).hexdigest()

    def has(self, name: str) -> bool:
        return name in self.checksums


def validate(root: Path | None = None) -> Snapshot:
    """Check checksums, columns, types, keys and counts of every mirror file; raise DataError."""
    root = Path(root) if root else mirror_dir()
    checksums = read_checksums(root)
    for name, contract in CONTRACTS.items():
        if name not in checksums and contract.required:
            raise DataError(root / "SHA256SUMS", f"required file {name} is not listed", fix=FIX_MIRROR)
    for name in GEOJSON:
        if name not in checksums:
            raise DataError(root / "SHA256SUMS", f"required file {name} is not listed", fix=FIX_MIRROR)
    for name, expected in checksums.items():
        path = root / name
        if not path.exists():
            raise DataError(path, "file is missing (it is listed in SHA256SUMS)", fix=FIX_MIRROR)
        if _sha256(path) != expected:
            raise DataError(path, "checksum does not match SHA256SUMS: the file is corrupted or was edited",
                            fix=FIX_MIRROR)
    frames = {}
    for name, contract in CONTRACTS.items():
        if name in checksums:
            frames[name] = _check_csv(root, name, contract)
    for name in GEOJSON:
        frames[name] = _check_geojson(root, name)
    _check_complete(root, frames)
    return Snapshot(root=root, checksums=checksums)


# --- Loading (after validation) -------------------------------------------------------------

def _typed(name: str) -> pd.DataFrame:
    contract = CONTRACTS[name]
    dtypes = {c: {"str": "string", "int": "int64", "float": "float64"}[k] for c, k in contract.columns.items()}
    return pd.read_csv(mirror_dir() / name, dtype=dtypes)


@lru_cache(maxsize=None)
def load(name: str) -> pd.DataFrame:
    """A mirror CSV file with the contract's types, e.g. load('cbs/vestigingen_gemeente.csv')."""
    if name not in CONTRACTS:
        raise KeyError(f"{name} is not a file of the mirror contract")
    if not (mirror_dir() / name).exists():
        raise DataError(mirror_dir() / name, "file is missing", fix=FIX_MIRROR)
    return _typed(name)


def geojson_path(name: str) -> Path:
    return mirror_dir() / name


# --- What a snapshot says about itself (manifest.json) ---------------------------------------

def manifest(root: Path | None = None) -> dict:
    """The snapshot's manifest.json ({} when it has none). Format: the snapshot README, "manifest.json"."""
    path = Path(root or mirror_dir()) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise DataError(path, f"is not valid JSON ({exc})", fix=FIX_MIRROR) from None
    if not isinstance(data, dict):
        raise DataError(path, "is not a JSON object", fix=FIX_MIRROR)
    return data


def period_status(table: str, root: Path | None = None) -> dict[int, str | None]:
    """CBS period status per year of one table, e.g. {2024: 'Definitief', 2025: 'Voorlopig'}.

    None means the snapshot does not record the status (the seed snapshot was assembled from public
    copies without it): treat the latest years as provisional, as the mirror README says.
    An empty dict: the snapshot has no manifest entry for the table.
    """
    periods = (manifest(root).get("tables", {}).get(table) or {}).get("periods") or {}
    return {int(year): status for year, status in sorted(periods.items())}


def provisional_years(table: str, root: Path | None = None) -> list[int]:
    """Years CBS marks as not final ('Voorlopig', 'Nader voorlopig', …) in the snapshot's manifest."""
    return [year for year, status in period_status(table, root).items()
            if status is not None and status.strip().lower() != "definitief"]


def latest_year(root: Path | None = None) -> int:
    """The newest year of the establishment counts: the default analysis year of a build."""
    from .paths import latest_year as _latest

    return _latest(root)
