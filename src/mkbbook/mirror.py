"""The data mirror: its contract (files, columns, keys), validation and loading.

The mirror's README.md is the contract. ``validate()`` checks every file
against SHA256SUMS and against the columns, types and keys below before any
notebook runs; loaders read the tidy CSV files with the right types.
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
}
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


def _check_csv(root: Path, name: str, contract: CsvContract) -> None:
    path = root / name
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
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
    for name, contract in CONTRACTS.items():
        if name in checksums:
            _check_csv(root, name, contract)
    for name in GEOJSON:
        _check_geojson(root, name)
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
