"""Regions of the book: curated ones from data/regions.yml, every province and
COROP region from the mirror's geography, and any single municipality by code."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .errors import DataError
from .geography import municipalities
from .paths import DATA_DIR
from .schema import Field, load_register

REGIONS_FILE = DATA_DIR / "regions.yml"
DEFAULT_REGION = "provincie-utrecht"

REGION_FIELDS = [
    Field("id", "str", required=True),
    Field("name", "str", required=True, help="the Dutch name shown in the book"),
    Field("municipalities", "code_list", required=True, help="2025 CBS municipality codes, e.g. GM0344"),
    Field("subregions", "str_list", help="ids of other regions in this file"),
    Field("sources", "url_list", required=True, help="a public source for the membership"),
    Field("note", "str"),
]


@dataclass(frozen=True)
class Region:
    key: str  # what the user types: REGION=...
    name: str  # Dutch display name
    codes: frozenset  # 2025 municipality codes
    kind: str  # 'regio', 'provincie', 'corop' or 'gemeente'
    subregions: tuple = ()
    note: str = ""

    @property
    def provinces(self) -> frozenset:
        geo = municipalities()
        return frozenset(geo.loc[geo["gemeentecode"].isin(self.codes), "provinciecode"])

    @property
    def corops(self) -> frozenset:
        geo = municipalities()
        return frozenset(geo.loc[geo["gemeentecode"].isin(self.codes), "coropcode"])

    def covers_whole_corops(self) -> bool:
        """True when the region is exactly a union of COROP regions (so COROP data describe it)."""
        geo = municipalities()
        return set(geo.loc[geo["coropcode"].isin(self.corops), "gemeentecode"]) == set(self.codes)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _check_codes(valid: frozenset):
    def check(path, rid, record):
        for code in record["municipalities"]:
            if code not in valid:
                raise DataError(path, f"{code!r} is not a 2025 municipality code", record=rid,
                                field="municipalities", fix="use the codes of the mirror's geo/gebieden_2025.csv")
    return check


@lru_cache(maxsize=4)
def all_regions(path=REGIONS_FILE) -> dict[str, Region]:
    """Every region the book can be built for, by key (curated ones read from `path`)."""
    geo = municipalities()
    valid = frozenset(geo["gemeentecode"])
    out: dict[str, Region] = {}
    for (code, name), rows in geo.groupby(["provinciecode", "provincienaam"]):
        key = f"provincie-{slug(name)}"
        out[key] = Region(key, f"provincie {name}", frozenset(rows["gemeentecode"]), "provincie")
    for (code, name), rows in geo.groupby(["coropcode", "coropnaam"]):
        key = f"corop-{slug(name)}"
        out[key] = Region(key, f"COROP-gebied {name}", frozenset(rows["gemeentecode"]), "corop")
    records = load_register(path, REGION_FIELDS, checks=[_check_codes(valid)])
    for record in records:
        derived = out.get(record["id"])
        codes = frozenset(record["municipalities"])
        if derived is not None and derived.codes != codes:
            raise DataError(path, "the municipalities differ from the CBS province/COROP of the same id",
                            record=record["id"], field="municipalities",
                            fix="list exactly the municipalities of geo/gebieden_2025.csv, or rename the region")
        out[record["id"]] = Region(record["id"], record["name"], codes, "provincie" if derived else "regio",
                                   tuple(record.get("subregions") or ()), record.get("note") or "")
    for region in out.values():
        for sub in region.subregions:
            if sub not in out:
                raise DataError(path, f"subregion {sub!r} is not defined", record=region.key,
                                field="subregions", fix="define it in the same file or remove it")
    return out


REGION_PARAMETER = "parameter REGION"  # where a bad region comes from (not data/regions.yml)


def _dissolved(code: str, valid: set) -> str:
    """What a municipality code of before 2025 became, in words ('' when the code was never one)."""
    from . import reorg

    table = reorg.load_reorganisations()
    rows = table[table["oude_code"] == code]
    if rows.empty:
        return ""
    parts = []
    for _, row in rows.iterrows():
        successor, name = row["opvolger_code"], row["opvolger_naam"]
        seen = {code}
        while successor not in valid and successor not in seen:  # merged again later
            seen.add(successor)
            later = table[table["oude_code"] == successor]
            if later.empty:
                break
            successor, name = later.iloc[0]["opvolger_code"], later.iloc[0]["opvolger_naam"]
        share = "" if float(row["aandeel"]) == 1 else f" (about {float(row['aandeel']):.0%} of it)"
        parts.append(f"{successor} ({name}){share}")
    old_name = rows.iloc[0]["oude_naam"]
    since = rows.iloc[0]["opgeheven_per"]
    return (f"{code} ({old_name}) no longer exists: since {since} it is part of " + " and ".join(parts)), parts


def resolve(key: str) -> Region:
    """The region for a key (a name from regions.yml, provincie-*, corop-* or a GMxxxx code).

    A municipality code may be typed in lower case (gm0344); a code of a municipality that was
    dissolved before 2025 is answered with what it became.
    """
    regions = all_regions()
    if key in regions:
        return regions[key]
    if isinstance(key, str) and key.strip().lower() in regions:
        return regions[key.strip().lower()]
    geo = municipalities().set_index("gemeentecode")
    code = (key or "").strip().upper()
    if re.fullmatch(r"GM\d{4}", code):
        if code in geo.index:
            return Region(code, f"gemeente {geo.loc[code, 'gemeentenaam']}", frozenset([code]), "gemeente")
        found = _dissolved(code, set(geo.index))
        if found:
            text, parts = found
            codes = [p.split()[0] for p in parts]
            raise DataError(REGION_PARAMETER, f"{text}",
                            fix=f"build the edition of the 2025 municipality: REGION={codes[0]}"
                                + (f" (or {', '.join(codes[1:])})" if len(codes) > 1 else ""))
        raise DataError(REGION_PARAMETER, f"{code} is not a municipality code of 2025 or before",
                        fix="use a code of the mirror's geo/gebieden_2025.csv, e.g. GM0344 (Utrecht)")
    names = ", ".join(sorted(regions))
    raise DataError(REGION_PARAMETER, f"unknown region {key!r}",
                    fix=f"use one of: {names}; or a 2025 municipality code such as GM0344 "
                        f"(regions are defined in {REGIONS_FILE.name} and derived from the CBS geography)")
